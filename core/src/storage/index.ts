/** Builds the configured storage driver. The only place that knows both drivers. */
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { StorageDriver } from "./driver.ts";
import { createMemoryDriver } from "./memory/driver.ts";

export interface StorageConfig {
  readonly store: "memory" | "redis";
  readonly redisUrl: string;
}

export async function createStorage(config: StorageConfig, clock: Clock, log: Logger): Promise<StorageDriver> {
  if (config.store === "memory") return createMemoryDriver({ clock });
  // Loaded on demand so the embedded store never loads the Redis client.
  const redis = await import("./redis/driver.ts");
  const client = redis.connectRedis(config.redisUrl, { log: log.child({ component: "redis" }) });
  // Serve even when Redis is down at start: calls answer 503 until it comes up.
  await redis.whenReady(client).catch(() => log.warn({ url: redactUrl(config.redisUrl) }, "redis not reachable yet; retrying in the background"));
  return redis.createRedisDriver({ clock, client });
}

export type { StorageDriver } from "./driver.ts";

/** The URL without its password, for logs. */
function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}
