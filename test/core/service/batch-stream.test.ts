/**
 * BatchService.ExecuteStream: operations sent on a long-lived stream are each
 * answered once, by id, with their own outcome; a half-close is answered
 * before the stream ends; a shutting-down core answers what it started and
 * ends its streams with OK. Driven by a plain grpc-js client built from the
 * .proto files, and by a connect-es client over the Connect listener.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import test from "ava";
import { BatchService, ExecuteStreamRequestSchema, type ExecuteStreamRequest } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { startCore } from "../../helpers/core.ts";

const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";

const definition = protoLoader.loadSync(["zaqar/v1/batch.proto"], {
  includeDirs: [protoRoot],
  longs: Number,
  defaults: true,
  oneofs: true,
});
const pkg = grpc.loadPackageDefinition(definition);
const Batch = ((pkg["zaqar"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject)["BatchService"] as grpc.ServiceClientConstructor;

interface Outcome {
  id: number;
  response: string;
  [name: string]: any;
}

/** Opens an ExecuteStream and collects outcomes by id until the stream ends. */
function openStream(address: string) {
  const client = new Batch(address, grpc.credentials.createInsecure());
  const call = (client as any).executeStream() as grpc.ClientDuplexStream<object, { outcomes: Outcome[] }>;
  const outcomes = new Map<number, Outcome>();
  let duplicates = 0;
  const waiters: Array<() => void> = [];
  call.on("data", (res) => {
    for (const o of res.outcomes) {
      if (outcomes.has(o.id)) duplicates++;
      outcomes.set(o.id, o);
    }
    for (const w of waiters.splice(0)) w();
  });
  const status = new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  call.on("error", () => undefined);
  return {
    call,
    outcomes,
    duplicates: () => duplicates,
    status,
    /** Resolves once outcomes for all of `ids` have arrived. */
    async answered(ids: number[]): Promise<void> {
      while (!ids.every((id) => outcomes.has(id))) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () => client.close(),
  };
}

test("each operation on the stream is answered once, by its id, with its own outcome", async (t) => {
  const core = await startCore();
  const s = openStream(core.grpcAddress);
  const a = { projectId: `p-${randomUUID()}`, clientId: CLIENT_ID };
  s.call.write({
    operations: [
      { id: 1, context: a, createQueue: { queue: "q" } },
      { id: 2, context: a, createQueue: { queue: "bad/name" } },
    ],
  });
  await s.answered([1, 2]);
  s.call.write({
    operations: [
      { id: 3, context: a, postMessages: { queue: "q", body: Buffer.from('{"messages": [{"body": 1}, {"body": 2}]}') } },
      { id: 4, context: { projectId: "" }, ping: {} },
    ],
  });
  await s.answered([3, 4]);
  s.call.write({ operations: [{ id: 5, context: a, getQueueStats: { queue: "q" } }] });
  s.call.end();
  t.is((await s.status).code, grpc.status.OK);
  t.is(s.duplicates(), 0);
  t.deepEqual([...s.outcomes.keys()].sort(), [1, 2, 3, 4, 5]);
  t.deepEqual(s.outcomes.get(1)?.["createQueue"], { created: true });
  t.is(s.outcomes.get(2)?.["failure"].detail.reason, "INVALID_QUEUE_NAME");
  t.is(s.outcomes.get(3)?.["postMessages"].ids.length, 2);
  t.is(s.outcomes.get(4)?.["failure"].detail.reason, "PROJECT_EMPTY");
  // Answered after the half-close, before the stream ended.
  t.is(Number(s.outcomes.get(5)?.["getQueueStats"].total), 2);
  s.close();
  await core.close();
});

test("a shutting-down core answers what it received and ends its streams with OK", async (t) => {
  const core = await startCore();
  const s = openStream(core.grpcAddress);
  const ctx = { projectId: `p-${randomUUID()}`, clientId: CLIENT_ID };
  s.call.write({ operations: Array.from({ length: 50 }, (_, i) => ({ id: i + 1, context: ctx, createQueue: { queue: `q${i}` } })) });
  await s.answered([1]);
  const started = Date.now();
  await core.close();
  // Well before the 5 s forced shutdown: the stream did not hold the server open.
  t.true(Date.now() - started < 4000, `close took ${Date.now() - started} ms`);
  t.is((await s.status).code, grpc.status.OK);
  t.is(s.outcomes.size, 50);
  t.is(s.duplicates(), 0);
  s.close();
});

test("the Connect listener serves ExecuteStream too", async (t) => {
  const core = await startCore();
  const client = createClient(BatchService, createGrpcTransport({ baseUrl: core.connectUrl }));
  const ctx = { projectId: `p-${randomUUID()}`, clientId: CLIENT_ID };
  async function* requests(): AsyncIterable<ExecuteStreamRequest> {
    yield create(ExecuteStreamRequestSchema, { operations: [{ id: 7, context: ctx, request: { case: "createQueue", value: { queue: "c" } } }] });
    yield create(ExecuteStreamRequestSchema, { operations: [{ id: 8, context: ctx, request: { case: "getQueue", value: { queue: "bad/name" } } }] });
  }
  const seen = new Map<number, string | undefined>();
  for await (const res of client.executeStream(requests())) for (const o of res.outcomes) seen.set(o.id, o.response.case);
  t.deepEqual(Object.fromEntries(seen), { 7: "createQueue", 8: "failure" });
  await core.close();
});
