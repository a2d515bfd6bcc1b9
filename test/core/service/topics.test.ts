/**
 * Topics in the core: where they are stored (the project's topic namespace,
 * validate.ts topicScope), that callers cannot name that namespace as a
 * project, how errors against it are worded, Zaqar's 503 texts for topic
 * operations, and the whole TopicService on a Redis Cluster (the namespace
 * sits inside each queue's hash tag).
 */
import { randomUUID } from "node:crypto";
import { createClient, ConnectError, Code, type Client } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import anyTest, { type TestFn } from "ava";
import { Cluster } from "ioredis";
import { MessageService } from "../../../proto/gen/zaqar/v1/message_pb.js";
import { TopicService } from "../../../proto/gen/zaqar/v1/topic_pb.js";
import { createManualClock } from "../../../core/src/clock.ts";
import { resolveContext } from "../../../core/src/context.ts";
import { ZaqarError } from "../../../core/src/errors.ts";
import { defaultLimits } from "../../../core/src/limits.ts";
import { TOPICS, topicError, topicScope } from "../../../core/src/service/validate.ts";
import type { StorageDriver } from "../../../core/src/storage/driver.ts";
import { storageUnavailable } from "../../../core/src/storage/failures.ts";
import { createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { queueKey, queueKeys } from "../../../core/src/storage/redis/keys.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { startRedisCluster, type RedisCluster } from "../../helpers/redis-server.ts";

const test = anyTest as TestFn<unknown>;
const CLIENT = "3381af92-2b9e-11e3-b191-71861300734c";
const rules = { clientIdUuidSafe: "strict", minLengthClientId: 10, maxLengthClientId: 36 } as const;
const enc = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

interface Clients {
  topics: Client<typeof TopicService>;
  messages: Client<typeof MessageService>;
}
function clients(core: TestCore): Clients {
  const transport = createConnectTransport({ baseUrl: core.connectUrl, httpVersion: "2" });
  return { topics: createClient(TopicService, transport), messages: createClient(MessageService, transport) };
}
const as = (project: string) => ({ headers: { "x-project-id": project, "x-client-id": CLIENT } });

// --- the namespace ------------------------------------------------------------------

test("a project id containing NUL is refused like any bad project id", (t) => {
  for (const project of ["p\u0000topics", "\u0000", "a\u0000b"]) {
    const err = t.throws(() => resolveContext({ project, clientId: CLIENT }, rules), { instanceOf: ZaqarError });
    t.is(err?.reason, "INVALID_QUEUE_NAME");
    t.is(err?.message, "The format of the submitted queue name or project id is not valid.");
  }
  t.is(resolveContext({ project: "JAM Project/x.y", clientId: CLIENT }, rules).project, "JAM Project/x.y");
});

test("a topic's scope is the topic in the project's topic namespace; bad names fail with the topic title", (t) => {
  const ctx = { project: "p1", clientId: "", requestId: "", roles: [] };
  t.deepEqual(topicScope(ctx, "t.1", defaultLimits), { project: `p1${TOPICS}`, queue: "t.1" });
  t.is(TOPICS, "\u0000topics");
  for (const bad of ["", "a b", "x".repeat(65), "caf\u00e9"]) {
    const err = t.throws(() => topicScope(ctx, bad, defaultLimits), { instanceOf: ZaqarError });
    t.is(err?.reason, "INVALID_TOPIC_NAME");
    t.is(err?.message, "The format of the submitted topic name or project id is not valid.");
  }
  const long = { ...ctx, project: "p".repeat(257) };
  t.is((t.throws(() => topicScope(long, "t", defaultLimits)) as ZaqarError).reason, "INVALID_TOPIC_NAME");
});

test("on Redis a topic's keys carry the namespaced project in their hash tag", (t) => {
  const ctx = { project: "p{1}", clientId: "", requestId: "", roles: [] };
  const keys = queueKeys(topicScope(ctx, "t", defaultLimits));
  t.is(keys.record, "zq:{p%7B1%7D\u0000topics/t}:q");
  t.is(queueKey(topicScope(ctx, "t", defaultLimits), "all"), "zq:{p%7B1%7D\u0000topics/t}:all");
  t.not(keys.record, queueKeys({ project: "p{1}", queue: "t" }).record);
});

test("errors against a topic's scope name the topic and the real project", (t) => {
  const ctx = { project: "p.1", clientId: "", requestId: "", roles: [] };
  const scoped = (reason: "QUEUE_NOT_FOUND" | "MESSAGE_NOT_FOUND", msg: string) => new ZaqarError(reason, msg, { meta: { k: "v" } });
  const worded = (err: ZaqarError) => topicError(err, ctx, "t") as ZaqarError;
  t.is(worded(scoped("QUEUE_NOT_FOUND", `Queue t does not exist for project p.1${TOPICS}`)).message, "Topic t does not exist for project p.1");
  const msg = worded(scoped("MESSAGE_NOT_FOUND", `Message m does not exist in queue t for project p.1${TOPICS}`));
  t.is(msg.message, "Message m does not exist in topic t for project p.1");
  t.is(msg.reason, "MESSAGE_NOT_FOUND");
  t.deepEqual(msg.meta, { k: "v" });
  t.is(worded(scoped("MESSAGE_NOT_FOUND", `No messages with IDs: ['a'] found in the queue t for project p.1${TOPICS}.`)).message, "No messages with IDs: ['a'] found in the topic t for project p.1.");
  const plain = scoped("MESSAGE_NOT_FOUND", "Message m does not exist in queue t for project p.1");
  t.is(topicError(plain, ctx, "t"), plain, "errors that do not name the namespace pass unchanged");
  const other = new Error("boom");
  t.is(topicError(other, ctx, "t"), other);
});

test("topics are stored apart from queues: each listing shows only its own", async (t) => {
  const core = await startCore();
  t.teardown(() => core.close());
  const { topics } = clients(core);
  const project = `p-${randomUUID()}`;
  const driver = core.core.driver;
  await driver.queues.create({ project, queue: "q1" }, {});
  t.true((await topics.createTopic({ topic: "t1", metadata: enc({ a: 1 }) }, as(project))).created);
  const listed = await driver.queues.list({ project: `${project}${TOPICS}` }, { limit: 10, detailed: true, withCount: false });
  t.deepEqual(listed.queues, [{ name: "t1", metadata: { a: 1 } }]);
  t.deepEqual((await driver.queues.list({ project }, { limit: 10, detailed: false, withCount: false })).queues, [{ name: "q1" }]);
  t.deepEqual((await topics.listTopics({}, as(project))).topics.map((s) => s.name), ["t1"]);
});

// --- 503 texts ------------------------------------------------------------------------

const failing = (): Promise<never> => Promise.reject(storageUnavailable(new Error("connection refused")));
/** Every store method fails as a storage outage does (after Zaqar's faulty_storage). */
const failingStore = new Proxy({}, { get: () => failing });
const faultyDriver = {
  name: "memory",
  capabilities: new Set(),
  queues: failingStore,
  messages: failingStore,
  claims: failingStore,
  ping: async () => false,
  close: async () => {},
} as unknown as StorageDriver;

test("storage down: every topic operation answers Zaqar's 503 text", async (t) => {
  const core = await startCore({ driver: faultyDriver });
  t.teardown(() => core.close());
  const { topics, messages } = clients(core);
  const o = as(`p-${randomUUID()}`);
  const cases: Array<[() => Promise<unknown>, string]> = [
    [() => topics.createTopic({ topic: "t" }, o), "Topic could not be created."],
    [() => topics.listTopics({}, o), "Topics could not be listed."],
    [() => topics.getTopic({ topic: "t" }, o), "Topic metadata could not be retrieved."],
    [() => topics.updateTopic({ topic: "t", patch: enc([]) }, o), "Topic could not be updated."],
    [() => topics.deleteTopic({ topic: "t" }, o), "Topic could not be deleted."],
    [() => topics.getTopicStats({ topic: "t" }, o), "Topic stats could not be read."],
    [() => topics.purgeTopic({ topic: "t" }, o), "Topic could not be purged."],
    [() => messages.getMessage({ queue: "t", topic: true, messageId: "m" }, o), "Message could not be retrieved."],
  ];
  for (const [call, what] of cases) {
    const err = await t.throwsAsync<ConnectError>(call());
    t.is(err?.code, Code.Unavailable, what);
    t.is(err?.rawMessage, `${what} Please try again in a few seconds.`);
  }
});

// --- Redis Cluster --------------------------------------------------------------------

let cluster: RedisCluster | undefined;
test.after.always(async () => cluster?.stop());

test("on a Redis Cluster topics and their messages work beside a queue of the same name", async (t) => {
  cluster = await startRedisCluster(3);
  const client = new Cluster([...cluster.nodes], { enableOfflineQueue: false });
  client.on("error", () => {});
  await whenReady(client);
  const core = await startCore({ driver: createRedisDriver({ clock: createManualClock(Date.now()), client }) });
  t.teardown(() => core.close());
  const { topics, messages } = clients(core);
  const project = `p-${randomUUID()}`;
  const o = as(project);

  for (const name of ["a", "b", "c", "d", "e", "same"]) t.true((await topics.createTopic({ topic: name }, o)).created);
  await core.core.driver.queues.create({ project, queue: "same" }, { kind: "queue" });
  const posted = await messages.postMessages({ queue: "same", topic: true, body: enc({ messages: [{ body: 1 }, { body: 2 }] }) }, o);
  t.is(posted.ids.length, 2);
  const page = await messages.listMessages({ queue: "same", topic: true, echo: true }, o);
  t.deepEqual(page.messages.map((m) => text(m.body)), ["1", "2"]);
  t.is((await topics.getTopicStats({ topic: "same" }, o)).total, 2n);
  t.is((await core.core.driver.queues.stats({ project, queue: "same" })).total, 0);
  t.deepEqual((await topics.listTopics({ limit: 20 }, o)).topics.map((s) => s.name), ["a", "b", "c", "d", "e", "same"]);
  const popped = await messages.deleteMessages({ queue: "same", topic: true, pop: 1 }, o);
  t.deepEqual(popped.messages.map((m) => m.id), [posted.ids[0]]);
  await topics.deleteTopic({ topic: "same" }, o);
  t.deepEqual((await topics.listTopics({ limit: 20 }, o)).topics.map((s) => s.name), ["a", "b", "c", "d", "e"]);
  t.true((await core.core.driver.queues.info({ project, queue: "same" })).exists);
});
