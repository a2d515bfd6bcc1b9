/**
 * SubscriptionStore over the Lua scripts (semantics: driver.ts; layout:
 * keys.ts). A create may create the queue, so it is ordered like a post:
 * project index first. It is also added to the subscribed index before the
 * subscription is written and again after (subscribed-index.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Scope, StoredSubscription, SubscriptionStore } from "../driver.ts";
import { subscriptionNotFound } from "../failures.ts";
import type { RedisContext } from "./context.ts";
import { newToken, projectIndexKey, queueKeys } from "./keys.ts";
import type { SubscribedIndex } from "./subscribed-index.ts";
import { packSubscription, unpackSubscription } from "./subscription-records.ts";
import { isStatus, statusError } from "./status.ts";

/** A job token (the last part of a confirmation job id). */
const jobToken = (): string => randomBytes(8).toString("hex");

export function createSubscriptionStore(ctx: RedisContext, index: SubscribedIndex): SubscriptionStore {
  const { client, clock, scripts, run } = ctx;

  /** The live subscriptions among `ids`, in order. */
  async function readLive(scope: Scope, ids: readonly string[]): Promise<StoredSubscription[]> {
    const recs = await run(() => client.hmget(`${queueKeys(scope).base}sub`, ...ids));
    const now = clock.now();
    const out: StoredSubscription[] = [];
    ids.forEach((id, i) => {
      const rec = recs[i];
      const s = rec == null ? null : unpackSubscription(id, rec);
      if (s !== null && now < s.expiresAtMs) out.push(s);
    });
    return out;
  }

  return {
    async create(scope, sub, { confirmation }) {
      const k = queueKeys(scope);
      const now = clock.now();
      const id = randomUUID();
      const expiresAtMs = now + sub.ttl * 1000;
      const packed = packSubscription({ ...sub, createdAtMs: now, expiresAtMs, confirmed: false });
      const projectIndex = projectIndexKey(scope.project);
      await run(() => client.zadd(projectIndex, 0, scope.queue));
      await index.add(k.base, now);
      const reply = await run(() =>
        scripts.createSubscription(
          k.record, k.base, now, id, sub.subscriber, packed, expiresAtMs,
          confirmation === undefined ? "0" : "1", confirmation ?? "", jobToken(), newToken(), newToken(),
        ),
      );
      if (isStatus(reply)) throw statusError(reply, scope);
      const [created, resultId, queueCreated] = reply;
      // Indexed again: a concurrent queue delete or idle-removal may have dropped the first entries.
      if (queueCreated === 1) await run(() => client.zadd(projectIndex, 0, scope.queue));
      if (confirmation !== undefined) await index.lower(k.base, now);
      else await index.add(k.base, now);
      return { id: resultId, created: created === 1 };
    },

    async list(scope, { marker, limit }) {
      const key = `${queueKeys(scope).base}subs`;
      const out: StoredSubscription[] = [];
      let after = marker === undefined ? "-" : `(${marker}`;
      // Expired subscriptions not yet reaped are skipped, so a page may need several reads.
      while (out.length < limit) {
        const want = limit - out.length;
        const ids = await run(() => client.zrangebylex(key, after, "+", "LIMIT", 0, want));
        if (ids.length === 0) break;
        out.push(...(await readLive(scope, ids)));
        after = `(${ids[ids.length - 1]!}`;
        if (ids.length < want) break;
      }
      return out;
    },

    async get(scope, id) {
      const [s] = await readLive(scope, [id]);
      if (s === undefined) throw subscriptionNotFound(id);
      return s;
    },

    async update(scope, id, changes) {
      const k = queueKeys(scope);
      const now = clock.now();
      const { subscriber, ttl, options } = changes;
      const reply = await run(() =>
        scripts.updateSubscription(
          k.record, k.base, now, id,
          subscriber === undefined ? "0" : "1", subscriber ?? "",
          ttl === undefined ? "" : ttl, ttl === undefined ? "" : now + ttl * 1000,
          options === undefined ? "0" : "1", options ?? "",
        ),
      );
      if (isStatus(reply)) throw statusError(reply, scope, id);
    },

    async delete(scope, id) {
      const k = queueKeys(scope);
      await run(() => scripts.deleteSubscription(k.record, k.base, id));
    },

    async confirm(scope, id, confirmed, { unsubscribe }) {
      const k = queueKeys(scope);
      const now = clock.now();
      const reply = await run(() =>
        scripts.confirmSubscription(
          k.record, k.base, now, id, confirmed ? "1" : "0",
          unsubscribe === undefined ? "0" : "1", unsubscribe ?? "", jobToken(),
        ),
      );
      if (isStatus(reply)) throw statusError(reply, scope, id);
      if (unsubscribe !== undefined) await index.lower(k.base, now);
    },

    async purge(scope) {
      const k = queueKeys(scope);
      await run(() => scripts.purgeSubscriptions(k.record, k.base));
    },
  };
}
