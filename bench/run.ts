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
 * BENCH_DURATION=3 for a smoke check; BENCH_ONLY=rest,grpc-produce,notify to pick
 * scenarios; BENCH_PROFILE=1 to profile core and edge (see config.ts).
 */
import { randomUUID } from "node:crypto";
import { loadavg, cpus } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openBacklog } from "./backlog.ts";
import { checkGrpc, checkRest } from "./checks.ts";
import { readBenchConfig, readBenchCoreAuth } from "./config.ts";
import { cpuUse, machineCpu, snapshot } from "./cpu.ts";
import { postDocument } from "./payload.ts";
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

const selected = (id: string) => cfg.only === null || cfg.only.has(id) || cfg.only.has(id.split("-")[0] as string);
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
const stack = await startStack({ profileDir });
log(`stack up: redis ${stack.redis.url}, core ${stack.coreAddress}, edge ${stack.edgeUrl}, edge-ws ${stack.wsUrl}, bare ${stack.bareUrl}`);
const backlog = await openBacklog(stack.redis.url);
const results = new Map<string, ScenarioResult>();
const ctx: BenchContext = {
  cfg, stack, backlog, project: `bench-${runId}`, document, documentFile, scratch: `${outDir}/scratch-${runId}`, results,
  async timed(load) {
    const before = snapshot(stack.pids);
    const startUs = nowUs();
    const value = await load();
    const window = { startUs, endUs: nowUs() };
    return [value, { cpu: cpuUse(before, snapshot(stack.pids)), window }];
  },
};
const warm = Math.min(2, cfg.durationS);
let failure: unknown = null;
let notify: NotifyResult | null = null;
let push: PushResult | null = null;

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
  await backlog.close().catch(() => undefined);
  await stack.stop();
  rmSync(documentFile, { force: true });
}
log("stack stopped");

const targets = evaluateTargets(results);
printReport(results, targets);
if (push) printPush(push, results.get("rest-produce"));
if (notify) printNotify(notify, results.get("rest-produce"));

// Per service scenario, the core's (and for REST the edge's) share of the whole-run profile.
const profiles: Record<string, ProfileSummary> = {};
if (profileDir) {
  const files = {
    core: mainThreadProfile(`${profileDir}/core`),
    edge: mainThreadProfile(`${profileDir}/edge`),
    "edge-ws": mainThreadProfile(`${profileDir}/edge-ws`),
  };
  const procsOf = { rest: ["edge", "core"], ws: ["edge-ws", "core"], grpc: ["core"] } as const;
  for (const r of results.values()) {
    if (r.via !== "rest" && r.via !== "grpc" && r.via !== "ws") continue;
    for (const proc of procsOf[r.via]) {
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
  targets,
  ...(profileDir ? { profiles } : {}),
  ...(failure ? { error: String(failure instanceof Error ? failure.stack : failure) } : {}),
});
console.log(`\nwhole run ${elapsedS} s; results in .bench/last.json`);
if (failure) {
  console.error("\nbench failed:", failure instanceof Error ? failure.message : failure);
  process.exit(1);
}
