/**
 * The load client of WebSocket produce: clients/ws-load.cpp (websocketpp,
 * the cheapest per request) by default, clients/ws-load.c (libwebsockets) or
 * the Node client (clients/ws.ts) when BENCH_WS_CLIENT asks. The native ones
 * are built on demand; one that cannot be built falls back to the Node
 * client, which is said once with the install command. Runs a native client and returns its summary
 * in the Node clients' shape (both native clients take the same arguments and
 * print the same result).
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { LoopResult } from "./clients/loop.ts";
import { createLatencyRecorder } from "./latency.ts";
import type { NodeClientResult } from "./node-run.ts";
import { CLIENT_ID } from "./payload.ts";
import { runToEnd } from "./procs.ts";
import { buildWsLoad, buildWsLoadCpp, type WsLoadBuild } from "./tools.ts";

/**
 * Which client drives ws-produce: a native one when it builds (`label` names
 * it for the report), or Node (with the reason when a native one was asked for).
 */
export type WsProduceClient =
  | { readonly kind: "native"; readonly binary: string; readonly label: string }
  | { readonly kind: "node"; readonly fallback: string | null };

const NATIVE: Record<string, { readonly source: string; readonly label: string; readonly build: (outDir: string) => WsLoadBuild }> = {
  cpp: { source: "clients/ws-load.cpp", label: "ws-load-cpp (C++, websocketpp)", build: buildWsLoadCpp },
  native: { source: "clients/ws-load.c", label: "ws-load (C, libwebsockets)", build: buildWsLoad },
};

let chosen: WsProduceClient | null = null;

/**
 * BENCH_WS_CLIENT: "cpp" (default), "node" or "native" (libwebsockets). A
 * native client is built (once per run) on first use. Per message the
 * websocketpp client costs a fraction of the Node client's CPU, and Debian
 * 12's libwebsockets more than the Node client's (bench/README.md).
 */
export function wsProduceClient(env: NodeJS.ProcessEnv = process.env): WsProduceClient {
  if (chosen) return chosen;
  const asked = env["BENCH_WS_CLIENT"] ?? "cpp";
  if (asked === "node") return (chosen = { kind: "node", fallback: null });
  const native = NATIVE[asked];
  if (!native) throw new Error(`BENCH_WS_CLIENT must be cpp, node or native, got "${asked}"`);
  const build = native.build(fileURLToPath(new URL("../.bench", import.meta.url)));
  if ("binary" in build) return (chosen = { kind: "native", binary: build.binary, label: native.label });
  console.warn(
    `\nWARNING: the native WebSocket load client (${native.source}) is unavailable, so ws-produce runs the Node client:\n  ${build.missing}\n`,
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

/** Runs a native client's binary (clients/ws-load.c or .cpp) to the end; percentiles come from its raw samples, as for the Node clients. */
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
