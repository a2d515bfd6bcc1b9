/** Runs wrk with one of the Lua scripts in bench/wrk/ and returns its BENCH_RESULT summary. */
import { fileURLToPath } from "node:url";
import { runToEnd } from "./procs.ts";

export interface WrkSummary {
  readonly duration_us: number;
  readonly requests: number;
  readonly errors: { connect: number; read: number; write: number; status: number; timeout: number };
  readonly p50_us: number;
  readonly p99_us: number;
  readonly mean_us: number;
  readonly max_us: number;
  /** consume.lua only (see the header of that script). */
  readonly claims_sent?: number;
  readonly deletes_sent?: number;
  readonly claims_created?: number;
  readonly no_content?: number;
  readonly bad?: number;
  readonly bad_status?: number;
  readonly inflight?: number;
  readonly empty_min?: number;
  readonly deleted?: number;
  readonly unsent_deletes?: number;
  /** auth.lua only: answers with the expected status (bad and bad_status above count the others). */
  readonly ok?: number;
}

export interface WrkRun {
  readonly script: "produce" | "consume" | "auth";
  readonly url: string;
  readonly scriptArgs: readonly string[];
  readonly durationS: number;
  readonly connections: number;
  readonly threads: number;
}

export async function runWrk(run: WrkRun): Promise<WrkSummary> {
  const script = fileURLToPath(new URL(`./wrk/${run.script}.lua`, import.meta.url));
  const args = [
    `-t${run.threads}`, `-c${run.connections}`, `-d${run.durationS}s`, "--latency", "--timeout", "5s",
    "-s", script, run.url, "--", ...run.scriptArgs,
  ];
  const { stdout } = await runToEnd(`wrk ${run.script}`, "wrk", args);
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`wrk printed no BENCH_RESULT line:\n${stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as WrkSummary;
}
