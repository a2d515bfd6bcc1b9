/** What every RPC handler gets: wired once in main.ts (or a test), never looked up. */
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { Limits } from "../limits.ts";
import type { StorageDriver } from "../storage/driver.ts";
import type { QueueCache } from "./queue-cache.ts";

export interface ServiceDeps {
  readonly driver: StorageDriver;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly cache: QueueCache;
  readonly log: Logger;
}
