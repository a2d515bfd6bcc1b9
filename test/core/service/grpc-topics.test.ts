/**
 * TopicService called as an internal service would: a plain @grpc/grpc-js
 * client built from the .proto files with @grpc/proto-loader (no generated
 * code of ours), against the core's native gRPC port. Also topic messages
 * through MessageService (`topic: true`) and BatchService.
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { fromBinary } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import anyTest, { type TestFn } from "ava";
import { ErrorDetailSchema, RpcStatusSchema } from "../../../proto/gen/zaqar/v1/errors_pb.js";
import { startCore, type TestCore } from "../../helpers/core.ts";

const test = anyTest as TestFn<{ core: TestCore; pkg: grpc.GrpcObject }>;

const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";

test.before(async (t) => {
  const definition = protoLoader.loadSync(
    ["zaqar/v1/topic.proto", "zaqar/v1/queue.proto", "zaqar/v1/message.proto", "zaqar/v1/batch.proto"],
    { includeDirs: [protoRoot], longs: Number, defaults: true, oneofs: true },
  );
  t.context = { core: await startCore(), pkg: grpc.loadPackageDefinition(definition) };
});
test.after.always(async (t) => t.context.core.close());

type Unary = (req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res: any) => void) => void;
type Svc = Record<string, Unary>;

function client(t: { context: { core: TestCore; pkg: grpc.GrpcObject } }, service: string): Svc {
  const ns = (t.context.pkg["zaqar"] as grpc.GrpcObject)["v1"] as grpc.GrpcObject;
  const Ctor = ns[service] as grpc.ServiceClientConstructor;
  return new Ctor(t.context.core.grpcAddress, grpc.credentials.createInsecure()) as unknown as Svc;
}

function call(svc: Svc, method: string, req: object, project?: string): Promise<any> {
  const md = new grpc.Metadata();
  if (project !== undefined) md.set("x-project-id", project);
  md.set("x-client-id", CLIENT_ID);
  return new Promise((resolve, reject) => (svc[method] as Unary).call(svc, req, md, (err, res) => (err ? reject(err) : resolve(res))));
}

function detailOf(err: grpc.ServiceError) {
  const raw = err.metadata.get("grpc-status-details-bin")[0] as Buffer;
  return fromBinary(ErrorDetailSchema, fromBinary(RpcStatusSchema, raw).details[0]!.value);
}

const json = (doc: unknown) => Buffer.from(JSON.stringify(doc));
const parse = (bytes: Buffer) => JSON.parse(bytes.toString("utf8"));

test("a grpc-js client creates, reads, patches, lists, counts, purges and deletes topics", async (t) => {
  const project = `p-${randomUUID()}`;
  const topics = client(t, "TopicService");
  const messages = client(t, "MessageService");

  t.deepEqual(await call(topics, "CreateTopic", { topic: "news", metadata: json({ owner: "a" }) }, project), { created: true });
  t.deepEqual(await call(topics, "CreateTopic", { topic: "news" }, project), { created: false });
  const got = await call(topics, "GetTopic", { topic: "news" }, project);
  t.deepEqual(parse(got.metadata), { owner: "a", _max_messages_post_size: 262144, _default_message_ttl: 3600, _default_message_delay: 0 });

  const patch = json([{ op: "add", path: "/metadata/_default_message_ttl", value: 120 }]);
  const updated = await call(topics, "UpdateTopic", { topic: "news", patch }, project);
  t.is(parse(updated.metadata)._default_message_ttl, 120);

  await call(topics, "CreateTopic", { topic: "alerts" }, project);
  const listed = await call(topics, "ListTopics", { detailed: true }, project);
  t.deepEqual(listed.topics.map((s: { name: string }) => s.name), ["alerts", "news"]);
  t.is(parse(listed.topics[1].metadata).owner, "a");
  t.deepEqual((await call(topics, "ListTopics", { limit: 1, marker: "alerts" }, project)).topics.map((s: { name: string }) => s.name), ["news"]);

  const posted = await call(messages, "PostMessages", { queue: "news", topic: true, body: json({ messages: [{ body: 1 }, { body: 2 }] }) }, project);
  t.is(posted.ids.length, 2);
  const one = await call(messages, "GetMessage", { queue: "news", topic: true, messageId: posted.ids[0] }, project);
  t.is(one.message.ttl, 120, "the topic's default ttl applies");
  const stats = await call(topics, "GetTopicStats", { topic: "news" }, project);
  t.is(stats.total, 2);
  t.is(stats.oldest.id, posted.ids[0]);
  t.is(stats.newest.id, posted.ids[1]);

  t.deepEqual(await call(topics, "PurgeTopic", { topic: "news", body: json({ resource_types: ["messages"] }) }, project), {});
  const empty = await call(topics, "GetTopicStats", { topic: "news" }, project);
  t.is(empty.total, 0);
  t.is(empty.oldest, null);
  t.deepEqual(await call(topics, "DeleteTopic", { topic: "news" }, project), {});
  t.deepEqual((await call(topics, "ListTopics", {}, project)).topics.map((s: { name: string }) => s.name), ["alerts"]);
});

test("topic errors carry the gRPC code and an ErrorDetail with the topic title", async (t) => {
  const topics = client(t, "TopicService");
  const project = `p-${randomUUID()}`;
  const err = await t.throwsAsync<grpc.ServiceError>(call(topics, "CreateTopic", { topic: "bad name!" }, project));
  t.is(err?.code, grpc.status.INVALID_ARGUMENT);
  t.is(err?.details, "The format of the submitted topic name or project id is not valid.");
  t.like(detailOf(err!), { reason: "INVALID_TOPIC_NAME", title: "Invalid topic identification", httpStatus: 400 });

  const missing = await t.throwsAsync<grpc.ServiceError>(call(topics, "UpdateTopic", { topic: "nope", patch: json([]) }, project));
  t.is(missing?.code, grpc.status.NOT_FOUND);
  t.is(missing?.details, `Topic nope does not exist for project ${project}`);
});

test("MessageService with topic set addresses the topic, not the queue of the same name", async (t) => {
  const project = `p-${randomUUID()}`;
  const queues = client(t, "QueueService");
  const messages = client(t, "MessageService");
  await call(messages, "PostMessages", { queue: "same", body: json({ messages: [{ body: "queued" }] }) }, project);
  await call(messages, "PostMessages", { queue: "same", topic: true, body: json({ messages: [{ body: "topical" }] }) }, project);
  const fromTopic = await call(messages, "ListMessages", { queue: "same", topic: true, echo: true }, project);
  t.deepEqual(fromTopic.messages.map((m: { body: Buffer }) => m.body.toString()), ['"topical"']);
  const fromQueue = await call(messages, "ListMessages", { queue: "same", echo: true }, project);
  t.deepEqual(fromQueue.messages.map((m: { body: Buffer }) => m.body.toString()), ['"queued"']);
  t.deepEqual((await call(queues, "ListQueues", {}, project)).queues.map((q: { name: string }) => q.name), ["same"]);

  const err = await t.throwsAsync<grpc.ServiceError>(call(messages, "GetMessage", { queue: "same", topic: true, messageId: fromQueue.messages[0].id }, project));
  t.is(err?.code, grpc.status.NOT_FOUND);
  t.is(err?.details, `Message ${fromQueue.messages[0].id} does not exist in topic same for project ${project}`);
});

test("BatchService runs topic operations, and refuses a project id containing NUL", async (t) => {
  const batch = client(t, "BatchService");
  const project = `p-${randomUUID()}`;
  const res = await call(batch, "Execute", {
    operations: [
      { context: { projectId: project, clientId: CLIENT_ID }, createTopic: { topic: "t" } },
      { context: { projectId: `${project}\u0000topics`, clientId: CLIENT_ID }, listQueues: {} },
      { context: { projectId: `${project}\u0000topics`, clientId: CLIENT_ID }, getQueue: { queue: "t" } },
      { context: { projectId: project, clientId: CLIENT_ID }, listTopics: {} },
    ],
  });
  t.deepEqual(res.outcomes[0].createTopic, { created: true });
  for (const outcome of [res.outcomes[1], res.outcomes[2]]) {
    t.is(outcome.failure.code, grpc.status.INVALID_ARGUMENT);
    t.is(outcome.failure.description, "The format of the submitted queue name or project id is not valid.");
    t.is(outcome.failure.detail.reason, "INVALID_QUEUE_NAME");
  }
  t.deepEqual(res.outcomes[3].listTopics.topics.map((s: { name: string }) => s.name), ["t"]);
});
