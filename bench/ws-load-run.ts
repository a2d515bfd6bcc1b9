/**
 * The load client of WebSocket produce: the native one (clients/ws-load.c,
 * libwebsockets, built on demand) unless BENCH_WS_CLIENT=node asks for the
 * Node client (clients/ws.ts), or the native one cannot be built, which is
 * said once with the install command. Runs the native client and returns its
 * summary in the Node clients' shape.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoopResult } from "./clients/loop.ts";
import { createLatencyRecorder } from "./latency.ts";
import type { NodeClientResult } from "./node-run.ts";
import { CLIENT_ID } from "./payload.ts";
import { runToEnd } from "./procs.ts";
import { buildWsLoad } from "./tools.ts";

/** Which client drives ws-produce: the native one when it builds, or Node (with the reason when not asked for). */
export type WsProduceClient = { readonly kind: "native"; readonly binary: string } | { readonly kind: "node"; readonly fallback: string | null };

let chosen: WsProduceClient | null = null;

/**
 * BENCH_WS_CLIENT: "node" (default) or "native". The native client is built
 * (once per run) on first use; with Debian 12's libwebsockets it costs more CPU
 * per request than the Node client (bench/README.md), so it is opt-in.
 */
export function wsProduceClient(env: NodeJS.ProcessEnv = process.env): WsProduceClient {
  if (chosen) return chosen;
  const asked = env["BENCH_WS_CLIENT"] ?? "node";
  if (asked !== "native" && asked !== "node") throw new Error(`BENCH_WS_CLIENT must be native or node, got "${asked}"`);
  if (asked === "node") return (chosen = { kind: "node", fallback: null });
  const build = buildWsLoad(fileURLToPath(new URL("../.bench", import.meta.url)));
  if ("binary" in build) return (chosen = { kind: "native", binary: build.binary });
  console.warn(
    `\nWARNING: the native WebSocket load client (clients/ws-load.c) is unavailable, so ws-produce runs the Node client:\n  ${build.missing}\n`,
  );
  return (chosen = { kind: "node", fallback: build.missing.split("\n")[0] ?? build.missing });
}

/**
 * The message_post frame of the produce workload, byte for byte what
 * clients/ws.ts sends: the post document's messages for `queue`.
 */
export function wsPostFrame(document: string, project: string, queue: string): string {
  const { messages } = JSON.parse(document) as { messages: unknown[] };
  const headers = { "Client-ID": CLIENT_ID, "X-Project-ID": project };
  return JSON.stringify({ action: "message_post", headers, body: { queue_name: queue, messages } });
}

export interface WsLoadRun {
  readonly binary: string;
  readonly url: string;
  readonly frame: string;
  readonly durationS: number;
  readonly concurrency: number;
  readonly connections: number;
  /** Prefix for the frame and samples files (removed afterwards). */
  readonly scratch: string;
}

type Line = LoopResult & { readonly messages: number };

/** Runs clients/ws-load.c's binary to the end; percentiles come from its raw samples, as for the Node clients. */
export async function runWsLoad(run: WsLoadRun): Promise<NodeClientResult> {
  const frameFile = `${run.scratch}.frame`;
  const samplesFile = `${run.scratch}.samples`;
  writeFileSync(frameFile, run.frame);
  try {
    const args = [run.url, frameFile, String(run.durationS), String(run.concurrency), String(run.connections)];
    const { stdout } = await runToEnd("ws-load", run.binary, args, { ...process.env, BENCH_SAMPLES_FILE: samplesFile });
    const text = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (!text) throw new Error(`ws-load printed no BENCH_RESULT line:\n${stdout}`);
    const line = JSON.parse(text.slice("BENCH_RESULT ".length)) as Line;
    const buf = readFileSync(samplesFile);
    // Copied into a fresh ArrayBuffer: a pooled Buffer's offset need not be 8-aligned.
    const samples = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    if (samples.length !== line.requests) throw new Error(`ws-load wrote ${samples.length} samples for ${line.requests} requests`);
    const latency = createLatencyRecorder();
    for (const v of samples) latency.record(v);
    return { ...line, p50Us: latency.percentile(50), p99Us: latency.percentile(99), processes: 1 };
  } finally {
    rmSync(frameFile, { force: true });
    rmSync(samplesFile, { force: true });
  }
}
