/**
 * The ten measured scenarios: produce and consume through the storage
 * driver directly (storage ceiling), the bare HTTP server (edge ceiling), the
 * REST edge, the WebSocket edge and the core's gRPC port. Each returns a ScenarioResult; the
 * service scenarios are cross-checked against the queue's real message count.
 */
import { runH2load } from "./h2load-run.ts";
import { cpuPercent, cpuPerMessage, cpuPerRequest } from "./cpu.ts";
import { runNodeClient, type NodeClientResult } from "./node-run.ts";
import { CLAIM_BODY, CLIENT_ID, MESSAGES_PER_POST } from "./payload.ts";
import { ms, type BenchContext, type ScenarioResult, type Usage, type Via } from "./scenario.ts";
import { runWrk } from "./wrk-run.ts";
import { runWsLoad, wsPostFrame, wsProduceClient } from "./ws-load-run.ts";

/** Consume rate assumed for sizing a backlog when no earlier figure bounds it. */
const FALLBACK_CONSUME_RATE = 15_000;
/** Backlog headroom over the expected consumption. */
const BACKLOG_FACTOR = 1.3;

const scopeOf = (ctx: BenchContext, queue: string) => ({ project: ctx.project, queue });

export async function storageProduce(ctx: BenchContext, queue: string): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const [r, usage] = await ctx.timed(() =>
    runNodeClient("storage", 1, cfg.concurrency, `${ctx.scratch}-sp`, (share) => [
      "produce", ctx.stack.redis.url, ctx.project, queue, String(cfg.durationS), String(share),
    ]),
  );
  const stored = await ctx.backlog.count(scopeOf(ctx, queue));
  const warnings = r.errors > 0 ? [`${r.errors} failed calls, first: ${r.firstError}`] : [];
  if (stored !== r.messages) warnings.push(`queue holds ${stored} messages, client counted ${r.messages}`);
  return result({ via: "storage", kind: "produce", client: storageLabel(ctx), ...fromNode(r), warnings, raw: r, usage, storageMessages: stored });
}

export async function storageConsume(ctx: BenchContext, queue: string): Promise<ScenarioResult> {
  const { cfg } = ctx;
  // Consuming costs 11 script calls per 10 messages against 1 for producing, so
  // it never outruns the produce run whose queue it drains: size against 3/4
  // of that rate (no top-up) and let empty claims say if that was wrong.
  const produced = ctx.results.get("storage-produce")?.msgsPerSec;
  const expected = produced === undefined ? FALLBACK_CONSUME_RATE : (produced * 0.75) / BACKLOG_FACTOR;
  const { before, filled } = await prepareBacklog(ctx, queue, expected);
  const [r, usage] = await ctx.timed(() =>
    runNodeClient("storage", 1, cfg.concurrency, `${ctx.scratch}-sc`, (share) => [
      "consume", ctx.stack.redis.url, ctx.project, queue, String(cfg.durationS), String(share),
    ]),
  );
  const removed = before - (await ctx.backlog.count(scopeOf(ctx, queue)));
  const warnings = consumeWarnings(r.errors, r.firstError, r.empty ?? 0, filled);
  if (removed !== r.messages) warnings.push(`queue lost ${removed} messages, client counted ${r.messages} deletes`);
  return result({ via: "storage", kind: "consume", client: storageLabel(ctx), ...fromNode(r), warnings, raw: r, usage, storageMessages: removed });
}

/** REST produce with wrk against the edge or the bare server. */
export async function httpProduce(ctx: BenchContext, via: "rest" | "bare", queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const base = via === "rest" ? ctx.stack.edgeUrl : ctx.stack.bareUrl;
  const [w, usage] = await ctx.timed(() =>
    runWrk({
      script: "produce",
      url: `${base}/v2/queues/${queue}/messages`,
      scriptArgs: [ctx.documentFile, ctx.project, CLIENT_ID],
      durationS,
      connections: cfg.concurrency,
      threads: cfg.wrkThreads,
    }),
  );
  const socketErrors = w.errors.connect + w.errors.read + w.errors.write + w.errors.timeout;
  const ok = w.requests - w.errors.status;
  const messages = ok * MESSAGES_PER_POST;
  const warnings: string[] = [];
  if (w.errors.status + socketErrors > 0) warnings.push(`wrk errors: ${JSON.stringify(w.errors)}`);
  let stored: number | undefined;
  if (via === "rest") {
    stored = await ctx.backlog.count(scopeOf(ctx, queue));
    // Requests in flight when wrk stops still complete on the server.
    const slack = cfg.concurrency * MESSAGES_PER_POST;
    if (stored < messages || stored > messages + slack) warnings.push(`queue holds ${stored} messages, wrk counted ${messages} posted`);
  }
  return result({
    via, kind: "produce", client: wrkLabel(ctx), messages, elapsedUs: w.duration_us, p50Us: w.p50_us, p99Us: w.p99_us,
    requests: w.requests, errors: w.errors.status + socketErrors, warnings, raw: w, usage, storageMessages: stored,
  });
}

/** REST consume with wrk against the edge or the bare server. */
export async function httpConsume(ctx: BenchContext, via: "rest" | "bare", queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  let before = 0;
  let filled = 0;
  if (via === "rest") {
    const bound = Math.min(rateOr(ctx, "bare-consume"), rateOr(ctx, "storage-consume"));
    ({ before, filled } = await prepareBacklog(ctx, queue, bound, durationS));
  }
  const [w, usage] = await ctx.timed(() =>
    runWrk({
      script: "consume",
      url: via === "rest" ? ctx.stack.edgeUrl : ctx.stack.bareUrl,
      scriptArgs: [`/v2/queues/${queue}`, ctx.project, CLIENT_ID, CLAIM_BODY],
      durationS,
      connections: cfg.concurrency,
      threads: cfg.wrkThreads,
    }),
  );
  const socketErrors = w.errors.connect + w.errors.read + w.errors.write + w.errors.timeout;
  const deleted = w.deleted ?? 0;
  const warnings = consumeWarnings((w.bad ?? 0) + socketErrors, w.bad ? `HTTP ${w.bad_status}` : null, w.empty_min ?? 0, filled);
  let removed: number | undefined;
  if (via === "rest") {
    removed = before - (await ctx.backlog.count(scopeOf(ctx, queue)));
    if (removed < deleted || removed > deleted + 2 * cfg.concurrency) warnings.push(`queue lost ${removed} messages, wrk counted ${deleted} deletes`);
  }
  return result({
    via, kind: "consume", client: wrkLabel(ctx), messages: deleted, elapsedUs: w.duration_us, p50Us: w.p50_us, p99Us: w.p99_us,
    requests: w.requests, errors: (w.bad ?? 0) + socketErrors, warnings, raw: w, usage, storageMessages: removed,
  });
}

export async function grpcProduce(ctx: BenchContext, queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const [h, usage] = await ctx.timed(() =>
    runH2load({
      address: ctx.stack.coreAddress,
      project: ctx.project,
      queue,
      document: ctx.document,
      durationS,
      concurrency: cfg.concurrency,
      mode: cfg.h2loadMode,
      scratch: `${ctx.scratch}-gp`,
    }),
  );
  const messages = h.succeeded * MESSAGES_PER_POST;
  const stored = await ctx.backlog.count(scopeOf(ctx, queue));
  const warnings: string[] = [];
  if (h.failed + h.errored > 0) warnings.push(`h2load: ${h.failed} failed, ${h.errored} errored`);
  // h2load counts HTTP 200 even when grpc-status is not 0: the queue tells the truth.
  if (stored < messages) warnings.push(`only ${stored} of ${messages} messages stored: ${(messages - stored) / MESSAGES_PER_POST} calls failed with a gRPC error`);
  if (stored > messages + cfg.concurrency * MESSAGES_PER_POST) warnings.push(`queue holds ${stored} messages, h2load counted ${messages}`);
  const label = cfg.h2loadMode === "streams" ? `h2load -c1 -m${cfg.concurrency}` : `h2load -c${cfg.concurrency} -m1`;
  const delivered = Math.min(messages, stored);
  return result({
    via: "grpc", kind: "produce", client: label, messages: delivered, elapsedUs: h.elapsedUs, p50Us: h.p50Us, p99Us: h.p99Us,
    requests: h.requests, errors: h.failed + h.errored, warnings, raw: h, usage, storageMessages: stored,
  });
}

export async function grpcConsume(ctx: BenchContext, queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const { before, filled } = await prepareBacklog(ctx, queue, rateOr(ctx, "storage-consume"), durationS);
  const [r, usage] = await ctx.timed(() =>
    runNodeClient("grpc-consume", cfg.grpcConsumeProcs, cfg.concurrency, `${ctx.scratch}-gc`, (share) => [
      ctx.stack.coreAddress, ctx.project, queue, String(durationS), String(share),
    ]),
  );
  const removed = before - (await ctx.backlog.count(scopeOf(ctx, queue)));
  const warnings = consumeWarnings(r.errors, r.firstError, r.empty ?? 0, filled);
  if (removed !== r.messages) warnings.push(`queue lost ${removed} messages, client counted ${r.messages} deletes`);
  const label = `node grpc-js, ${r.processes} process${r.processes > 1 ? "es" : ""}, ${cfg.concurrency} in flight`;
  return result({ via: "grpc", kind: "consume", client: label, ...fromNode(r), warnings, raw: r, usage, storageMessages: removed });
}

/**
 * WebSocket produce: message_post frames to edge-ws, the REST workload, from
 * the client BENCH_WS_CLIENT picks (ws-load-run.ts: the C++ websocketpp client
 * by default, else clients/ws.ts when it cannot be built).
 */
export async function wsProduce(ctx: BenchContext, queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const client = wsProduceClient();
  const [r, usage] = await ctx.timed(() =>
    client.kind === "native"
      ? runWsLoad({
          binary: client.binary, url: ctx.stack.wsUrl, frame: wsPostFrame(ctx.document, ctx.project, queue),
          durationS, concurrency: cfg.concurrency, connections: cfg.wsConnections, scratch: `${ctx.scratch}-wp`,
        })
      : runNodeClient("ws", cfg.wsProcs, cfg.concurrency, `${ctx.scratch}-wp`, (share) => [
          "produce", ctx.stack.wsUrl, ctx.project, queue, String(durationS), String(share), String(wsConnsPerProc(ctx)),
        ]),
  );
  const stored = await ctx.backlog.count(scopeOf(ctx, queue));
  const warnings = r.errors > 0 ? [`${r.errors} failed requests, first: ${r.firstError}`] : [];
  if (stored !== r.messages) warnings.push(`queue holds ${stored} messages, client counted ${r.messages}`);
  if (client.kind === "node" && client.fallback) warnings.push(`Node client instead of the native one: ${client.fallback}`);
  const label = client.kind === "native" ? nativeWsLabel(ctx, client.label) : `${wsLabel(ctx, r)}${client.fallback ? " (native client unavailable)" : ""}`;
  return result({ via: "ws", kind: "produce", client: label, ...fromNode(r), warnings, raw: r, usage, storageMessages: stored });
}

/** WebSocket consume: claim_create (limit 10) then message_delete with the claim id of each, over edge-ws. */
export async function wsConsume(ctx: BenchContext, queue: string, durationS = ctx.cfg.durationS): Promise<ScenarioResult> {
  const { cfg } = ctx;
  const { before, filled } = await prepareBacklog(ctx, queue, rateOr(ctx, "storage-consume"), durationS);
  const [r, usage] = await ctx.timed(() =>
    runNodeClient("ws", cfg.wsProcs, cfg.concurrency, `${ctx.scratch}-wc`, (share) => [
      "consume", ctx.stack.wsUrl, ctx.project, queue, String(durationS), String(share), String(wsConnsPerProc(ctx)),
    ]),
  );
  const removed = before - (await ctx.backlog.count(scopeOf(ctx, queue)));
  const warnings = consumeWarnings(r.errors, r.firstError, r.empty ?? 0, filled);
  if (removed !== r.messages) warnings.push(`queue lost ${removed} messages, client counted ${r.messages} deletes`);
  return result({ via: "ws", kind: "consume", client: wsLabel(ctx, r), ...fromNode(r), warnings, raw: r, usage, storageMessages: removed });
}

const wsConnsPerProc = (ctx: BenchContext) => Math.max(1, Math.round(ctx.cfg.wsConnections / ctx.cfg.wsProcs));

function wsLabel(ctx: BenchContext, r: NodeClientResult): string {
  const conns = wsConnsPerProc(ctx) * r.processes;
  return `node ws, ${r.processes} process${r.processes > 1 ? "es" : ""}, ${ctx.cfg.concurrency} in flight over ${conns} connection${conns > 1 ? "s" : ""}`;
}

function nativeWsLabel(ctx: BenchContext, client: string): string {
  const conns = ctx.cfg.wsConnections;
  return `${client}, 1 process, ${ctx.cfg.concurrency} in flight over ${conns} connection${conns > 1 ? "s" : ""}`;
}

function rateOr(ctx: BenchContext, id: string): number {
  return ctx.results.get(id)?.msgsPerSec ?? FALLBACK_CONSUME_RATE;
}

/** Tops the queue up to what `expectedRate` would consume in the run (with headroom); returns the count before the run. */
async function prepareBacklog(ctx: BenchContext, queue: string, expectedRate: number, durationS = ctx.cfg.durationS) {
  const target = Math.ceil(expectedRate * durationS * BACKLOG_FACTOR);
  const filled = await ctx.backlog.fill(scopeOf(ctx, queue), target);
  return { before: await ctx.backlog.count(scopeOf(ctx, queue)), filled };
}

function consumeWarnings(errors: number, first: string | null, empty: number, filled: number): string[] {
  const w: string[] = [];
  if (errors > 0) w.push(`${errors} failed requests, e.g. ${first}`);
  if (empty > 0) w.push(`backlog ran dry: ${empty} empty claims, so this figure is too low`);
  if (filled > 0) w.push(`(info) backlog topped up with ${filled} messages before the run`);
  return w;
}

export function wrkLabel(ctx: BenchContext): string {
  return `wrk -t${ctx.cfg.wrkThreads} -c${ctx.cfg.concurrency} (Lua)`;
}

function storageLabel(ctx: BenchContext): string {
  return `node, 1 ioredis client, ${ctx.cfg.concurrency} in flight`;
}

const fromNode = (r: NodeClientResult) => ({
  messages: r.messages, elapsedUs: r.elapsedUs, p50Us: r.p50Us, p99Us: r.p99Us, requests: r.requests, errors: r.errors,
});

export interface Measured {
  /** Default `<via>-<kind>`. */
  readonly id?: string;
  readonly via: Via;
  readonly kind: "produce" | "consume";
  readonly client: string;
  readonly messages: number;
  readonly elapsedUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly requests: number;
  readonly errors: number;
  readonly warnings: string[];
  readonly raw: unknown;
  readonly usage: Usage;
  readonly storageMessages?: number | undefined;
}

export function result(m: Measured): ScenarioResult {
  const durationS = m.elapsedUs / 1e6;
  return {
    id: m.id ?? `${m.via}-${m.kind}`, via: m.via, kind: m.kind, client: m.client,
    msgsPerSec: Math.round(m.messages / durationS),
    p50Ms: ms(m.p50Us), p99Ms: ms(m.p99Us),
    requests: m.requests, errors: m.errors, messages: m.messages, durationS: Math.round(durationS * 100) / 100,
    ...(m.storageMessages === undefined ? {} : { storageMessages: m.storageMessages }),
    cpu: cpuPercent(m.usage.cpu), cpuUsPerMsg: cpuPerMessage(m.usage.cpu, m.messages),
    cpuUsPerRequest: cpuPerRequest(m.usage.cpu, m.requests), window: m.usage.window,
    warnings: m.warnings, raw: m.raw,
  };
}
