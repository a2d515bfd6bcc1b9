/**
 * The auth scenarios' figures: what token validation adds to a REST request,
 * cached and uncached, each beside the same request with no auth from the same
 * run (auth-cached vs rest-produce, auth-uncached vs auth-none), with the
 * validators' cache hit rate counted in Keystone's request log. Printed as
 * the "token validation overhead" block and one informational line under the
 * targets (no PASS/FAIL: the issue sets no target), and kept in last.json.
 */
import type { Validations } from "./keystone.ts";
import { MESSAGES_PER_POST } from "./payload.ts";
import type { ScenarioResult } from "./scenario.ts";
import type { WrkSummary } from "./wrk-run.ts";

export interface CachedOverhead {
  /** auth-cached minus rest-produce: wrk's latency percentiles, µs. */
  readonly p50DeltaUs: number;
  readonly p99DeltaUs: number;
  /** The loaded edge's CPU per request, with and without auth, and the difference, µs. */
  readonly edgeCpuUsPerRequest: { readonly auth: number; readonly none: number; readonly delta: number };
  /** auth-cached msgs/s ÷ rest-produce msgs/s. */
  readonly throughputRatio: number;
  readonly requests: number;
  readonly validations: number;
  /** 1 − validations ÷ requests: how many requests the validator answered from its cache. */
  readonly hitRate: number;
  readonly otherTenantsPct: OtherTenants;
}

/**
 * Other tenants' CPU (% of one core) during the auth run and during its
 * baseline: the two runs are seconds apart on a shared machine, and when these
 * differ much, so does what the service could get, whatever auth costs.
 */
export interface OtherTenants {
  readonly auth: number;
  readonly none: number;
}

/** Points of a core between the two runs' other tenants beyond which the comparison is flagged. */
const NOISY_POINTS = 25;

export interface UncachedOverhead {
  readonly concurrency: number;
  readonly p50DeltaMs: number;
  readonly p99DeltaMs: number;
  /** Requests answered 201 per second, with and without auth. */
  readonly requestsPerSec: { readonly auth: number; readonly none: number };
  readonly edgeCpuUsPerRequest: { readonly auth: number; readonly none: number; readonly delta: number };
  /** Keystone's uWSGI worker: CPU per validation, and its own time per validation from its log. */
  readonly keystoneCpuUsPerValidation: number;
  readonly keystoneP50Ms: number;
  readonly keystoneP99Ms: number;
  readonly requests: number;
  readonly validations: number;
  readonly hitRate: number;
  readonly otherTenantsPct: OtherTenants;
}

export interface AuthSummary {
  readonly keystone?: { readonly url: string; readonly startS: number };
  /** Why the auth scenarios did not run (with the install command when the package is missing). */
  readonly notRun?: string;
  readonly cached?: CachedOverhead;
  readonly uncached?: UncachedOverhead;
}

/**
 * 1 − validations ÷ requests, within [0, 1]: wrk counts answered requests, and
 * the requests in flight when it stops were validated but not counted.
 */
const hitRate = (validations: number, requests: number) => Math.min(1, Math.max(0, 1 - validations / Math.max(1, requests)));

const wrkOf = (r: ScenarioResult): WrkSummary => {
  const raw = r.raw as { wrk?: WrkSummary } & WrkSummary;
  return raw.wrk ?? raw;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;
const num = (n: number) => Math.round(n).toLocaleString("en-US");
const signed = (n: number, unit: string) => `${n >= 0 ? "+" : "−"}${Math.abs(n).toLocaleString("en-US")} ${unit}`;
const pct = (x: number) => `${round1(x * 100)}%`;

const others = (auth: ScenarioResult, none: ScenarioResult): OtherTenants => ({ auth: auth.cpu["other"] ?? 0, none: none.cpu["other"] ?? 0 });

const noisy = (o: OtherTenants) => Math.abs(o.auth - o.none) > NOISY_POINTS;

function noise(o: OtherTenants): string {
  const line = `other tenants used ${o.auth}% vs ${o.none}% of a core during the two runs`;
  return noisy(o) ? `${line}: NOISY, much of the difference is theirs; run again` : line;
}

function edgeCpu(auth: ScenarioResult, none: ScenarioResult) {
  const a = auth.cpuUsPerRequest["edge"] ?? 0;
  const n = none.cpuUsPerRequest["edge"] ?? 0;
  return { auth: a, none: n, delta: round1(a - n) };
}

export function summariseAuth(
  results: ReadonlyMap<string, ScenarioResult>,
  validations: ReadonlyMap<string, Validations>,
  concurrency: number,
  keystone: AuthSummary["keystone"],
): AuthSummary {
  const out: { -readonly [K in keyof AuthSummary]: AuthSummary[K] } = keystone ? { keystone } : {};
  const cached = results.get("auth-cached");
  const rest = results.get("rest-produce");
  if (cached && rest) {
    const v = validations.get("auth-cached")?.count ?? 0;
    out.cached = {
      p50DeltaUs: wrkOf(cached).p50_us - wrkOf(rest).p50_us,
      p99DeltaUs: wrkOf(cached).p99_us - wrkOf(rest).p99_us,
      edgeCpuUsPerRequest: edgeCpu(cached, rest),
      throughputRatio: round2(cached.msgsPerSec / Math.max(1, rest.msgsPerSec)),
      requests: cached.requests,
      validations: v,
      hitRate: hitRate(v, cached.requests),
      otherTenantsPct: others(cached, rest),
    };
  }
  const uncached = results.get("auth-uncached");
  const none = results.get("auth-none");
  if (uncached && none) {
    const v = validations.get("auth-uncached");
    const count = v?.count ?? 0;
    const keystoneUs = (uncached.cpuUsPerRequest["keystone"] ?? 0) * uncached.requests;
    out.uncached = {
      concurrency,
      p50DeltaMs: round2((wrkOf(uncached).p50_us - wrkOf(none).p50_us) / 1000),
      p99DeltaMs: round2((wrkOf(uncached).p99_us - wrkOf(none).p99_us) / 1000),
      requestsPerSec: { auth: round1(uncached.messages / MESSAGES_PER_POST / uncached.durationS), none: round1(none.messages / MESSAGES_PER_POST / none.durationS) },
      edgeCpuUsPerRequest: edgeCpu(uncached, none),
      keystoneCpuUsPerValidation: Math.round(keystoneUs / Math.max(1, count)),
      keystoneP50Ms: v?.p50Ms ?? 0,
      keystoneP99Ms: v?.p99Ms ?? 0,
      requests: uncached.requests,
      validations: count,
      hitRate: hitRate(count, uncached.requests),
      otherTenantsPct: others(uncached, none),
    };
  }
  return out;
}

export function printAuth(a: AuthSummary, results: ReadonlyMap<string, ScenarioResult>): void {
  if (a.notRun !== undefined) {
    console.log(`\ntoken validation overhead: not run\n  ${a.notRun.split("\n").join("\n  ")}`);
    return;
  }
  if (!a.cached && !a.uncached) return;
  const where = a.keystone ? ` (Keystone at ${a.keystone.url}, one uWSGI process with one thread, started in ${a.keystone.startS} s)` : "";
  console.log(`\ntoken validation overhead, each beside the same request without auth in this run${where}:`);
  const c = a.cached;
  const cr = results.get("auth-cached");
  const rest = results.get("rest-produce");
  if (c && cr && rest) {
    console.log(`  cached    ${signed(c.p50DeltaUs, "µs")} per request at p50 (${cr.p50Ms} vs ${rest.p50Ms} ms), p99 ${signed(round2(c.p99DeltaUs / 1000), "ms")} (${cr.p99Ms} vs ${rest.p99Ms} ms)`);
    console.log(`            edge CPU ${signed(c.edgeCpuUsPerRequest.delta, "µs")} per request (${c.edgeCpuUsPerRequest.auth} vs ${c.edgeCpuUsPerRequest.none} µs)`);
    console.log(`            ${pct(c.throughputRatio)} of no-auth throughput (${num(cr.msgsPerSec)} vs ${num(rest.msgsPerSec)} msgs/s, concurrency ${cr.client.match(/-c(\d+)/)?.[1] ?? "?"})`);
    console.log(`            validator cache hit rate ${pct(c.hitRate)} (${num(c.validations)} Keystone validations for ${num(c.requests)} requests)`);
    console.log(`            ${noise(c.otherTenantsPct)}`);
  }
  const u = a.uncached;
  const ur = results.get("auth-uncached");
  const none = results.get("auth-none");
  if (u && ur && none) {
    console.log(`  uncached  ${signed(u.p50DeltaMs, "ms")} per request at p50 (${ur.p50Ms} vs ${none.p50Ms} ms), p99 ${signed(u.p99DeltaMs, "ms")} (${ur.p99Ms} vs ${none.p99Ms} ms), concurrency ${u.concurrency}`);
    console.log(`            ${u.requestsPerSec.auth} vs ${u.requestsPerSec.none} requests/s; edge CPU ${signed(u.edgeCpuUsPerRequest.delta, "µs")} per request (${u.edgeCpuUsPerRequest.auth} vs ${u.edgeCpuUsPerRequest.none} µs)`);
    console.log(`            Keystone: ${num(u.keystoneCpuUsPerValidation)} µs CPU per validation; its own time p50 ${u.keystoneP50Ms} ms, p99 ${u.keystoneP99Ms} ms (uWSGI log)`);
    console.log(`            validator cache hit rate ${pct(u.hitRate)} (${num(u.validations)} Keystone validations for ${num(u.requests)} answered requests${u.validations > u.requests ? "; the rest were in flight when wrk stopped" : ""})`);
    console.log(`            ${noise(u.otherTenantsPct)}`);
  }
}

/** One line for the targets section: informational, no PASS/FAIL. */
export function authInfo(a: AuthSummary): string[] {
  const parts: string[] = [];
  if (a.cached) {
    const c = a.cached;
    parts.push(`cached ${signed(c.p50DeltaUs, "µs")} p50, edge CPU ${signed(c.edgeCpuUsPerRequest.delta, "µs")}/request, ${pct(c.throughputRatio)} of no-auth msgs/s${noisy(c.otherTenantsPct) ? " (NOISY)" : ""}`);
  }
  if (a.uncached) {
    const u = a.uncached;
    parts.push(`uncached ${signed(u.p50DeltaMs, "ms")} p50 per request (${u.requestsPerSec.auth} vs ${u.requestsPerSec.none} requests/s at c${u.concurrency})${noisy(u.otherTenantsPct) ? " (NOISY)" : ""}`);
  }
  if (a.notRun !== undefined) parts.push("not run (see below)");
  return parts.length === 0 ? [] : [`Keystone token validation (no target): ${parts.join("; ")}`];
}
