/** QueueStore of the memory driver. */
import type { QueueListPage, QueueStore, QueueStats } from "../driver.ts";
import { queueNotFound, versionMismatch } from "../failures.ts";
import type { MemoryContext } from "./context.ts";
import { clearSubscriptions } from "./subscription-state.ts";

export function createQueueStore({ registry, jobs, clock }: MemoryContext): QueueStore {
  return {
    async create(scope, metadata) {
      if (registry.open(scope, clock.now()) !== undefined) return false;
      registry.add(scope, structuredClone(metadata));
      return true;
    },

    async info(scope) {
      const q = registry.open(scope, clock.now());
      if (q === undefined) return { exists: false, metadata: {}, version: "" };
      return { exists: true, metadata: structuredClone(q.metadata), version: q.version };
    },

    async setMetadata(scope, metadata, ifVersion) {
      const q = registry.open(scope, clock.now());
      if (q === undefined) throw queueNotFound(scope);
      if (q.version !== ifVersion) throw versionMismatch();
      q.metadata = structuredClone(metadata);
      q.version = registry.nextVersion();
    },

    async list(scope, options) {
      const names = registry.names(scope);
      const start = options.marker === undefined ? 0 : registry.namesAfter(scope, options.marker);
      const page = names.slice(start, start + Math.max(0, options.limit));
      const now = clock.now();
      const queues = page.map((name) => {
        if (!options.detailed) return { name };
        const q = registry.open({ project: scope.project, queue: name }, now);
        return { name, metadata: structuredClone(q?.metadata ?? {}) };
      });
      const result: QueueListPage = options.withCount ? { queues, count: names.length } : { queues };
      return result;
    },

    async delete(scope) {
      const q = registry.open(scope, clock.now());
      if (q !== undefined) clearSubscriptions(q.subs, jobs);
      registry.drop(scope);
    },

    async stats(scope) {
      const q = registry.open(scope, clock.now());
      if (q === undefined || q.messages.size === 0) return { claimed: 0, free: 0, total: 0 };
      const first = q.log.first()!;
      const last = q.log.last()!;
      const stats: QueueStats = {
        claimed: q.claimed,
        free: q.messages.size - q.claimed,
        total: q.messages.size,
        oldest: { id: first.id, createdAtMs: first.createdAtMs },
        newest: { id: last.id, createdAtMs: last.createdAtMs },
      };
      return stats;
    },
  };
}
