/** What the memory stores share: the queues, the job index and the clock. */
import type { Clock } from "../../clock.ts";
import type { JobIndex } from "./job-index.ts";
import type { Registry } from "./registry.ts";

export interface MemoryContext {
  readonly registry: Registry;
  readonly jobs: JobIndex;
  readonly clock: Clock;
}
