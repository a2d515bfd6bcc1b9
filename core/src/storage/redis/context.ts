/**
 * What the redis stores share: the client, the clock, the script callers and the two call wrappers built once in driver.ts.
 */
import type { Cluster, Redis } from "ioredis";
import type { Clock } from "../../clock.ts";
import type { RedisLog } from "./connection.ts";
import type { Scripts } from "./scripts.ts";

export interface RedisContext {
  readonly client: Redis | Cluster;
  readonly clock: Clock;
  readonly scripts: Scripts;
  readonly log: RedisLog | undefined;
  /** Key of the driver-wide index of subscribed queues (keys.ts). */
  readonly subscribedIndex: string;
  /** Housekeeping items per script call (see lua/lib/queue.lua). */
  readonly budget: number;
  /** Runs one Redis call; connection failures become STORAGE_UNAVAILABLE. */
  run<T>(call: () => Promise<T>): Promise<T>;
  /**
   * Runs a script that may answer BEHIND (housekeeping backlog larger than
   * one call's budget) until it answers something else. Each call gets a fresh
   * `now` and does bounded work, so Redis is never blocked for long.
   */
  untilCaughtUp<T>(call: (now: number, budget: number) => Promise<T | number>): Promise<T | number>;
}
