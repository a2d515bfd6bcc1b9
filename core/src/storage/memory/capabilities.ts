/**
 * What the memory driver offers. Not durable: its data lives in the process.
 * A file of its own so the catalog can judge a `memory:` pool without
 * building a driver.
 */
import type { Capability } from "../driver.ts";

export const MEMORY_CAPABILITIES: ReadonlySet<Capability> = new Set<Capability>(["fifo", "claims", "aod", "high_throughput"]);
