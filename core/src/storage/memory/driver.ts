/**
 * The memory storage driver: the embedded default store and the reference
 * model of the storage contract (../driver.ts). All state lives in this
 * process. Every method runs to completion without awaiting, so each one is
 * atomic with respect to the others.
 *
 * Notification jobs live in one index across all queues (job-index.ts); each
 * belongs to a subscription, which drops its jobs when it goes.
 *
 * Expired messages, claims and subscriptions are dropped lazily whenever their queue is
 * touched, and by a periodic sweep (an unref'd timer, stopped by close()) so
 * queues nobody reads do not hold expired data forever.
 */
import type { DriverDeps, StorageDriver } from "../driver.ts";
import { MEMORY_CAPABILITIES } from "./capabilities.ts";
import { createCatalogStore } from "./catalog.ts";
import { createClaimStore } from "./claims.ts";
import { createJobIndex } from "./job-index.ts";
import { createJobStore } from "./jobs.ts";
import { createMessageStore } from "./messages.ts";
import { reap } from "./queue-state.ts";
import { createQueueStore } from "./queues.ts";
import { createRegistry } from "./registry.ts";
import { reapSubscriptions } from "./subscription-state.ts";
import { createSubscriptionStore } from "./subscriptions.ts";

export interface MemoryDriverDeps extends DriverDeps {
  /** Period of the expiry sweep over all queues, ms; 0 turns it off. Default 60 s. */
  readonly sweepIntervalMs?: number;
}

export function createMemoryDriver(deps: MemoryDriverDeps): StorageDriver {
  const registry = createRegistry();
  const jobs = createJobIndex();
  const ctx = { registry, jobs, clock: deps.clock };
  const sweepIntervalMs = deps.sweepIntervalMs ?? 60_000;

  let timer: NodeJS.Timeout | undefined;
  if (sweepIntervalMs > 0) {
    timer = setInterval(() => {
      const now = deps.clock.now();
      for (const q of registry.all()) {
        reap(q, now);
        reapSubscriptions(q.subs, now, jobs);
      }
    }, sweepIntervalMs);
    timer.unref();
  }

  return {
    name: "memory",
    capabilities: MEMORY_CAPABILITIES,
    queues: createQueueStore(ctx),
    messages: createMessageStore(ctx),
    claims: createClaimStore(ctx),
    subscriptions: createSubscriptionStore(ctx),
    jobs: createJobStore(ctx),
    catalog: createCatalogStore(),
    ping: async () => true,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
