/** What every RPC handler gets: wired once in main.ts (or a test), never looked up. */
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { NotificationConfig } from "../config.ts";
import type { Limits } from "../limits.ts";
import type { StorageDriver } from "../storage/driver.ts";
import type { JobSignal } from "./job-signal.ts";
import type { MessageCrypto } from "./message-crypto.ts";
import type { PushSignal } from "./push-signal.ts";
import type { QueueCache } from "./queue-cache.ts";

export interface ServiceDeps {
  readonly driver: StorageDriver;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly cache: QueueCache;
  /** Seals bodies of encrypted queues on post and opens every body read. */
  readonly crypto: MessageCrypto;
  readonly log: Logger;
  /** Confirmation settings: whether posts notify confirmed subscriptions only, how confirmations are signed and mailed. */
  readonly notification: NotificationConfig;
  /** Wakes LeaseJobs long polls when this core records jobs. */
  readonly jobSignal: JobSignal;
  /** Wakes WatchMessages streams of a queue when this core posts to it. */
  readonly pushSignal: PushSignal;
}
