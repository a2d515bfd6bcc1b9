/**
 * The memory storage driver: the embedded default store and the reference
 * model of the storage contract (../driver.ts). All state lives in this
 * process. Every method runs to completion without awaiting, so each one is
 * atomic with respect to the others.
 *
 * Expired messages and claims are dropped lazily whenever their queue is
 * touched, and by a periodic sweep (an unref'd timer, stopped by close()) so
 * queues nobody reads do not hold expired data forever.
 */
import type { Capability, DriverDeps, StorageDriver } from "../driver.ts";
import { createClaimStore } from "./claims.ts";
import { createMessageStore } from "./messages.ts";
import { reap } from "./queue-state.ts";
import { createQueueStore } from "./queues.ts";
import { createRegistry } from "./registry.ts";

export interface MemoryDriverDeps extends DriverDeps {
  /** Period of the expiry sweep over all queues, ms; 0 turns it off. Default 60 s. */
  readonly sweepIntervalMs?: number;
}

const capabilities: ReadonlySet<Capability> = new Set<Capability>(["fifo", "claims", "aod", "high_throughput"]);

export function createMemoryDriver(deps: MemoryDriverDeps): StorageDriver {
  const registry = createRegistry();
  const ctx = { registry, clock: deps.clock };
  const sweepIntervalMs = deps.sweepIntervalMs ?? 60_000;

  let timer: NodeJS.Timeout | undefined;
  if (sweepIntervalMs > 0) {
    timer = setInterval(() => {
      const now = deps.clock.now();
      for (const q of registry.all()) reap(q, now);
    }, sweepIntervalMs);
    timer.unref();
  }

  return {
    name: "memory",
    capabilities,
    queues: createQueueStore(ctx),
    messages: createMessageStore(ctx),
    claims: createClaimStore(ctx),
    ping: async () => true,
    async close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
  };
}
