/** What every scenario reports, and the context scenarios run in. */
import type { Backlog } from "./backlog.ts";
import type { BenchConfig } from "./config.ts";
import type { CpuUse } from "./cpu.ts";
import type { Window } from "./profile.ts";
import type { Stack } from "./stack.ts";

/** `auth`: REST through an edge with Keystone auth, or the same request with none at the same concurrency (auth.ts). */
export type Via = "storage" | "bare" | "rest" | "grpc" | "ws" | "auth";
export type Kind = "produce" | "consume";

export interface ScenarioResult {
  /** `<via>-<kind>`, e.g. "rest-produce"; the auth scenarios: auth-cached, auth-uncached, auth-none. */
  readonly id: string;
  readonly via: Via;
  readonly kind: Kind;
  /** The load client, as run. */
  readonly client: string;
  /** Messages posted (produce) or deleted after a claim (consume), per second. */
  readonly msgsPerSec: number;
  /** Per-request latency; for consume, claims and deletes together. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
  readonly messages: number;
  readonly durationS: number;
  /** Messages the storage gained (produce) or lost (consume) during the run, when checked. */
  readonly storageMessages?: number;
  /** CPU use while the load client ran, % of one core per process. */
  readonly cpu: Record<string, number>;
  /**
   * CPU µs per message per process, and their total: less sensitive to other
   * tenants than msgs/s, and 2e6 / total is what 2 cores could do at best.
   */
  readonly cpuUsPerMsg: Record<string, number>;
  /** The same per request (one decimal): what the auth scenarios compare. */
  readonly cpuUsPerRequest: Record<string, number>;
  /** When the load ran, in µs of the monotonic clock (to cut its part out of whole-run CPU profiles). */
  readonly window: Window;
  readonly warnings: string[];
  readonly raw: unknown;
}

export interface BenchContext {
  readonly cfg: BenchConfig;
  readonly stack: Stack;
  readonly backlog: Backlog;
  readonly project: string;
  /** The post document and the file wrk reads it from. */
  readonly document: string;
  readonly documentFile: string;
  /** Prefix for scratch files. */
  readonly scratch: string;
  /** Results so far, by id (consume runs size their backlog from earlier figures). */
  readonly results: Map<string, ScenarioResult>;
  /**
   * Runs the load itself, recording CPU use and the time window (preparation stays outside).
   * `pids`: the processes to account for, when not the stack's (e.g. another edge under load, Keystone).
   */
  timed<T>(load: () => Promise<T>, pids?: Record<string, number>): Promise<[T, Usage]>;
}

export interface Usage {
  readonly cpu: CpuUse;
  readonly window: Window;
}

export const ms = (us: number): number => Math.round(us / 10) / 100;
