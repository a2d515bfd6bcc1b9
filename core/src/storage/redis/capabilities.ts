/**
 * What the redis driver offers. A file of its own (no ioredis import) so the
 * catalog can judge a `redis://` pool without loading the Redis client.
 */
import type { Capability } from "../driver.ts";

export const REDIS_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(["fifo", "claims", "durable", "aod", "high_throughput"]);
