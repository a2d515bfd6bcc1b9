/**
 * `npm run bench`: starts Redis, the core and the REST edge (plus a bare HTTP
 * server), then measures produce and consume through each path at the same
 * concurrency, each beside baselines from this same run: the storage ceiling
 * (the driver's Lua scripts from one ioredis client) and the edge ceiling (a
 * bare Node HTTP server). Prints the table and targets; writes .bench/last.json.
 *
 * The WebSocket edge (edge-ws) runs the same produce and consume workload
 * (clients/ws.ts), shown beside REST; push-latency measures delivery through
 * PushService.WatchMessages (push.ts).
 *
 * Then the notification scenario: webhook deliveries/s for 1,000 messages
 * posted to a queue with 10 webhook subscriptions (notify.ts).
 *
 * The auth scenarios (auth.ts) start a private Keystone with the stack and,
 * after the REST scenarios, measure REST requests through edges that validate
 * Keystone tokens, cached and uncached, beside the same requests with no auth.
 *
 * BENCH_DURATION=3 for a smoke check; BENCH_ONLY=rest,grpc-produce,notify to pick
 * scenarios; BENCH_PROFILE=1 to profile core and edge (see config.ts).
 */
import { randomUUID } from "node:crypto";
import { loadavg, cpus } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { authCached, authUncached, prepareAuth, type AuthSetup } from "./auth.ts";
import { authInfo, printAuth, summariseAuth, type AuthSummary } from "./auth-report.ts";
import { openBacklog } from "./backlog.ts";
import { checkGrpc, checkRest } from "./checks.ts";
import { readBenchConfig, readBenchCoreAuth } from "./config.ts";
import { cpuUse, machineCpu, snapshot } from "./cpu.ts";
import { postDocument } from "./payload.ts";
import { startKeystone, type KeystoneStart, type Validations } from "./keystone.ts";
import { installCleanup } from "./procs.ts";
import { notifyScenario, type NotifyResult } from "./notify.ts";
import { pushScenario, type PushResult } from "./push.ts";
import { mainThreadProfile, nowUs, printProfile, summariseProfile, type ProfileSummary } from "./profile.ts";
import { evaluateTargets, printNotify, printPush, printReport, writeJson } from "./report.ts";
import type { BenchContext, ScenarioResult } from "./scenario.ts";
import * as s from "./scenarios.ts";
import { startStack } from "./stack.ts";
import { checkTools } from "./tools.ts";

const cfg = readBenchConfig();
const coreAuth = readBenchCoreAuth();
checkTools();
installCleanup();

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = `${root}.bench`;
const runId = randomUUID().slice(0, 8);
const startedAt = new Date();
const t0 = performance.now();
mkdirSync(outDir, { recursive: true });
const document = postDocument();
const documentFile = `${outDir}/post-${runId}.json`;
writeFileSync(documentFile, document);
const profileDir = cfg.profile ? `${outDir}/prof-${runId}` : null;

const chosen = (id: string) => cfg.only === null || cfg.only.has(id) || cfg.only.has(id.split("-")[0] as string);
// The auth scenarios bring their baselines: rest-produce for auth-cached, auth-none for auth-uncached.
const selected = (id: string) =>
  chosen(id) || (id === "rest-produce" && chosen("auth-cached")) || (id === "auth-none" && chosen("auth-uncached"));
const authWanted = selected("auth-cached") || selected("auth-uncached");
const log = (msg: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

console.log(
  `zaqar-ts bench: ${cfg.durationS} s per scenario, concurrency ${cfg.concurrency}, ${cpus().length} CPUs, ` +
    `load ${loadavg().map((l) => l.toFixed(2)).join(" ")}${cfg.profile ? ", PROFILING (figures not comparable)" : ""}` +
    `${coreAuth?.secret ? ", core callers send ZAQAR_CORE_SECRET" : ""}`,
);
// The machine is shared: say how busy it was before we added any load.
const idle0 = machineCpu();
await new Promise((r) => setTimeout(r, 1000));
const idle1 = machineCpu();
const busyBefore = Math.round(((idle1.busy - idle0.busy) / (idle1.total - idle0.total)) * cpus().length * 100);
console.log(`machine busy before start: ${busyBefore}% of ${cpus().length * 100}% (other tenants; ratios to same-run baselines absorb part of that noise)`);
// Keystone starts (~10 s of Python start-up) beside the stack, before anything is measured; idle until the auth scenarios.
const keystoneDir = `${outDir}/scratch-${runId}-keystone`;
const keystoneStart: Promise<KeystoneStart> | null = authWanted
  ? startKeystone(keystoneDir).catch((err: unknown) => ({ ok: false, missing: false, reason: String(err instanceof Error ? err.message : err) }) as const)
  : null;
const stack = await startStack({ profileDir });
log(`stack up: redis ${stack.redis.url}, core ${stack.coreAddress}, edge ${stack.edgeUrl}, edge-ws ${stack.wsUrl}, bare ${stack.bareUrl}`);
const backlog = await openBacklog(stack.redis.url);
// Keystone's start-up is Python imports and sqlite work on both cores: nothing is measured until it is over.
if (keystoneStart) {
  const k = await keystoneStart;
  log(k.ok ? `Keystone up at ${k.keystone.url} (started in ${k.startS} s)` : "Keystone did not start (the auth scenarios will say why)");
}
const results = new Map<string, ScenarioResult>();
const ctx: BenchContext = {
  cfg, stack, backlog, project: `bench-${runId}`, document, documentFile, scratch: `${outDir}/scratch-${runId}`, results,
  async timed(load, pids = stack.pids) {
    const before = snapshot(pids);
    const startUs = nowUs();
    const value = await load();
    const window = { startUs, endUs: nowUs() };
    return [value, { cpu: cpuUse(before, snapshot(pids)), window }];
  },
};
const warm = Math.min(2, cfg.durationS);
let failure: unknown = null;
let notify: NotifyResult | null = null;
let push: PushResult | null = null;
let auth: AuthSetup | null = null;
let authNotRun: string | undefined;
/** An auth scenario that failed (not a missing package): reported, the other scenarios still run, the bench exits 1. */
let authFailure: unknown = null;
let keystoneInfo: AuthSummary["keystone"];
/** Keystone validations counted per auth scenario (kept after the set-up is stopped). */
let authValidations: ReadonlyMap<string, Validations> = new Map();

async function measure(id: string, run: () => Promise<ScenarioResult>): Promise<void> {
  if (!selected(id)) return;
  log(`${id} ...`);
  const r = await run();
  results.set(id, r);
  log(`${id}: ${Math.round(r.msgsPerSec)} msgs/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms${r.warnings.length ? ` (${r.warnings.length} notes)` : ""}`);
}

const any = (via: string) => ["produce", "consume"].some((k) => selected(`${via}-${k}`));

try {
  if (any("storage")) {
    const q = `storage-${runId}`;
    await measure("storage-produce", () => s.storageProduce(ctx, q));
    await measure("storage-consume", () => s.storageConsume(ctx, q));
    await backlog.flush();
  }
  if (any("bare")) {
    await checkRest(stack.bareUrl, ctx.project, "warm", document);
    await s.httpProduce(ctx, "bare", "warm", 1);
    await measure("bare-produce", () => s.httpProduce(ctx, "bare", `bare-${runId}`));
    await measure("bare-consume", () => s.httpConsume(ctx, "bare", `bare-${runId}`));
  }
  if (any("rest")) {
    // A real call first (the load tools only count statuses), then JIT warm-up.
    await checkRest(stack.edgeUrl, ctx.project, `warm-rest-${runId}`, document);
    await s.httpProduce(ctx, "rest", `warm-rest-${runId}`, warm);
    await s.httpConsume(ctx, "rest", `warm-rest-${runId}`, 1);
    log("REST edge checked and warmed up");
    const q = `rest-${runId}`;
    await measure("rest-produce", () => s.httpProduce(ctx, "rest", q));
    await measure("rest-consume", () => s.httpConsume(ctx, "rest", q));
    await backlog.flush();
  }
  if (keystoneStart) {
    const started = await keystoneStart;
    if (!started.ok) {
      authNotRun = started.missing
        ? `Debian's keystone package is missing and this is not root; scripts/keystone.sh says:\n${started.reason}`
        : `Keystone did not start:\n${started.reason}`;
      if (!started.missing) authFailure = new Error(authNotRun);
      log(`auth scenarios not run: ${authNotRun.split("\n")[0]}`);
    } else {
      keystoneInfo = { url: started.keystone.url, startS: started.startS };
      try {
        auth = await prepareAuth(ctx, started.keystone, runId, log, profileDir);
        const setup = auth;
        authValidations = setup.validations;
        await measure("auth-cached", () => authCached(ctx, setup, `auth-cached-${runId}`));
        await measure("auth-none", () => authUncached(ctx, setup, "none", `auth-none-${runId}`));
        await measure("auth-uncached", () => authUncached(ctx, setup, "uncached", `auth-uncached-${runId}`));
      } catch (err) {
        authFailure = err;
        log(`auth scenarios failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      await auth?.stop();
      auth = null;
      await backlog.flush();
    }
  }
  if (any("ws")) {
    // A real client reads every answer, so no separate check: warm up the JIT, then measure.
    await s.wsProduce(ctx, `warm-ws-${runId}`, warm);
    await s.wsConsume(ctx, `warm-ws-${runId}`, 1);
    log("WebSocket edge warmed up");
    const q = `ws-${runId}`;
    await measure("ws-produce", () => s.wsProduce(ctx, q));
    await measure("ws-consume", () => s.wsConsume(ctx, q));
    await backlog.flush();
  }
  if (any("grpc")) {
    await checkGrpc(stack.coreAddress, ctx.project, `warm-grpc-${runId}`, document);
    await s.grpcProduce(ctx, `warm-grpc-${runId}`, warm);
    await s.grpcConsume(ctx, `warm-grpc-${runId}`, 1);
    log("gRPC port checked and warmed up");
    const q = `grpc-${runId}`;
    await measure("grpc-produce", () => s.grpcProduce(ctx, q));
    await measure("grpc-consume", () => s.grpcConsume(ctx, q));
    await backlog.flush();
  }
  if (selected("push-latency")) {
    log("push-latency ...");
    const p = await pushScenario(ctx, `push-${runId}`);
    push = p;
    log(`push-latency: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, ${p.unique} of ${p.posted} delivered${p.warnings.length ? ` (${p.warnings.length} notes)` : ""}`);
    await backlog.flush();
  }
  if (selected("notify")) {
    log("notify ...");
    const n = await notifyScenario(ctx, `notify-${runId}`);
    notify = n;
    log(`notify: ${n.deliveriesPerSec} webhook deliveries/s, posts p50 ${n.post.p50Ms} ms, p99 ${n.post.p99Ms} ms${n.warnings.length ? ` (${n.warnings.length} notes)` : ""}`);
    await backlog.flush();
  }
} catch (err) {
  failure = err;
} finally {
  // Set while the auth scenarios run: an error in them must not leave their edges behind.
  await (auth as AuthSetup | null)?.stop().catch(() => undefined);
  await backlog.close().catch(() => undefined);
  await stack.stop();
  rmSync(documentFile, { force: true });
  if (keystoneStart) {
    const started = await keystoneStart;
    if (started.ok) await started.keystone.stop().catch((err: unknown) => console.error(`stopping Keystone: ${String(err)}`));
    // Its logs stay for a look when something went wrong.
    if (authFailure === null && failure === null) rmSync(keystoneDir, { recursive: true, force: true });
    else console.error(`Keystone's directory (config, logs) kept: ${keystoneDir}`);
  }
}
log("stack stopped");

const targets = evaluateTargets(results);
const authSummary: AuthSummary | null = keystoneStart
  ? { ...summariseAuth(results, authValidations, cfg.authUncachedConcurrency, keystoneInfo), ...(authNotRun !== undefined ? { notRun: authNotRun } : {}) }
  : null;
printReport(results, targets, authSummary ? authInfo(authSummary) : []);
if (push) printPush(push, results.get("rest-produce"));
if (notify) printNotify(notify, results.get("rest-produce"));
if (authSummary) printAuth(authSummary, results);

// Per service scenario, the core's (and for REST the edge's) share of the whole-run profile.
const profiles: Record<string, ProfileSummary> = {};
if (profileDir) {
  const files = {
    core: mainThreadProfile(`${profileDir}/core`),
    edge: mainThreadProfile(`${profileDir}/edge`),
    "edge-ws": mainThreadProfile(`${profileDir}/edge-ws`),
    "edge-keystone-cached": mainThreadProfile(`${profileDir}/edge-keystone-cached`),
    "edge-keystone-uncached": mainThreadProfile(`${profileDir}/edge-keystone-uncached`),
  };
  const procsOf = { rest: ["edge", "core"], ws: ["edge-ws", "core"], grpc: ["core"] } as const;
  // The auth rows: the edge that was under load (auth-none: the stack's).
  const authProcs = { "auth-cached": ["edge-keystone-cached", "core"], "auth-uncached": ["edge-keystone-uncached", "core"], "auth-none": ["edge", "core"] } as const;
  for (const r of results.values()) {
    const procs = r.via === "auth" ? authProcs[r.id as keyof typeof authProcs] : r.via === "storage" || r.via === "bare" ? undefined : procsOf[r.via];
    for (const proc of procs ?? []) {
      const file = files[proc];
      if (!file) continue;
      const summary = summariseProfile(file, r.window);
      profiles[`${r.id}/${proc}`] = summary;
      printProfile(`${r.id}: ${proc}`, summary);
    }
  }
}
const elapsedS = Math.round((performance.now() - t0) / 100) / 10;
writeJson(`${outDir}/last.json`, {
  startedAt: startedAt.toISOString(),
  elapsedS,
  config: { ...cfg, only: cfg.only ? [...cfg.only] : null },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, busyBeforePct: busyBefore, loadavgAtEnd: loadavg() },
  results: Object.fromEntries(results),
  ...(push ? { push } : {}),
  ...(notify ? { notify } : {}),
  ...(authSummary ? { auth: authSummary } : {}),
  targets,
  ...(profileDir ? { profiles } : {}),
  ...(failure ? { error: String(failure instanceof Error ? failure.stack : failure) } : {}),
  ...(authFailure ? { authError: String(authFailure instanceof Error ? authFailure.stack : authFailure) } : {}),
});
console.log(`\nwhole run ${elapsedS} s; results in .bench/last.json`);
if (authFailure) console.error("\nauth scenarios failed:", authFailure instanceof Error ? authFailure.message : authFailure);
if (failure) {
  console.error("\nbench failed:", failure instanceof Error ? failure.message : failure);
  process.exit(1);
}
if (authFailure) process.exit(1);
