/**
 * A small bounded cache of queue metadata for the post hot path.
 *
 * Posting needs the queue's metadata (size limit, default TTL, delay) before
 * validating, and must still cost one storage round trip. So the core posts
 * against the version it has cached; when storage says the version moved on
 * (QUEUE_VERSION_MISMATCH), the entry is refreshed and the post retried.
 * Staleness is therefore always detected, never trusted.
 */
import { isZaqarError } from "../errors.ts";
import type { QueueInfo, Scope, StorageDriver } from "../storage/driver.ts";

const UNKNOWN: QueueInfo = Object.freeze({ exists: false, metadata: Object.freeze({}), version: "" });

export interface QueueCache {
  /** Cached info, or "queue does not exist" when nothing is cached (post then creates it). */
  peek(scope: Scope): QueueInfo;
  /** Reads through to storage and caches the answer. */
  refresh(scope: Scope): Promise<QueueInfo>;
  forget(scope: Scope): void;
  /**
   * Runs `attempt` against the cached info (one storage round trip when the
   * cache is current). When storage answers QUEUE_VERSION_MISMATCH (the
   * metadata moved on), refreshes the entry and runs it again, at most
   * `maxAttempts` times in all; the last mismatch is thrown.
   */
  withCurrent<T>(scope: Scope, maxAttempts: number, attempt: (info: QueueInfo) => Promise<T>): Promise<T>;
}

export function createQueueCache(driver: StorageDriver, maxEntries = 10_000): QueueCache {
  const entries = new Map<string, QueueInfo>();
  const keyOf = (s: Scope): string => `${s.project}\u0000${s.queue}`;
  const cache: QueueCache = {
    peek: (scope) => entries.get(keyOf(scope)) ?? UNKNOWN,
    async refresh(scope) {
      const info = await driver.queues.info(scope);
      const key = keyOf(scope);
      entries.delete(key);
      entries.set(key, info);
      // Map keeps insertion order: the first key is the least recently refreshed.
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return info;
    },
    forget: (scope) => {
      entries.delete(keyOf(scope));
    },
    async withCurrent(scope, maxAttempts, attempt) {
      let info = cache.peek(scope);
      for (let n = 1; ; n++) {
        try {
          return await attempt(info);
        } catch (err) {
          if (!isZaqarError(err, "QUEUE_VERSION_MISMATCH") || n >= maxAttempts) throw err;
          info = await cache.refresh(scope);
        }
      }
    },
  };
  return cache;
}
