/** MessageStore over the Lua scripts (semantics: driver.ts; layout: keys.ts). */
import { randomUUID } from "node:crypto";
import { isZaqarError } from "../../errors.ts";
import type { ListMessagesOptions, MessageStore, NewMessage, Scope, StoredMessage } from "../driver.ts";
import { messageNotFound } from "../failures.ts";
import type { RedisContext } from "./context.ts";
import { newToken, projectIndexKey, queueKeys } from "./keys.ts";
import { packInfo, toMessage } from "./records.ts";
import { isStatus, statusError } from "./status.ts";
import type { SubscribedIndex } from "./subscribed-index.ts";

/** Stored ids one list call examines before returning (bounds the script's run time). */
const LIST_SCAN = 200;


export function createMessageStore(ctx: RedisContext, subscribed: SubscribedIndex): MessageStore {
  const { client, clock, scripts, run } = ctx;

  return {
    async post(scope: Scope, messages: readonly NewMessage[], options) {
      const k = queueKeys(scope);
      const now = clock.now();
      const ids: string[] = [];
      // Script arguments grow by 6 per message (8 per delayed one) with no
      // count limit, so they are pushed rather than spread (a spread of
      // 100,000 values overflows the stack); ioredis flattens the array.
      const fields: string[] = [];
      const expiries: Array<string | number> = [];
      const visible: Array<string | number> = [];
      let first = Infinity;
      let latest = now;
      for (const m of messages) {
        const id = randomUUID();
        const expires = now + m.ttl * 1000;
        ids.push(id);
        fields.push(id, m.body, `i:${id}`, packInfo(m, now, options.clientId));
        expiries.push(expires, id);
        if (m.delay > 0) {
          visible.push(now + m.delay * 1000, id);
          first = Math.min(first, now + m.delay * 1000);
        }
        first = Math.min(first, expires);
        latest = Math.max(latest, expires);
      }
      // Tokens only matter when this post may create the queue (ifVersion "").
      const creates = options.ifVersion === "";
      const index = projectIndexKey(scope.project);
      // A queue this post may create is indexed first, so a crash in between
      // leaves at worst an index entry without a queue (listing skips those).
      if (creates) await run(() => client.zadd(index, 0, scope.queue));
      const args: Array<string | number> = [
        k.record, k.base, now, ctx.budget, options.ifVersion, creates ? newToken() : "", creates ? newToken() : "",
        Number.isFinite(first) ? first : now, latest, ids.length, visible.length / 2, options.subscribers ?? "all",
      ];
      for (const list of [fields, expiries, visible]) for (const v of list) args.push(v);
      const reply = await run(() => scripts.postMessages(args));
      if (isStatus(reply)) throw statusError(reply, scope);
      // Indexed again after creation: a concurrent queue delete may have removed the first entry.
      if ((reply & 1) === 1) await run(() => client.zadd(index, 0, scope.queue));
      // Jobs were recorded: the lease path should visit the queue now (keys.ts).
      if ((reply & 2) === 2) await subscribed.lower(k.base, now);
      return ids;
    },

    async list(scope: Scope, o: ListMessagesOptions) {
      const k = queueKeys(scope);
      let cursor = o.marker ?? "";
      for (;;) {
        const [page, next, done] = await run(() =>
          scripts.listMessages(
            k.record, k.base, clock.now(), ctx.budget, cursor, o.limit,
            o.echo ? "1" : "0", o.clientId, o.includeClaimed ? "1" : "0", o.includeDelayed ? "1" : "0", LIST_SCAN,
          ),
        );
        // An empty page ends the caller's paging, so only return one at the real end.
        if (page.length > 0 || done === 1) return page.map(toMessage);
        cursor = String(next);
      }
    },

    async get(scope: Scope, id: string) {
      const found = await getMessages(scope, [id]);
      const msg = found[0];
      if (msg === undefined) throw messageNotFound(scope, id);
      return msg;
    },

    async getMany(scope: Scope, ids: readonly string[]) {
      if (ids.length === 0) return [];
      try {
        return await getMessages(scope, ids);
      } catch (err) {
        if (isZaqarError(err, "QUEUE_NOT_FOUND")) return [];
        throw err;
      }
    },

    async delete(scope: Scope, id: string, claimId: string | null) {
      const k = queueKeys(scope);
      const reply = await run(() => scripts.deleteMessage(k.record, k.base, clock.now(), ctx.budget, id, claimId ?? ""));
      if (isStatus(reply)) throw statusError(reply, scope, id);
    },

    async deleteMany(scope: Scope, ids: readonly string[]) {
      if (ids.length === 0) return;
      const k = queueKeys(scope);
      await run(() => scripts.deleteMessages(k.record, k.base, clock.now(), ctx.budget, ...ids));
    },

    async pop(scope: Scope, limit: number) {
      const k = queueKeys(scope);
      const reply = await ctx.untilCaughtUp((now, budget) => scripts.popMessages(k.record, k.base, now, budget, limit));
      if (isStatus(reply)) throw statusError(reply, scope);
      // The pop's claim exists only for this answer (Zaqar reports one too).
      const claimId = randomUUID();
      return reply.map((raw) => ({ ...toMessage(raw), claimId }));
    },

    async purge(scope: Scope) {
      const k = queueKeys(scope);
      await run(() => scripts.purgeQueue(k.record, k.base, newToken()));
    },
  };

  async function getMessages(scope: Scope, ids: readonly string[]): Promise<StoredMessage[]> {
    const k = queueKeys(scope);
    const reply = await run(() => scripts.getMessages(k.record, k.base, clock.now(), ctx.budget, ...ids));
    if (isStatus(reply)) throw statusError(reply, scope);
    return reply.map(toMessage);
  }
}
