/**
 * The auth scenarios (BENCH_ONLY=auth): what validating Keystone tokens costs
 * the REST path, beside the same requests with no auth in the same run.
 *
 * Set-up (prepareAuth): a project with a member user and its tokens in the
 * bench's Keystone (keystone.ts), and two more REST edges on the stack's core,
 * both ZAQAR_AUTH_STRATEGY=keystone: one with the validator's default cache,
 * one with ZAQAR_KEYSTONE_CACHE_SECONDS=0. Each is checked first (no token:
 * 401; a token: 201, stored under the token's project whatever X-Project-ID
 * says; the cache on or off as configured, counted in Keystone's request log)
 * and warmed up.
 *
 *   auth-cached    the rest-produce workload (same wrk script, same document,
 *                  plus X-Auth-Token) against the cached edge; compared with
 *                  rest-produce (no auth) of this run.
 *   auth-none      the uncached scenario's baseline: the same post, no auth, at
 *                  its concurrency (default 1), through the stack's edge.
 *   auth-uncached  that post against the uncached edge: every request waits
 *                  for Keystone. Tokens rotate per request (wrk/auth.lua) so
 *                  requests in flight together never share one validation.
 *
 * CPU is accounted for the edge under load (as "edge") and Keystone's uWSGI
 * processes; Keystone's request log gives the validations each run caused.
 */
import { rmSync, writeFileSync } from "node:fs";
import type { BenchKeystone, Validations } from "./keystone.ts";
import { createBenchTenant, type BenchTenant } from "./keystone-tenant.ts";
import { CLIENT_ID, MESSAGES_PER_POST } from "./payload.ts";
import type { Child } from "./procs.ts";
import type { BenchContext, ScenarioResult } from "./scenario.ts";
import { result, wrkLabel } from "./scenarios.ts";
import { startExtraRestEdge } from "./stack.ts";
import { runWrk, type WrkRun, type WrkSummary } from "./wrk-run.ts";

export interface AuthSetup {
  readonly keystone: BenchKeystone;
  readonly tenant: BenchTenant;
  /** The edge with the validator's default cache, and the one with ZAQAR_KEYSTONE_CACHE_SECONDS=0. */
  readonly cached: Edge;
  readonly uncached: Edge;
  /** The tenant's tokens, one a line, for wrk/auth.lua. */
  readonly tokenFile: string;
  /** Keystone validations per scenario id, from its request log. */
  readonly validations: Map<string, Validations>;
  /** Stops the two edges and removes the token file. */
  stop(): Promise<void>;
}

export interface Edge {
  readonly child: Child;
  readonly url: string;
}

const checkFail = (what: string): never => {
  throw new Error(`auth sanity check failed: ${what}`);
};

/** `profileDir` (BENCH_PROFILE=1): the two edges run under `node --cpu-prof` too. */
export async function prepareAuth(
  ctx: BenchContext, keystone: BenchKeystone, runId: string, log: (m: string) => void, profileDir: string | null,
): Promise<AuthSetup> {
  const c = ctx.cfg.authUncachedConcurrency;
  // Twice the concurrency: tokens in flight together stay distinct even when answers come back out of order.
  const tenant = await createBenchTenant(keystone.admin, `zq-bench-${runId}`, c > 1 ? 2 * c : 1);
  const tokenFile = `${ctx.scratch}-tokens`;
  writeFileSync(tokenFile, `${tenant.tokens.join("\n")}\n`, { mode: 0o600 });
  const base = { ...keystone.serviceEnv, ZAQAR_AUTH_STRATEGY: "keystone" };
  const edges: Edge[] = [];
  const stop = async () => {
    await Promise.all(edges.map((e) => e.child.stop()));
    rmSync(tokenFile, { force: true });
  };
  try {
    const [cached, uncached] = await Promise.all([
      // The validator's defaults, whatever this shell says.
      startExtraRestEdge(ctx.stack, "edge-keystone-cached", { ...base, ZAQAR_KEYSTONE_CACHE_SECONDS: undefined, ZAQAR_KEYSTONE_CACHE_ENTRIES: undefined }, profileDir),
      startExtraRestEdge(ctx.stack, "edge-keystone-uncached", { ...base, ZAQAR_KEYSTONE_CACHE_SECONDS: "0" }, profileDir),
    ]);
    edges.push(cached, uncached);
    const token = tenant.tokens[0] as string;
    await checkEdge(ctx, keystone, tenant, cached.url, token, `auth-check-c-${runId}`, true);
    await checkEdge(ctx, keystone, tenant, uncached.url, token, `auth-check-u-${runId}`, false);
    log("Keystone edges checked (401 without a token or with a garbage one, 201 with one, cache on and off)");
    const warm = Math.min(2, ctx.cfg.durationS);
    await runWrk(producePost(ctx, cached.url, `warm-auth-${runId}`, warm, token));
    await runWrk(authPost(ctx, uncached.url, `warm-auth-${runId}`, 1, tokenFile));
    await runWrk(authPost(ctx, ctx.stack.edgeUrl, `warm-auth-${runId}`, 1, null));
    log("Keystone edges warmed up");
    return { keystone, tenant, cached, uncached, tokenFile, validations: new Map(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** rest-produce's request (produce.lua, no response hook) with a token, at the bench's concurrency. */
function producePost(ctx: BenchContext, url: string, queue: string, durationS: number, token: string): WrkRun {
  return {
    script: "produce", url: `${url}/v2/queues/${queue}/messages`,
    scriptArgs: [ctx.documentFile, ctx.project, CLIENT_ID, token],
    durationS, connections: ctx.cfg.concurrency, threads: ctx.cfg.wrkThreads,
  };
}

/** The same post through auth.lua (every status checked; tokens in turn from the file, or none) at the uncached concurrency, one thread. */
function authPost(ctx: BenchContext, url: string, queue: string, durationS: number, tokenFile: string | null): WrkRun {
  return {
    script: "auth", url: `${url}/v2/queues/${queue}/messages`,
    scriptArgs: [ctx.documentFile, ctx.project, CLIENT_ID, "201", ...(tokenFile ? [tokenFile] : [])],
    durationS, connections: ctx.cfg.authUncachedConcurrency, threads: 1,
  };
}
/** No token: 401; a token: 201, stored under its project; Keystone asked once (cache on) or for every request (off). */
async function checkEdge(ctx: BenchContext, ks: BenchKeystone, tenant: BenchTenant, url: string, token: string, queue: string, cacheOn: boolean) {
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/v2/queues/${queue}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Client-ID": CLIENT_ID, "X-Project-ID": ctx.project, ...headers },
      body: ctx.document,
    }).then(async (r) => [r.status, r.headers.get("www-authenticate"), await r.text()] as const);
  const [anonymous, challenge] = await post({});
  if (anonymous !== 401 || !challenge?.startsWith("Keystone uri=")) checkFail(`${url} answered ${anonymous} to a post without a token`);
  const [garbage] = await post({ "X-Auth-Token": "not-a-token" });
  if (garbage !== 401) checkFail(`${url} answered ${garbage} to a garbage token`);
  await settle();
  const mark = ks.logMark();
  for (let i = 0; i < 3; i++) {
    const [status, , body] = await post({ "X-Auth-Token": token });
    if (status !== 201) checkFail(`${url} answered ${status} to a post with a valid token: ${body.slice(0, 200)}`);
  }
  await settle();
  const asked = ks.validationsSince(mark).statuses["200"] ?? 0;
  if (cacheOn ? asked > 1 : asked !== 3) checkFail(`${url} asked Keystone ${asked} times for 3 posts with one token (cache ${cacheOn ? "on" : "off"})`);
  const stored = await ctx.backlog.count({ project: tenant.projectId, queue });
  const leaked = await ctx.backlog.count({ project: ctx.project, queue });
  if (stored !== 3 * MESSAGES_PER_POST || leaked !== 0) checkFail(`${queue}: ${stored} messages in the token's project, ${leaked} in X-Project-ID's`);
}

/** uWSGI writes a request's log line just after its answer: give the last one a moment before reading or marking the log. */
const settle = () => new Promise((r) => setTimeout(r, 150));

/** auth-cached: rest-produce's workload, with X-Auth-Token, against the cached edge. */
export function authCached(ctx: BenchContext, auth: AuthSetup, queue: string): Promise<ScenarioResult> {
  const run = producePost(ctx, auth.cached.url, queue, ctx.cfg.durationS, auth.tenant.tokens[0] as string);
  return measurePost(ctx, auth, "auth-cached", auth.cached.child.pid, queue, auth.tenant.projectId, run, `${wrkLabel(ctx)}, X-Auth-Token`);
}

/** auth-none (the baseline, the stack's edge) or auth-uncached: the same post at the uncached concurrency. */
export function authUncached(ctx: BenchContext, auth: AuthSetup, which: "none" | "uncached", queue: string): Promise<ScenarioResult> {
  const none = which === "none";
  const run = authPost(ctx, none ? ctx.stack.edgeUrl : auth.uncached.url, queue, ctx.cfg.durationS, none ? null : auth.tokenFile);
  const n = auth.tenant.tokens.length;
  const label = `wrk -t1 -c${run.connections} (Lua, every status checked${none ? "" : `, ${n} token${n > 1 ? "s" : ""} in turn`})`;
  const edgePid = none ? (ctx.stack.pids["edge"] as number) : auth.uncached.child.pid;
  return measurePost(ctx, auth, `auth-${which}`, edgePid, queue, none ? ctx.project : auth.tenant.projectId, run, label);
}

async function measurePost(
  ctx: BenchContext, auth: AuthSetup, id: string, edgePid: number, queue: string, project: string,
  run: WrkRun, client: string,
): Promise<ScenarioResult> {
  const pids = { ...ctx.stack.pids, edge: edgePid, ...auth.keystone.pids() };
  await settle();
  const mark = auth.keystone.logMark();
  const [w, usage] = await ctx.timed(() => runWrk(run), pids);
  await settle();
  const validations = auth.keystone.validationsSince(mark);
  auth.validations.set(id, validations);
  const socketErrors = w.errors.connect + w.errors.read + w.errors.write + w.errors.timeout;
  // produce.lua: wrk counts every answer > 399 as a status error; auth.lua counts every answer but 201.
  const bad = run.script === "auth" ? (w.bad ?? 0) : w.errors.status;
  const ok = run.script === "auth" ? (w.ok ?? 0) : w.requests - w.errors.status;
  const messages = ok * MESSAGES_PER_POST;
  const warnings: string[] = [];
  if (bad + socketErrors > 0) warnings.push(`${bad} answers were not 201${w.bad_status ? ` (last: ${w.bad_status})` : ""}, socket errors ${JSON.stringify(w.errors)}: the figure counts only the 201s`);
  const stored = await ctx.backlog.count({ project, queue });
  const slack = run.connections * MESSAGES_PER_POST;
  if (stored < messages || stored > messages + slack) warnings.push(`queue holds ${stored} messages, wrk counted ${messages} posted`);
  const rejected = validations.count - (validations.statuses["200"] ?? 0);
  if (rejected > 0) warnings.push(`Keystone refused ${rejected} of ${validations.count} validations: ${JSON.stringify(validations.statuses)}`);
  return result({
    id, via: "auth", kind: "produce", client, messages, elapsedUs: w.duration_us, p50Us: w.p50_us, p99Us: w.p99_us,
    requests: w.requests, errors: bad + socketErrors, warnings, raw: { wrk: w as WrkSummary, keystone: validations }, usage, storageMessages: stored,
  });
}
