/**
 * Settings of `npm run bench`, read once from BENCH_* environment variables.
 * The workload itself (10 × 1 KiB messages a post, claim limit 10,
 * concurrency 16, 20 s a scenario) is the and only shortened for
 * smoke checks.
 */
import { readCoreAuth, type CoreAuth } from "../common/core-auth.ts";

export interface BenchConfig {
  /** BENCH_DURATION: seconds each measured scenario runs. Default 20. */
  readonly durationS: number;
  /** BENCH_CONCURRENCY: requests in flight per scenario. Default 16. */
  readonly concurrency: number;
  /** BENCH_ONLY: comma-separated scenario ids to run (default: all). */
  readonly only: ReadonlySet<string> | null;
  /** BENCH_PROFILE=1: run core and edge under `node --cpu-prof` and summarise the profiles. */
  readonly profile: boolean;
  /** BENCH_H2LOAD_MODE: "streams" (-c1 -mN, default: one HTTP/2 connection like a gRPC channel) or "connections" (-cN -m1). */
  readonly h2loadMode: "streams" | "connections";
  /** BENCH_GRPC_CONSUME_PROCS: Node client processes sharing the gRPC consume concurrency. Default 1. */
  readonly grpcConsumeProcs: number;
  /** BENCH_WS_CONNECTIONS: WebSocket connections the WS load client spreads its requests over. Default 4 (16 in flight = 4 per connection). */
  readonly wsConnections: number;
  /** BENCH_WS_PROCS: WS load client processes sharing the concurrency and the connections. Default 1. */
  readonly wsProcs: number;
  /** BENCH_WRK_THREADS: wrk threads. Default 1 (leaves the second core to the service). */
  readonly wrkThreads: number;
  /**
   * BENCH_AUTH_UNCACHED_CONCURRENCY: requests in flight in auth-uncached and its
   * baseline auth-none. Default 1: each request then waits for exactly one
   * validation; more only queue at Keystone's single uWSGI thread.
   */
  readonly authUncachedConcurrency: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return n;
}

export function readBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const only = env["BENCH_ONLY"]?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const mode = env["BENCH_H2LOAD_MODE"] ?? "streams";
  if (mode !== "streams" && mode !== "connections") throw new Error(`BENCH_H2LOAD_MODE must be streams or connections`);
  return Object.freeze({
    durationS: int(env, "BENCH_DURATION", 20, 1),
    concurrency: int(env, "BENCH_CONCURRENCY", 16, 1),
    only: only && only.length > 0 ? new Set(only) : null,
    profile: env["BENCH_PROFILE"] === "1",
    h2loadMode: mode,
    grpcConsumeProcs: int(env, "BENCH_GRPC_CONSUME_PROCS", 1, 1),
    wrkThreads: int(env, "BENCH_WRK_THREADS", 1, 1),
    wsConnections: int(env, "BENCH_WS_CONNECTIONS", 4, 1),
    wsProcs: int(env, "BENCH_WS_PROCS", 1, 1),
    authUncachedConcurrency: int(env, "BENCH_AUTH_UNCACHED_CONCURRENCY", 1, 1),
  });
}

/**
 * ZAQAR_CORE_SECRET, as the service reads it (common/core-auth.ts): the stack
 * the bench starts inherits it, and the bench's own clients of the core
 * (grpc-js, h2load) send it. Mutual TLS is refused: h2load cannot present a
 * client certificate, so the gRPC figures could not be measured.
 */
export function readBenchCoreAuth(env: NodeJS.ProcessEnv = process.env): CoreAuth | undefined {
  const problems: string[] = [];
  const auth = readCoreAuth(env, problems);
  if (problems.length > 0) throw new Error(`invalid core authentication settings:\n  - ${problems.join("\n  - ")}`);
  if (auth?.tls) throw new Error("npm run bench does not run with ZAQAR_CORE_TLS_* set: h2load cannot present a client certificate");
  return auth;
}
