/**
 * Runs a Node load client (bench/clients/*.ts) in one or more processes that
 * share the scenario's concurrency, and merges their BENCH_RESULT lines
 * (latency percentiles from the merged raw samples).
 */
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoopResult } from "./clients/loop.ts";
import { createLatencyRecorder } from "./latency.ts";
import { runToEnd } from "./procs.ts";

/** What a client process's closed loop reports, plus what the scenario counted. */
export interface NodeClientResult extends LoopResult {
  readonly messages: number;
  readonly claims?: number;
  readonly empty?: number;
  readonly processes: number;
}

type Line = Omit<NodeClientResult, "processes">;

/** With BENCH_PROFILE=1 the client runs under `node --cpu-prof` too; its profile lands beside the scratch files. */
function profileFlags(scratch: string, i: number): string[] {
  if (process.env["BENCH_PROFILE"] !== "1") return [];
  return ["--cpu-prof", `--cpu-prof-dir=${scratch}.prof-client-${i}`];
}

/** `args(i, share)` builds the argv of process i, which gets `share` of the concurrency. */
export async function runNodeClient(
  client: "storage" | "grpc-consume" | "ws",
  processes: number,
  concurrency: number,
  scratch: string,
  args: (share: number) => string[],
): Promise<NodeClientResult> {
  const script = fileURLToPath(new URL(`./clients/${client}.ts`, import.meta.url));
  const shares = Array.from({ length: processes }, (_, i) => Math.floor(concurrency / processes) + (i < concurrency % processes ? 1 : 0));
  const runs = await Promise.all(
    shares.map((share, i) =>
      runToEnd(`${client}#${i}`, process.execPath, [...profileFlags(scratch, i), "--import", "tsx", script, ...args(share)], {
        ...process.env,
        BENCH_SAMPLES_FILE: `${scratch}.samples-${i}`,
      }),
    ),
  );
  const lines = runs.map(({ stdout }) => {
    const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (!line) throw new Error(`${client} printed no BENCH_RESULT line:\n${stdout}`);
    return JSON.parse(line.slice("BENCH_RESULT ".length)) as Line;
  });
  const latency = createLatencyRecorder();
  shares.forEach((_, i) => {
    const file = `${scratch}.samples-${i}`;
    const buf = readFileSync(file);
    // Copied into a fresh ArrayBuffer: a pooled Buffer's offset need not be 8-aligned.
    for (const v of new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength))) latency.record(v);
    rmSync(file, { force: true });
  });
  const sum = (f: (l: Line) => number | undefined) => lines.reduce((a, l) => a + (f(l) ?? 0), 0);
  return {
    messages: sum((l) => l.messages),
    requests: sum((l) => l.requests),
    errors: sum((l) => l.errors),
    firstError: lines.find((l) => l.firstError)?.firstError ?? null,
    elapsedUs: Math.max(...lines.map((l) => l.elapsedUs)),
    p50Us: latency.percentile(50),
    p99Us: latency.percentile(99),
    claims: sum((l) => l.claims),
    empty: sum((l) => l.empty),
    processes,
  };
}
