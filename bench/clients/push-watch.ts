/**
 * The push-latency watcher: one @grpc/grpc-js PushService.WatchMessages stream
 * on the core's native port (from now, echo on), in its own process. Prints
 * `READY` once the watch is established (its first, empty response); then,
 * for every message, records receive time − the send time the poster wrote
 * into the body (`sent`, ms since the epoch with µs precision: both processes
 * read the same machine clock). Stops after `expected` messages or `seconds`.
 *
 * Usage: node --import tsx bench/clients/push-watch.ts <host:port> <project> <queue> <expected> <seconds>
 * Prints BENCH_RESULT {received, unique, outOfOrder, p50Us, p99Us, maxUs, elapsedUs}.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { coreCallHeaders } from "../../common/core-channel.ts";
import { readBenchCoreAuth } from "../config.ts";
import {
  WatchMessagesRequestSchema,
  WatchMessagesResponseSchema,
  WatchStart,
  type WatchMessagesResponse,
} from "../../proto/gen/zaqar/v1/push_pb.js";
import { createLatencyRecorder } from "../latency.ts";
import { CLIENT_ID } from "../payload.ts";
import { report } from "./loop.ts";

const [address, project, queue, expectedArg, seconds] = process.argv.slice(2) as [string, string, string, string, string];
const expected = Number(expectedArg);
const wallMs = () => performance.timeOrigin + performance.now();

const client = new grpc.Client(address, grpc.credentials.createInsecure());
const md = new grpc.Metadata();
md.set("x-project-id", project);
md.set("x-client-id", CLIENT_ID);
for (const [k, v] of Object.entries(coreCallHeaders(readBenchCoreAuth()))) md.set(k, v);
const stream = client.makeServerStreamRequest(
  "/zaqar.v1.PushService/WatchMessages",
  (v: unknown) => Buffer.from(toBinary(WatchMessagesRequestSchema, v as never)),
  (b: Buffer) => fromBinary(WatchMessagesResponseSchema, b),
  create(WatchMessagesRequestSchema, { queue, start: WatchStart.NOW, echo: true }),
  md,
) as grpc.ClientReadableStream<WatchMessagesResponse>;

const latency = createLatencyRecorder();
const seen = new Set<number>();
let received = 0;
let outOfOrder = 0;
let lastSeq = -1;
let maxUs = 0;
let first = true;
const start = process.hrtime.bigint();
const decoder = new TextDecoder();

const finished = new Promise<string>((resolve) => {
  const timer = setTimeout(() => resolve("timeout"), Number(seconds) * 1000);
  stream.on("data", (res: WatchMessagesResponse) => {
    const now = wallMs();
    if (first) {
      first = false;
      process.stdout.write("READY\n");
    }
    for (const m of res.messages) {
      const body = JSON.parse(decoder.decode(m.body)) as { sent: number; seq: number };
      const us = (now - body.sent) * 1000;
      latency.record(us);
      if (us > maxUs) maxUs = us;
      received++;
      seen.add(body.seq);
      if (body.seq < lastSeq) outOfOrder++;
      lastSeq = body.seq;
    }
    if (received >= expected) {
      clearTimeout(timer);
      resolve("done");
    }
  });
  stream.on("error", (err: grpc.ServiceError) => {
    clearTimeout(timer);
    resolve(`error: ${err.message}`);
  });
});

const how = await finished;
report({
  how,
  received,
  unique: seen.size,
  outOfOrder,
  p50Us: latency.percentile(50),
  p99Us: latency.percentile(99),
  maxUs,
  elapsedUs: Number(process.hrtime.bigint() - start) / 1000,
});
stream.cancel();
client.close();
process.exit(0);
