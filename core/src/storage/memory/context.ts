/** What the memory stores share: the queues and the clock. */
import type { Clock } from "../../clock.ts";
import type { Registry } from "./registry.ts";

export interface MemoryContext {
  readonly registry: Registry;
  readonly clock: Clock;
}
