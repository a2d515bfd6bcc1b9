/** MessageStore over the Lua scripts (semantics: driver.ts; layout: keys.ts). */
import { randomUUID } from "node:crypto";
import { isZaqarError } from "../../errors.ts";
import type { ListMessagesOptions, MessageStore, NewMessage, Scope, StoredMessage } from "../driver.ts";
import { messageNotFound } from "../failures.ts";
import type { RedisContext } from "./context.ts";
import { newToken, projectIndexKey, queueKeys } from "./keys.ts";
import { packInfo, toMessage } from "./records.ts";
import { scriptCommand } from "./scripts.ts";
import { isStatus, statusError } from "./status.ts";

/** Stored ids one list call examines before returning (bounds the script's run time). */
const LIST_SCAN = 200;


export function createMessageStore(ctx: RedisContext): MessageStore {
  const { client, clock, scripts, run } = ctx;
  const postCommand = scriptCommand("postMessages");

  return {
    async post(scope: Scope, messages: readonly NewMessage[], options) {
      const k = queueKeys(scope);
      const now = clock.now();
      const ids = messages.map(() => randomUUID());
      // Tokens only matter when this post may create the queue (ifVersion "").
      const creates = options.ifVersion === "";
      const fields: string[] = [];
      const expiries: Array<string | number> = [];
      const visible: Array<string | number> = [];
      let first = Infinity;
      let latest = now;
      messages.forEach((m, i) => {
        const id = ids[i] as string;
        const expires = now + m.ttl * 1000;
        fields.push(id, m.body, `i:${id}`, packInfo(m, now, options.clientId));
        expiries.push(expires, id);
        if (m.delay > 0) {
          visible.push(now + m.delay * 1000, id);
          first = Math.min(first, now + m.delay * 1000);
        }
        first = Math.min(first, expires);
        latest = Math.max(latest, expires);
      });
      const delayedIds = visible.filter((_, i) => i % 2 === 1) as string[];
      const args = [
        k.record, k.base, now, ctx.budget, options.ifVersion, creates ? newToken() : "", creates ? newToken() : "",
        Number.isFinite(first) ? first : now, latest, delayedIds.length, ...ids, ...delayedIds,
      ];
      const index = projectIndexKey(scope.project);
      // A queue this post may create is indexed first, so a crash in between
      // leaves at worst an index entry without a queue (listing skips those).
      if (creates) await run(() => client.zadd(index, 0, scope.queue));
      // What the driver knows (bodies, infos, expiries, visible-at times) goes
      // in with native commands, atomically with the script that assigns the
      // sequences (and takes those entries out again when it refuses the batch).
      const replies = await run(() => {
        const tx = client.multi();
        if (fields.length > 0) tx.hset(k.m, ...fields).zadd(k.exp, ...expiries);
        if (visible.length > 0) tx.zadd(k.delayed, ...visible);
        return tx[postCommand]!(...args).exec();
      });
      const [err, reply] = replies?.[replies.length - 1] ?? [new Error("redis driver: post transaction was discarded"), null];
      if (err) {
        // The script did not run (e.g. NOSCRIPT after SCRIPT FLUSH): take the entries back out.
        if (ids.length > 0) {
          await run(() => client.multi().hdel(k.m, ...ids.flatMap((id) => [id, `i:${id}`])).zrem(k.exp, ...ids).zrem(k.delayed, ...ids).exec()).catch(() => undefined);
        }
        throw err;
      }
      if (isStatus(reply)) throw statusError(reply, scope);
      // Indexed again after creation: a concurrent queue delete may have removed the first entry.
      if (reply === 1) await run(() => client.zadd(index, 0, scope.queue));
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
