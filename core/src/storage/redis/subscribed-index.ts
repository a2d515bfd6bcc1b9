/**
 * The driver-wide index of queues with subscriptions (`zq:subscribed`, its
 * own slot; layout and hint rules: keys.ts). Only this module touches it,
 * always outside the queue scripts, so Redis Cluster keeps working; every
 * step is ordered so that a crash leaves at worst a harmless extra entry,
 * and a lost hint costs at most RECHECK_MS of delay.
 */
import type { RedisContext } from "./context.ts";
import { RECHECK_MS } from "./keys.ts";

export interface SubscribedIndex {
  /** Adds the queue if absent (score now), leaving an existing hint alone. */
  add(base: string, now: number): Promise<void>;
  /** Adds the queue or lowers its hint to `dueMs` (ZADD LT). */
  lower(base: string, dueMs: number): Promise<void>;
  /** Queues whose hint is <= now, lowest hint first. */
  due(now: number, count: number): Promise<string[]>;
  /** Sets the hint after a visit: min(next due, now + RECHECK_MS), never below now. */
  visited(base: string, now: number, nextDueMs: number): Promise<void>;
  /**
   * Removes an idle queue (no subscriptions, no jobs), then re-checks it with
   * `check` (true: it has subscriptions or jobs again) and re-adds it if so:
   * a subscription created meanwhile is never left out of the index.
   */
  removeIdle(base: string, check: () => Promise<{ idle: boolean; nextDueMs: number }>): Promise<void>;
}

export function createSubscribedIndex(ctx: RedisContext): SubscribedIndex {
  const { client, run, subscribedIndex: key, clock } = ctx;
  const hint = (now: number, nextDueMs: number): number => Math.max(now, Math.min(nextDueMs, now + RECHECK_MS));

  return {
    async add(base, now) {
      await run(() => client.zadd(key, "NX", now, base));
    },
    async lower(base, dueMs) {
      await run(() => client.zadd(key, "LT", dueMs, base));
    },
    due: (now, count) => run(() => client.zrangebyscore(key, "-inf", now, "LIMIT", 0, count)),
    async visited(base, now, nextDueMs) {
      await run(() => client.zadd(key, hint(now, nextDueMs), base));
    },
    async removeIdle(base, check) {
      await run(() => client.zrem(key, base));
      const after = await check();
      if (!after.idle) await run(() => client.zadd(key, "LT", hint(clock.now(), after.nextDueMs), base));
    },
  };
}
