/**
 * gRPC produce load with h2load: the same framed PostMessages request
 * (5-byte gRPC prefix + protobuf PostMessagesRequest carrying the post
 * document) sent over and over to the core's native port.
 *
 * h2load only sees HTTP statuses, and a gRPC error is HTTP 200 with a
 * non-zero grpc-status trailer, so the runner checks one call with a real
 * grpc-js client first (grpc-check.ts) and the caller verifies afterwards
 * that the queue holds 10 messages for every request h2load counted.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { create, toBinary } from "@bufbuild/protobuf";
import { coreCallHeaders } from "../common/core-channel.ts";
import { PostMessagesRequestSchema } from "../proto/gen/zaqar/v1/message_pb.js";
import { readBenchCoreAuth } from "./config.ts";
import { createLatencyRecorder } from "./latency.ts";
import { CLIENT_ID } from "./payload.ts";
import { runToEnd } from "./procs.ts";

/** The request body of a gRPC unary call: flag 0 (uncompressed), 4-byte big-endian length, message. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.alloc(5 + message.length);
  frame.writeUInt8(0, 0);
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

export function postMessagesFrame(queue: string, document: string): Buffer {
  return grpcFrame(toBinary(PostMessagesRequestSchema, create(PostMessagesRequestSchema, { queue, body: Buffer.from(document) })));
}

export interface H2loadRun {
  /** host:port of the core's grpc-js server. */
  readonly address: string;
  readonly project: string;
  readonly queue: string;
  readonly document: string;
  readonly durationS: number;
  readonly concurrency: number;
  /** "streams": one connection with N streams (-c1 -mN); "connections": N connections, one stream each. */
  readonly mode: "streams" | "connections";
  /** Scratch file prefix. */
  readonly scratch: string;
}

export interface H2loadSummary {
  readonly requests: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly errored: number;
  readonly elapsedUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly statuses: Record<string, number>;
}

export async function runH2load(run: H2loadRun): Promise<H2loadSummary> {
  const bodyFile = `${run.scratch}.grpc-body`;
  const logFile = `${run.scratch}.h2load-log`;
  writeFileSync(bodyFile, postMessagesFrame(run.queue, run.document));
  const [c, m] = run.mode === "streams" ? [1, run.concurrency] : [run.concurrency, 1];
  const args = [
    `-c${c}`, `-m${m}`, "-D", String(run.durationS), "-d", bodyFile, `--log-file=${logFile}`,
    "-H", "content-type: application/grpc", "-H", "te: trailers",
    "-H", `x-project-id: ${run.project}`, "-H", `x-client-id: ${CLIENT_ID}`,
    ...Object.entries(coreCallHeaders(readBenchCoreAuth())).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
    `http://${run.address}/zaqar.v1.MessageService/PostMessages`,
  ];
  const { stdout } = await runToEnd("h2load", "h2load", args);
  const counts = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
  const finished = /finished in ([\d.]+)(m?s),/.exec(stdout);
  if (!counts || !finished) throw new Error(`unexpected h2load output:\n${stdout}`);

  const latency = createLatencyRecorder();
  const statuses: Record<string, number> = {};
  for (const line of readFileSync(logFile, "utf8").split("\n")) {
    const [, status, micros] = line.split("\t");
    if (micros === undefined) continue;
    statuses[status as string] = (statuses[status as string] ?? 0) + 1;
    latency.record(Number(micros));
  }
  rmSync(bodyFile, { force: true });
  rmSync(logFile, { force: true });
  // With -D the run lasts the given duration; "finished in" reports it.
  const elapsedUs = Number(finished[1]) * (finished[2] === "ms" ? 1000 : 1_000_000);
  return {
    requests: Number(counts[1]),
    succeeded: Number(counts[4]),
    failed: Number(counts[5]),
    errored: Number(counts[6]),
    elapsedUs,
    p50Us: latency.percentile(50),
    p99Us: latency.percentile(99),
    statuses,
  };
}
