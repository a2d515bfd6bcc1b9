/**
 * QueueStore: queue records (one slot per queue) and the project index (its
 * own slot). Steps touching both are ordered so that a crash in between
 * leaves at worst an index entry without a queue, which listing skips:
 * create indexes first, delete drops the record first.
 */
import type { ProjectScope, QueueMetadata, QueueStats, QueueStore, Scope } from "../driver.ts";
import type { RedisContext } from "./context.ts";
import { newToken, projectIndexKey, queueKeys } from "./keys.ts";
import { isStatus, statusError } from "./status.ts";

export function createQueueStore(ctx: RedisContext): QueueStore {
  const { client, clock, scripts, run } = ctx;

  /** Stored metadata JSON of each name (null: no such queue), fetched in parallel (one slot each). */
  const readMetadata = (project: string, names: readonly string[]): Promise<Array<string | null>> =>
    Promise.all(names.map((queue) => run(() => client.hget(queueKeys({ project, queue }).record, "meta"))));

  return {
    async create(scope: Scope, metadata: QueueMetadata) {
      const k = queueKeys(scope);
      const index = projectIndexKey(scope.project);
      await run(() => client.zadd(index, 0, scope.queue));
      const created = await run(() => scripts.createQueue(k.record, clock.now(), JSON.stringify(metadata), newToken(), newToken()));
      // Indexed again after creation: a concurrent delete may have removed the first entry.
      if (created === 1) await run(() => client.zadd(index, 0, scope.queue));
      return created === 1;
    },

    async info(scope: Scope) {
      const [meta, version] = await run(() => client.hmget(queueKeys(scope).record, "meta", "ver"));
      if (meta == null || version == null) return { exists: false, metadata: {}, version: "" };
      return { exists: true, metadata: JSON.parse(meta) as QueueMetadata, version };
    },

    async setMetadata(scope: Scope, metadata: QueueMetadata, ifVersion: string) {
      const reply = await run(() =>
        scripts.setQueueMetadata(queueKeys(scope).record, JSON.stringify(metadata), ifVersion, newToken()),
      );
      if (isStatus(reply)) throw statusError(reply, scope);
    },

    async list(scope: ProjectScope, o) {
      const index = projectIndexKey(scope.project);
      const queues: Array<{ name: string; metadata?: QueueMetadata }> = [];
      let after = o.marker === undefined ? "-" : `(${o.marker}`;
      // Index entries without a queue (a crash between the two steps) are skipped.
      while (queues.length < o.limit) {
        const want = o.limit - queues.length;
        const names = await run(() => client.zrangebylex(index, after, "+", "LIMIT", 0, want));
        if (names.length === 0) break;
        const metas = await readMetadata(scope.project, names);
        names.forEach((name, i) => {
          const meta = metas[i];
          if (meta == null) return;
          queues.push(o.detailed ? { name, metadata: JSON.parse(meta) as QueueMetadata } : { name });
        });
        after = `(${names[names.length - 1] as string}`;
        if (names.length < want) break;
      }
      if (!o.withCount) return { queues };
      return { queues, count: await run(() => client.zcard(index)) };
    },

    async delete(scope: Scope) {
      const k = queueKeys(scope);
      const index = projectIndexKey(scope.project);
      await run(() => scripts.deleteQueue(k.record, k.base));
      await run(() => client.zrem(index, scope.queue));
      // A concurrent create may have re-created it meanwhile: keep it listed.
      if ((await run(() => client.exists(k.record))) === 1) await run(() => client.zadd(index, 0, scope.queue));
    },

    async stats(scope: Scope): Promise<QueueStats> {
      const k = queueKeys(scope);
      const reply = await ctx.untilCaughtUp((now, budget) => scripts.queueStats(k.record, k.base, now, budget));
      if (isStatus(reply)) throw statusError(reply, scope);
      const [claimed, total, oldestId, oldestCreated, newestId, newestCreated] = reply;
      if (total === 0) return { claimed: 0, free: 0, total: 0 };
      return {
        claimed,
        free: total - claimed,
        total,
        oldest: { id: oldestId, createdAtMs: Number(oldestCreated) },
        newest: { id: newestId, createdAtMs: Number(newestCreated) },
      };
    },
  };
}
