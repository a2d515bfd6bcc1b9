/**
 * The redis storage driver (production): one Lua script per atomic operation
 * (scripts.ts, lua/), all keys of a queue in one cluster slot (keys.ts).
 *
 * Error model: scripts answer negative status codes (status.ts); every
 * ioredis/connection failure is converted to STORAGE_UNAVAILABLE here, in
 * `run`, and nowhere else. Reply errors that are not transient (a broken
 * script, WRONGTYPE) are bugs and propagate unchanged.
 */
import type { Cluster, Redis } from "ioredis";
import { isZaqarError } from "../../errors.ts";
import type { DriverDeps, StorageDriver } from "../driver.ts";
import { storageUnavailable } from "../failures.ts";
import { REDIS_CAPABILITIES } from "./capabilities.ts";
import { createCatalogStore } from "./catalog.ts";
import { createClaimStore } from "./claims.ts";
import { attachErrorListener, isUnavailableError, type RedisLog } from "./connection.ts";
import type { RedisContext } from "./context.ts";
import { createJobStore } from "./jobs.ts";
import { CATALOG_KEY_BASE, SUBSCRIBED_INDEX_KEY } from "./keys.ts";
import { createMessageStore } from "./messages.ts";
import { createQueueStore } from "./queues.ts";
import { defineScripts } from "./scripts.ts";
import { Status } from "./status.ts";
import { createSubscribedIndex } from "./subscribed-index.ts";
import { createSubscriptionStore } from "./subscriptions.ts";

export { connectRedis, whenReady, type RedisConnectOptions, type RedisLog } from "./connection.ts";

export interface RedisDriverDeps extends DriverDeps {
  /** The command client; the driver owns it from now on (close() quits it). */
  readonly client: Redis | Cluster;
  readonly log?: RedisLog;
  /** Housekeeping items per ordinary script call. Default 100. */
  readonly housekeepingBudget?: number;
  /**
   * Key of the driver-wide index of subscribed queues (keys.ts). Every core
   * sharing a Redis must use the same; tests sharing one Redis give each
   * driver its own, so one test's lease never takes another's jobs.
   * Default `zq:subscribed`.
   */
  readonly subscribedIndexKey?: string;
  /**
   * Base of the catalog's keys (keys.ts), ending in ":" and holding the hash
   * tag. Every core sharing a Redis must use the same; tests sharing one
   * Redis may give each driver its own catalog. Default `zq:{:catalog}:`.
   */
  readonly catalogKeyBase?: string;
}

/** Budget of the repeated calls that catch up with a backlog. */
const CATCH_UP_BUDGET = 1000;
/** Catch-up calls before giving up (10^7 due items at the catch-up budget). */
const MAX_CATCH_UP_CALLS = 10_000;
const PING_TIMEOUT_MS = 1000;

export function createRedisDriver(deps: RedisDriverDeps): StorageDriver {
  const { client, clock, log } = deps;
  const budget = deps.housekeepingBudget ?? 100;
  // A client built elsewhere may lack one; an unhandled 'error' event would crash the process.
  if (client.listenerCount("error") === 0) attachErrorListener(client, log);

  async function run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (isZaqarError(err) || !isUnavailableError(err)) throw err;
      throw storageUnavailable(err);
    }
  }

  async function untilCaughtUp<T>(call: (now: number, budget: number) => Promise<T | number>): Promise<T | number> {
    let b = budget;
    for (let i = 0; i < MAX_CATCH_UP_CALLS; i++) {
      const reply = await run(() => call(clock.now(), b));
      if (reply !== Status.BEHIND) return reply;
      b = Math.max(budget, CATCH_UP_BUDGET);
    }
    log?.error({ calls: MAX_CATCH_UP_CALLS }, "redis housekeeping backlog did not clear");
    throw storageUnavailable(new Error("housekeeping backlog did not clear"));
  }

  const ctx: RedisContext = {
    client, clock, scripts: defineScripts(client), log, budget, run, untilCaughtUp,
    subscribedIndex: deps.subscribedIndexKey ?? SUBSCRIBED_INDEX_KEY,
  };
  const subscribed = createSubscribedIndex(ctx);

  return {
    name: "redis",
    capabilities: REDIS_CAPABILITIES,
    queues: createQueueStore(ctx),
    messages: createMessageStore(ctx, subscribed),
    claims: createClaimStore(ctx),
    subscriptions: createSubscriptionStore(ctx, subscribed),
    jobs: createJobStore(ctx, subscribed),
    catalog: createCatalogStore(ctx, deps.catalogKeyBase ?? CATALOG_KEY_BASE),

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      try {
        return await Promise.race([client.ping().then((r) => r === "PONG", () => false), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    async close() {
      try {
        await client.quit();
      } catch {
        // Already disconnected: nothing left to release.
        client.disconnect();
      }
    },
  };
}
