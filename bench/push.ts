/**
 * The push-latency scenario (BENCH_ONLY=push-latency): while a gRPC watcher
 * (clients/push-watch.ts, its own process, PushService.WatchMessages from now)
 * follows a queue, this process posts to it over REST at a steady moderate
 * rate (open loop: a post leaves on schedule whether or not earlier ones have
 * returned): `PUSH_POSTS_PER_SEC` posts of 10 × 1 KiB messages a second for
 * the scenario's duration. Each body carries its post's send time and a
 * sequence number; delivery latency = watcher's receive time − send time,
 * so it includes the REST post itself. The watcher's count says whether any
 * message was lost, repeated or delivered out of order.
 */
import { fileURLToPath } from "node:url";
import { cpuPercent, cpuUse, snapshot } from "./cpu.ts";
import { createLatencyRecorder, microsSince } from "./latency.ts";
import { BODY_BYTES, CLIENT_ID, MESSAGES_PER_POST, MESSAGE_TTL } from "./payload.ts";
import { spawnChild } from "./procs.ts";
import { ms, type BenchContext } from "./scenario.ts";

/** Posts per second: 500 msgs/s, well under every path's capacity, so latency is not queueing. */
export const PUSH_POSTS_PER_SEC = 50;

export interface PushResult {
  readonly posted: number;
  readonly postErrors: number;
  readonly received: number;
  readonly unique: number;
  readonly outOfOrder: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The posts' own latency (send to 201), the part of delivery latency spent before the core has the messages. */
  readonly postP50Ms: number;
  readonly postP99Ms: number;
  readonly msgsPerSec: number;
  readonly durationS: number;
  readonly cpu: Record<string, number>;
  readonly warnings: string[];
}

const root = fileURLToPath(new URL("..", import.meta.url));
const wallMs = () => performance.timeOrigin + performance.now();

function postBody(seq0: number, sent: number): string {
  const items = Array.from({ length: MESSAGES_PER_POST }, (_, i) => {
    const head = `{"seq":${seq0 + i},"sent":${sent.toFixed(3)},"data":"`;
    return `{"ttl":${MESSAGE_TTL},"body":${head}${"x".repeat(Math.max(0, BODY_BYTES - head.length - 2))}"}}`;
  });
  return `{"messages":[${items.join(",")}]}`;
}

export async function pushScenario(ctx: BenchContext, queue: string): Promise<PushResult> {
  const durationS = ctx.cfg.durationS;
  const posts = PUSH_POSTS_PER_SEC * durationS;
  const expected = posts * MESSAGES_PER_POST;
  const url = `${ctx.stack.edgeUrl}/v2/queues/${queue}/messages`;
  const headers = { "Content-Type": "application/json", "Client-ID": CLIENT_ID, "X-Project-ID": ctx.project };
  // The queue exists before the watch, so the watch starts on a real queue.
  await fetch(`${ctx.stack.edgeUrl}/v2/queues/${queue}`, { method: "PUT", headers, body: "{}" }).then((r) => r.arrayBuffer());

  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let out = "";
  const watcher = spawnChild(
    "push-watch",
    process.execPath,
    ["--import", "tsx", `${root}bench/clients/push-watch.ts`, ctx.stack.coreAddress, ctx.project, queue, String(expected), String(durationS + 15)],
    {
      onStdout: (s) => {
        out += s;
        if (out.includes("READY\n")) ready();
      },
    },
  );
  await Promise.race([isReady, watcher.exited.then((c) => Promise.reject(new Error(`push-watch exited (${c}):\n${watcher.tail()}`)))]);

  // The watcher is a waited-for child: its CPU shows as "client".
  const pids = ctx.stack.pids;
  const before = snapshot(pids);
  const postLatency = createLatencyRecorder();
  const t0 = performance.now();
  let postErrors = 0;
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < posts; i++) {
    const due = t0 + (i * 1000) / PUSH_POSTS_PER_SEC;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const body = postBody(i * MESSAGES_PER_POST, wallMs());
    const sent = process.hrtime.bigint();
    inFlight.push(
      fetch(url, { method: "POST", headers, body }).then(
        async (r) => {
          await r.arrayBuffer();
          postLatency.record(microsSince(sent));
          if (r.status !== 201) postErrors++;
        },
        () => void postErrors++,
      ),
    );
  }
  await Promise.all(inFlight);
  await watcher.exited;
  const cpu = cpuPercent(cpuUse(before, snapshot(pids)));
  const line = out.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`push-watch printed no BENCH_RESULT line:\n${watcher.tail()}`);
  const w = JSON.parse(line.slice("BENCH_RESULT ".length)) as {
    how: string; received: number; unique: number; outOfOrder: number; p50Us: number; p99Us: number; maxUs: number; elapsedUs: number;
  };
  const posted = (posts - postErrors) * MESSAGES_PER_POST;
  const warnings: string[] = [];
  if (postErrors > 0) warnings.push(`${postErrors} posts failed`);
  if (w.how !== "done") warnings.push(`watcher stopped early (${w.how})`);
  if (w.unique < posted) warnings.push(`LOST: ${posted - w.unique} of ${posted} posted messages never arrived`);
  if (w.received > w.unique) warnings.push(`${w.received - w.unique} messages delivered twice`);
  if (w.outOfOrder > 0) warnings.push(`(info) ${w.outOfOrder} messages arrived before a lower seq: overlapping posts commit in their own order`);
  return {
    posted, postErrors, received: w.received, unique: w.unique, outOfOrder: w.outOfOrder,
    p50Ms: ms(w.p50Us), p99Ms: ms(w.p99Us), maxMs: ms(w.maxUs),
    postP50Ms: ms(postLatency.percentile(50)), postP99Ms: ms(postLatency.percentile(99)),
    msgsPerSec: PUSH_POSTS_PER_SEC * MESSAGES_PER_POST, durationS, cpu, warnings,
  };
}
