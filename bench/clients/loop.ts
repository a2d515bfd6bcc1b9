/**
 * A closed-loop load generator for the Node clients: `concurrency` workers
 * each run `step()` back to back until the deadline, one call in flight each.
 * Latency is per step (one storage or RPC call).
 */
import { writeFileSync } from "node:fs";
import { createLatencyRecorder, microsSince } from "../latency.ts";

export interface LoopResult {
  readonly requests: number;
  readonly errors: number;
  readonly firstError: string | null;
  readonly elapsedUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

export async function runClosedLoop(concurrency: number, durationMs: number, step: () => Promise<void>): Promise<LoopResult> {
  const latency = createLatencyRecorder();
  let errors = 0;
  let firstError: string | null = null;
  const start = process.hrtime.bigint();
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = process.hrtime.bigint();
      try {
        await step();
        latency.record(microsSince(t));
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  // Several client processes share one scenario: the runner merges their raw samples.
  const dump = process.env["BENCH_SAMPLES_FILE"];
  if (dump) writeFileSync(dump, latency.samples());
  return {
    requests: latency.count,
    errors,
    firstError,
    elapsedUs: microsSince(start),
    p50Us: latency.percentile(50),
    p99Us: latency.percentile(99),
  };
}

/**
 * The consume state machine shared by the Node consumers (the same as
 * wrk/consume.lua): a step deletes one pending claimed message if there is
 * one, else claims up to 10 more.
 */
export interface ConsumeOps<D> {
  claim(): Promise<readonly D[]>;
  remove(item: D): Promise<void>;
}

export function consumeStep<D>(ops: ConsumeOps<D>) {
  const pending: D[] = [];
  let head = 0;
  const counts = { deleted: 0, claims: 0, empty: 0 };
  const step = async () => {
    if (head < pending.length) {
      const item = pending[head] as D;
      pending[head++] = undefined as D;
      if (head > 4096) {
        pending.splice(0, head);
        head = 0;
      }
      await ops.remove(item);
      counts.deleted++;
      return;
    }
    counts.claims++;
    const got = await ops.claim();
    if (got.length === 0) counts.empty++;
    pending.push(...got);
  };
  return { step, counts };
}

/** The one line a client prints for the runner. */
export function report(result: object): void {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}
