/**
 * The core called as an internal service would: a plain @grpc/grpc-js client
 * built from the .proto files with @grpc/proto-loader (no generated code of ours),
 * plus connect-es clients over gRPC-Web and Connect.
 */
import { randomUUID } from "node:crypto";
import * as http2 from "node:http2";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import { createClient, ConnectError, Code } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import anyTest, { type TestFn } from "ava";
import { ErrorDetailSchema, RpcStatusSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { QueueService } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { STREAM_RECEIVE_WINDOW } from "../../../core/src/transport/grpc-server.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";

const test = anyTest as TestFn<{ core: TestCore; pkg: grpc.GrpcObject }>;

const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";

test.before(async (t) => {
  const definition = protoLoader.loadSync(
    ["zaqar/v1/queue.proto", "zaqar/v1/message.proto", "zaqar/v1/claim.proto", "zaqar/v1/health.proto", "zaqar/v1/batch.proto"],
    { includeDirs: [protoRoot], longs: Number, defaults: true, oneofs: true },
  );
  t.context = { core: await startCore(), pkg: grpc.loadPackageDefinition(definition) };
});
test.after.always(async (t) => t.context.core.close());

type Unary = (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: any) => void) => void;

function client(t: { context: { core: TestCore; pkg: grpc.GrpcObject } }, service: string): Record<string, Unary> {
  const ns = (t.context.pkg["zaqar"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject;
  const Ctor = ns[service] as grpc.ServiceClientConstructor;
  return new Ctor(t.context.core.grpcAddress, grpc.credentials.createInsecure()) as unknown as Record<string, Unary>;
}

function call(svc: Record<string, Unary>, method: string, req: object, project?: string): Promise<any> {
  const md = new grpc.Metadata();
  if (project !== undefined) md.set("x-project-id", project);
  md.set("x-client-id", CLIENT_ID);
  return new Promise((resolve, reject) =>
    (svc[method] as Unary).call(svc, req, md, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

function detailOf(err: grpc.ServiceError) {
  const raw = err.metadata.get("grpc-status-details-bin")[0] as Buffer;
  const status = fromBinary(RpcStatusSchema, raw);
  return fromBinary(ErrorDetailSchema, status.details[0]!.value);
}

test("a grpc-js client posts, claims and deletes messages", async (t) => {
  const project = `p-${randomUUID()}`;
  const queues = client(t, "QueueService");
  const messages = client(t, "MessageService");
  const claims = client(t, "ClaimService");

  t.deepEqual(await call(queues, "CreateQueue", { queue: "jobs" }, project), { created: true });
  const body = Buffer.from(JSON.stringify({ messages: [{ ttl: 300, body: { n: 1 } }, { body: "two" }] }));
  const posted = await call(messages, "PostMessages", { queue: "jobs", body }, project);
  t.is(posted.ids.length, 2);

  const claimed = await call(claims, "CreateClaim", { queue: "jobs", limit: 5 }, project);
  t.truthy(claimed.claimId);
  t.deepEqual(
    claimed.messages.map((m: { body: Buffer }) => m.body.toString()),
    ['{"n":1}', '"two"'],
  );
  for (const m of claimed.messages) {
    await call(messages, "DeleteMessage", { queue: "jobs", messageId: m.id, claimId: claimed.claimId }, project);
  }
  const stats = await call(queues, "GetQueueStats", { queue: "jobs" }, project);
  t.is(stats.total, 0);
});

test("core errors carry the gRPC code and an ErrorDetail", async (t) => {
  const queues = client(t, "QueueService");
  const err = await t.throwsAsync<grpc.ServiceError>(call(queues, "CreateQueue", { queue: "bad name!" }, `p-${randomUUID()}`));
  t.is(err?.code, grpc.status.INVALID_ARGUMENT);
  t.is(err?.details, "The format of the submitted queue name or project id is not valid.");
  const detail = detailOf(err!);
  t.is(detail.reason, "INVALID_QUEUE_NAME");
  t.is(detail.title, "Invalid queue identification");
  t.is(detail.httpStatus, 400);
});

test("a call without x-project-id is refused before any handler runs", async (t) => {
  const queues = client(t, "QueueService");
  const err = await t.throwsAsync<grpc.ServiceError>(call(queues, "ListQueues", {}));
  t.is(err?.code, grpc.status.INVALID_ARGUMENT);
  t.is(detailOf(err!).reason, "PROJECT_MISSING");
});

test("BatchService runs independent operations with their own contexts and outcomes", async (t) => {
  const batch = client(t, "BatchService");
  const a = `p-${randomUUID()}`;
  const b = `p-${randomUUID()}`;
  const res = await call(batch, "Execute", {
    operations: [
      { context: { projectId: a, clientId: CLIENT_ID }, createQueue: { queue: "q" } },
      { context: { projectId: b, clientId: CLIENT_ID }, createQueue: { queue: "bad/name" } },
      { context: { projectId: a, clientId: CLIENT_ID }, listQueues: {} },
    ],
  });
  t.is(res.outcomes.length, 3);
  t.deepEqual(res.outcomes[0].createQueue, { created: true });
  t.is(res.outcomes[1].failure.code, grpc.status.INVALID_ARGUMENT);
  t.is(res.outcomes[1].failure.detail.reason, "INVALID_QUEUE_NAME");
  t.true(Array.isArray(res.outcomes[2].listQueues.queues));
});

for (const [name, makeTransport] of [
  ["Connect", (url: string) => createConnectTransport({ baseUrl: url, httpVersion: "2" })],
  ["gRPC-Web", (url: string) => createGrpcWebTransport({ baseUrl: url, httpVersion: "2" })],
] as const) {
  test(`the core answers the ${name} protocol with the same errors`, async (t) => {
    const queues = createClient(QueueService, makeTransport(t.context.core.connectUrl));
    const headers = { "x-project-id": `p-${randomUUID()}` };
    t.deepEqual((await queues.createQueue({ queue: "web" }, { headers })).created, true);
    const err = await t.throwsAsync<ConnectError>(queues.createQueue({ queue: "x".repeat(65) }, { headers }));
    t.is(err?.code, Code.InvalidArgument);
    t.is(err?.findDetails(ErrorDetailSchema)[0]?.reason, "INVALID_QUEUE_NAME");
  });
}

test("the gRPC port grants wide HTTP/2 receive windows, so a large batch crosses without window round trips", async (t) => {
  const session = http2.connect(`http://${t.context.core.grpcAddress}`);
  // The server's first SETTINGS carry Node's defaults; the widened window follows in its next.
  const widest = await new Promise<number>((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => resolve(seen), 2000);
    session.on("remoteSettings", (settings) => {
      seen = Math.max(seen, settings.initialWindowSize ?? 0);
      if (seen >= STREAM_RECEIVE_WINDOW) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
    session.once("error", reject);
  });
  t.is(widest, STREAM_RECEIVE_WINDOW);
  t.true(STREAM_RECEIVE_WINDOW >= 1 << 20);
  session.close();
});
