/**
 * The notification scenario (BENCH_ONLY=notify): 1,000 messages posted over
 * REST (100 posts of 10 × 1 KiB, the produce workload, `concurrency` in
 * flight) to a queue with 10 webhook subscriptions, delivered by one notifier
 * process to a bare node:http receiver (webhook-sink.ts): 10,000 webhook
 * POSTs. Measures webhook deliveries/s from the first post to the last
 * delivery, and the posts' own latency, which must stay that of a post
 * (jobs are recorded with the post; delivery happens afterwards). The same
 * 100 posts to a queue without subscriptions, just before and by the same
 * client, show what recording the jobs adds to a post.
 *
 * The notifier and the receiver run only during this scenario, so the
 * other scenarios measure the service without them.
 */
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { readNotifierConfig } from "../notifier/src/config.ts";
import { cpuPercent, cpuUse, snapshot } from "./cpu.ts";
import { createLatencyRecorder } from "./latency.ts";
import { CLIENT_ID, MESSAGES_PER_POST } from "./payload.ts";
import { freePort, spawnChild, waitForPort, type Child } from "./procs.ts";
import type { BenchContext } from "./scenario.ts";

export const NOTIFY_SUBSCRIPTIONS = 10;
export const NOTIFY_MESSAGES = 1000;
const WARM_POSTS = 5;

export interface PostFigures {
  readonly msgsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly durationS: number;
  readonly requests: number;
  readonly errors: number;
}

export interface NotifyResult {
  readonly subscriptions: number;
  readonly messages: number;
  /** Webhook POSTs the receiver counted (subscriptions × messages when nothing is lost or repeated). */
  readonly deliveries: number;
  /** Webhook deliveries per second, first post to last delivery. */
  readonly deliveriesPerSec: number;
  /** First post to last delivery. */
  readonly deliverS: number;
  /** The posting alone: messages/s and per-post latency (the client's view, Node http). */
  readonly post: PostFigures;
  /** The same posts by the same client to a queue without subscriptions, just before. */
  readonly plainPost: PostFigures;
  /** CPU while delivering, % of one core per process. */
  readonly cpu: Record<string, number>;
  /** CPU µs per delivery per process, and their total. */
  readonly cpuUsPerDelivery: Record<string, number>;
  readonly client: string;
  readonly warnings: string[];
}

const root = fileURLToPath(new URL("..", import.meta.url));

interface Stats {
  count: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
}

function call(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`notify: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function notifyScenario(ctx: BenchContext, queue: string): Promise<NotifyResult> {
  const { cfg, stack } = ctx;
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.concurrency });
  const headers = { "Content-Type": "application/json", "Client-ID": CLIENT_ID, "X-Project-ID": ctx.project };
  const [sinkPort, healthPort] = [await freePort(), await freePort()];
  const sinkUrl = `http://127.0.0.1:${sinkPort}`;
  const children: Child[] = [];
  try {
    const sink = spawnChild("webhook-sink", process.execPath, ["--import", "tsx", `${root}bench/webhook-sink.ts`, String(sinkPort)]);
    children.push(sink);
    const notifierEnv = {
      ...process.env,
      NODE_ENV: "production",
      ZAQAR_LOG_LEVEL: "warn",
      ZAQAR_CORE_URL: stack.coreAddress,
      ZAQAR_NOTIFIER_HEALTH_LISTEN: `127.0.0.1:${healthPort}`,
    };
    const notifierConfig = readNotifierConfig(notifierEnv);
    const notifier = spawnChild("notifier", process.execPath, ["--import", "tsx", `${root}notifier/src/main.ts`], { env: notifierEnv });
    children.push(notifier);
    await Promise.all([waitForPort(sink, sinkPort), waitForPort(notifier, healthPort)]);
    const stats = async (): Promise<Stats> => JSON.parse((await call(agent, `${sinkUrl}/__stats`, "GET", {})).text) as Stats;

    const base = `${stack.edgeUrl}/v2/queues/${queue}`;
    for (let i = 0; i < NOTIFY_SUBSCRIPTIONS; i++) {
      const res = await call(agent, `${base}/subscriptions`, "POST", headers, JSON.stringify({ subscriber: `${sinkUrl}/hook/${i}`, ttl: 3600 }));
      if (res.status !== 201) throw new Error(`notify: subscription create answered ${res.status} ${res.text}`);
    }
    // Warm-up: the whole path once, JIT included; then the receiver starts from zero.
    for (let i = 0; i < WARM_POSTS; i++) await call(agent, `${base}/messages`, "POST", headers, ctx.document);
    const warm = WARM_POSTS * MESSAGES_PER_POST * NOTIFY_SUBSCRIPTIONS;
    await waitFor("the warm-up deliveries", async () => (await stats()).count >= warm, 60_000);
    await new Promise((r) => setTimeout(r, 300));
    await call(agent, `${sinkUrl}/__reset`, "POST", {});

    /** Posts the 1,000 messages to `url` with `concurrency` in flight. */
    const postAll = async (url: string) => {
      const latency = createLatencyRecorder();
      let posts = NOTIFY_MESSAGES / MESSAGES_PER_POST;
      let errors = 0;
      const poster = async () => {
        while (posts-- > 0) {
          const t0 = process.hrtime.bigint();
          const res = await call(agent, url, "POST", headers, ctx.document);
          latency.record(Number(process.hrtime.bigint() - t0) / 1000);
          if (res.status !== 201) errors++;
        }
      };
      await Promise.all(Array.from({ length: cfg.concurrency }, poster));
      return { latency, errors };
    };
    const summary = (l: ReturnType<typeof createLatencyRecorder>, errors: number, seconds: number) => ({
      msgsPerSec: Math.round(NOTIFY_MESSAGES / seconds),
      p50Ms: Math.round(l.percentile(50) / 10) / 100,
      p99Ms: Math.round(l.percentile(99) / 10) / 100,
      durationS: Math.round(seconds * 100) / 100,
      requests: l.count,
      errors,
    });

    // The same posts with the same client to a queue without subscriptions: what the jobs add to a post.
    const plainStart = performance.now();
    const plain = await postAll(`${stack.edgeUrl}/v2/queues/${queue}-plain/messages`);
    const plainPost = summary(plain.latency, plain.errors, (performance.now() - plainStart) / 1000);

    const expected = NOTIFY_MESSAGES * NOTIFY_SUBSCRIPTIONS;
    const pids = { ...stack.pids, notifier: notifier.pid, sink: sink.pid };
    const before = snapshot(pids);
    const startedAt = performance.timeOrigin + performance.now();
    const { latency, errors } = await postAll(`${base}/messages`);
    const postedAt = performance.timeOrigin + performance.now();
    await waitFor(`${expected} deliveries`, async () => (await stats()).count >= expected, 300_000);
    const after = snapshot(pids);
    const done = await stats();
    // Anything late would be a repeat.
    await new Promise((r) => setTimeout(r, 1000));
    const settled = await stats();

    const deliverS = (done.lastAt - startedAt) / 1000;
    const postS = (postedAt - startedAt) / 1000;
    const use = cpuUse(before, after);
    const warnings: string[] = [];
    if (errors + plainPost.errors > 0) warnings.push(`${errors + plainPost.errors} posts failed`);
    if (settled.count !== expected) warnings.push(`receiver counted ${settled.count} deliveries, expected ${expected}`);
    const cpuUsPerDelivery: Record<string, number> = {};
    let total = 0;
    for (const [k, s] of Object.entries(use.seconds)) {
      if (k === "other" || k === "machine" || k === "client" || s < 0.05) continue;
      cpuUsPerDelivery[k] = Math.round((s * 1e6) / expected);
      total += cpuUsPerDelivery[k];
    }
    cpuUsPerDelivery["total"] = total;
    return {
      subscriptions: NOTIFY_SUBSCRIPTIONS,
      messages: NOTIFY_MESSAGES,
      deliveries: settled.count,
      deliveriesPerSec: Math.round(expected / deliverS),
      deliverS: Math.round(deliverS * 100) / 100,
      post: summary(latency, errors, postS),
      plainPost,
      cpu: cpuPercent(use),
      cpuUsPerDelivery,
      client: `node http, ${cfg.concurrency} posts in flight (bench process); one notifier, ${notifierConfig.concurrency} deliveries in flight`,
      warnings,
    };
  } finally {
    agent.destroy();
    await Promise.all(children.map((c) => c.stop()));
  }
}
