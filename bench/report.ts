/**
 * The bench's output: the results table with each figure beside the
 * same-run baselines (storage ceiling, edge ceiling) as ratios, the CPU split,
 * the targets with PASS/FAIL, and .bench/last.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { NotifyResult } from "./notify.ts";
import { PUSH_POSTS_PER_SEC, type PushResult } from "./push.ts";
import type { ScenarioResult } from "./scenario.ts";

export interface Target {
  readonly name: string;
  readonly value: string;
  readonly status: "PASS" | "FAIL" | "not run";
}

const LABELS: Record<string, string> = {
  "storage-produce": "storage ceiling: produce",
  "storage-consume": "storage ceiling: consume",
  "bare-produce": "edge ceiling: produce",
  "bare-consume": "edge ceiling: consume",
  "rest-produce": "REST produce",
  "rest-consume": "REST consume",
  "ws-produce": "WebSocket produce",
  "ws-consume": "WebSocket consume",
  "grpc-produce": "gRPC produce",
  "grpc-consume": "gRPC consume (Node client)",
  "auth-cached": "REST produce, Keystone cache",
  "auth-none": "REST post, no auth (low c)",
  "auth-uncached": "REST post, Keystone no cache",
};
/** The auth rows' REST column: the same request without auth, same run. */
const AUTH_BASE: Record<string, string> = { "auth-cached": "rest-produce", "auth-uncached": "auth-none" };
export const ORDER = Object.keys(LABELS);

const num = (n: number) => Math.round(n).toLocaleString("en-US");
const pad = (s: string, w: number, right = false) => (right ? s.padStart(w) : s.padEnd(w));

function ratio(r: ScenarioResult, base: ScenarioResult | undefined): [string, string] {
  if (!base || r.id === base.id || base.msgsPerSec === 0) return ["", ""];
  return [num(base.msgsPerSec), `${Math.round((r.msgsPerSec / base.msgsPerSec) * 100)}%`];
}

export function evaluateTargets(results: Map<string, ScenarioResult>): Target[] {
  const restP = results.get("rest-produce");
  const restC = results.get("rest-consume");
  const grpcP = results.get("grpc-produce");
  const wsP = results.get("ws-produce");
  const storeP = results.get("storage-produce");
  const check = (name: string, r: ScenarioResult | undefined, value: (r: ScenarioResult) => [string, boolean]): Target => {
    if (!r) return { name, value: "", status: "not run" };
    const [text, ok] = value(r);
    return { name, value: text, status: ok ? "PASS" : "FAIL" };
  };
  return [
    check("REST produce >= 30,000 msgs/s", restP, (r) => [`${num(r.msgsPerSec)} msgs/s`, r.msgsPerSec >= 30_000]),
    check("REST consume >= 4,000 msgs/s", restC, (r) => [`${num(r.msgsPerSec)} msgs/s`, r.msgsPerSec >= 4_000]),
    check("REST post p99 <= 20 ms", restP, (r) => [`${r.p99Ms} ms`, r.p99Ms <= 20]),
    check("WebSocket produce > REST produce", restP && wsP, (r) => {
      const rest = restP?.msgsPerSec ?? 0;
      return [`${num(r.msgsPerSec)} vs ${num(rest)} msgs/s (${Math.round((r.msgsPerSec / Math.max(1, rest)) * 100)}%)`, r.msgsPerSec > rest];
    }),
    check("gRPC produce >= 50% of the storage ceiling", storeP && grpcP, (r) => {
      const share = r.msgsPerSec / (storeP?.msgsPerSec ?? 1);
      return [`${Math.round(share * 100)}% (${num(r.msgsPerSec)} of ${num(storeP?.msgsPerSec ?? 0)})`, share >= 0.5];
    }),
  ];
}

/** `info`: lines printed under the targets without PASS/FAIL (the auth overhead). */
export function printReport(results: Map<string, ScenarioResult>, targets: readonly Target[], info: readonly string[] = []): void {
  const head = ["scenario", "msgs/s", "p50 ms", "p99 ms", "storage ceil", "ratio", "edge ceil", "ratio", "REST", "ratio"];
  const widths = [28, 9, 7, 8, 13, 6, 10, 6, 9, 6];
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] as number, i > 0)).join("  ");
  console.log(`\n${line(head)}\n${"-".repeat(widths.reduce((a, b) => a + b + 2, -2))}`);
  for (const id of ORDER) {
    const r = results.get(id);
    if (!r) continue;
    const service = r.via === "rest" || r.via === "grpc" || r.via === "ws";
    const storage = service ? results.get(`storage-${r.kind}`) : undefined;
    const edge = r.via === "rest" ? results.get(`bare-${r.kind}`) : undefined;
    // WebSocket beside the same run's REST figure for the same workload.
    const rest = r.via === "ws" ? results.get(`rest-${r.kind}`) : AUTH_BASE[id] ? results.get(AUTH_BASE[id] as string) : undefined;
    console.log(line([LABELS[id] ?? id, num(r.msgsPerSec), String(r.p50Ms), String(r.p99Ms), ...ratio(r, storage), ...ratio(r, edge), ...ratio(r, rest)]));
  }
  if (ORDER.some((id) => id.startsWith("auth-") && results.has(id))) {
    console.log("(Keystone rows: the REST column is the same request without auth: REST produce for the cached edge, the low-c post for the uncached one)");
  }

  console.log(
    "\nclients and CPU while loaded: % of one core (2 cores = 200%; other = other tenants of this machine)," +
      "\nand CPU µs per message per process (2e6 / total = the most 2 fully busy cores could do):",
  );
  for (const id of ORDER) {
    const r = results.get(id);
    if (!r) continue;
    const cpu = Object.entries(r.cpu).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
    const per = Object.entries(r.cpuUsPerMsg).map(([k, v]) => `${k} ${v}`).join(", ");
    const bound = r.cpuUsPerMsg["total"] ? num(2e6 / (r.cpuUsPerMsg["total"] as number)) : "?";
    console.log(`  ${pad(LABELS[id] ?? id, 28)} ${r.client}; ${num(r.requests)} requests in ${r.durationS} s`);
    console.log(`  ${" ".repeat(28)} cpu %: ${cpu}`);
    console.log(`  ${" ".repeat(28)} µs/msg: ${per} (CPU bound ${bound} msgs/s)`);
    if (r.via === "auth" || (id === "rest-produce" && results.has("auth-cached"))) {
      console.log(`  ${" ".repeat(28)} µs/request: ${Object.entries(r.cpuUsPerRequest).map(([k, v]) => `${k} ${v}`).join(", ")}`);
    }
  }

  const warnings = ORDER.flatMap((id) => (results.get(id)?.warnings ?? []).map((w) => `  ${LABELS[id]}: ${w}`));
  if (warnings.length > 0) console.log(`\nnotes:\n${warnings.join("\n")}`);

  console.log("\ntargets (2-core machine, client included):");
  for (const t of targets) console.log(`  ${pad(t.status, 7)} ${pad(t.name, 44)} ${t.value}`);
  for (const i of info) console.log(`  ${pad("info", 7)} ${i}`);
  console.log(
    "\nfor scale (issue, measured with wrk): Zaqar 15 did ~2,650 produce / ~550 consume msgs/s (post p99 113 ms);" +
      "\na do-nothing Node HTTP server ~68,000 / ~7,200. The ceilings above are this run's own.",
  );
}

/** The notification scenario, beside this run's REST produce figure (posts to a queue without subscriptions). */
export function printNotify(n: NotifyResult, restProduce: ScenarioResult | undefined): void {
  const vsRest = (x: number) => (restProduce && restProduce.msgsPerSec > 0 ? `${Math.round((x / restProduce.msgsPerSec) * 100)}%` : "n/a");
  console.log(
    `\nnotifications: ${num(n.messages)} messages (${n.post.requests} posts of 10 × 1 KiB) to a queue with ${n.subscriptions} webhook subscriptions, ` +
      `${num(n.deliveries)} webhook POSTs to a bare node:http receiver, one notifier:`,
  );
  const rows: Array<[string, string, string]> = [
    ["webhook deliveries/s", num(n.deliveriesPerSec), `first post to last delivery ${n.deliverS} s; ${vsRest(n.deliveriesPerSec)} of REST produce`],
    ["posting with 10 subscriptions", `${num(n.post.msgsPerSec)} msgs/s`, `p50 ${n.post.p50Ms} ms, p99 ${n.post.p99Ms} ms, done in ${n.post.durationS} s (${n.client.split(";")[0]})`],
    ["same posts, no subscriptions", `${num(n.plainPost.msgsPerSec)} msgs/s`, `p50 ${n.plainPost.p50Ms} ms, p99 ${n.plainPost.p99Ms} ms, done in ${n.plainPost.durationS} s (same client, just before)`],
    ["REST produce, no subscriptions", restProduce ? `${num(restProduce.msgsPerSec)} msgs/s` : "not run", restProduce ? `p50 ${restProduce.p50Ms} ms, p99 ${restProduce.p99Ms} ms (${restProduce.client})` : "BENCH_ONLY=rest,notify to compare"],
  ];
  for (const [label, value, note] of rows) console.log(`  ${pad(label, 31)} ${pad(value, 14, true)}  ${note}`);
  const cpu = Object.entries(n.cpu).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
  const per = Object.entries(n.cpuUsPerDelivery).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`  cpu %: ${cpu}`);
  console.log(`  µs/delivery: ${per}`);
  for (const w of n.warnings) console.log(`  note: ${w}`);
}

/** Push delivery latency (PushService.WatchMessages), beside this run's REST post latency. */
export function printPush(p: PushResult, restProduce: ScenarioResult | undefined): void {
  console.log(
    `\npush delivery: ${num(p.posted)} messages posted over REST at ${PUSH_POSTS_PER_SEC} posts/s of 10 × 1 KiB (${num(p.msgsPerSec)} msgs/s) for ${p.durationS} s, ` +
      `one grpc-js WatchMessages watcher (own process); latency = watcher receive − post send time:`,
  );
  console.log(`  delivery latency  p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, max ${p.maxMs} ms`);
  console.log(`  delivered         ${num(p.unique)} of ${num(p.posted)} (${num(p.received)} received${p.unique >= p.posted && p.received === p.unique ? ", none lost or repeated" : ""})`);
  console.log(`  of which the post  p50 ${p.postP50Ms} ms, p99 ${p.postP99Ms} ms (send to 201, same posts)`);
  if (restProduce) console.log(`  REST produce      p50 ${restProduce.p50Ms} ms, p99 ${restProduce.p99Ms} ms per post at full load, same run (${num(restProduce.msgsPerSec)} msgs/s)`);
  const cpu = Object.entries(p.cpu).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(", ");
  console.log(`  cpu % (client = the watcher): ${cpu}`);
  for (const w of p.warnings) console.log(`  note: ${w}`);
}

export function writeJson(path: string, data: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}
