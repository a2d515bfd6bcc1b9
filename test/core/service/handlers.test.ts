/**
 * The service layer without sockets: context rules, the metadata cache's
 * optimistic retry, and Zaqar's per-operation texts when storage is down
 * (a driver that always fails, after Zaqar's faulty_storage).
 */
import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import test from "ava";
import { pino } from "pino";
import { PostMessagesRequestSchema } from "../../../proto/gen/zaqar/v1/message_pb.js";
import { createManualClock } from "../../../core/src/clock.ts";
import { canonicalUuid, resolveContext } from "../../../core/src/context.ts";
import { ZaqarError } from "../../../core/src/errors.ts";
import { readCoreConfig } from "../../../core/src/config.ts";
import { defaultLimits } from "../../../core/src/limits.ts";
import { createHandlers } from "../../../core/src/service/handlers.ts";
import { createJobSignal } from "../../../core/src/service/job-signal.ts";
import { createPushSignal } from "../../../core/src/service/push-signal.ts";
import { createMessageCrypto } from "../../../core/src/service/message-crypto.ts";
import { createQueueCache } from "../../../core/src/service/queue-cache.ts";
import type { StorageDriver } from "../../../core/src/storage/driver.ts";
import { storageUnavailable } from "../../../core/src/storage/failures.ts";
import { createMemoryDriver } from "../../../core/src/storage/memory/driver.ts";
import { createDispatcher } from "../../../core/src/transport/dispatch.ts";

const rules = { clientIdUuidSafe: "strict", minLengthClientId: 10, maxLengthClientId: 36 } as const;
const log = pino({ level: "silent" });
const CLIENT = "3381af92-2b9e-11e3-b191-71861300734c";

function build(driver: StorageDriver) {
  const clock = createManualClock();
  const crypto = createMessageCrypto("test passphrase", log);
  const handlers = createHandlers({
    driver,
    clock,
    limits: defaultLimits,
    cache: createQueueCache(driver),
    crypto,
    log,
    notification: readCoreConfig({}).notification,
    jobSignal: createJobSignal(),
    pushSignal: createPushSignal(),
  });
  return createDispatcher(handlers, rules, log);
}

const post = (queue: string, doc: unknown) =>
  create(PostMessagesRequestSchema, { queue, body: Buffer.from(JSON.stringify(doc)) });

test("client ids are compared in their canonical UUID form", (t) => {
  const canonical = "3381af92-2b9e-11e3-b191-71861300734c";
  for (const form of ["{3381AF92-2B9E-11E3-B191-71861300734C}", "urn:uuid:3381af922b9e11e3b19171861300734c", canonical]) {
    t.is(canonicalUuid(form), canonical, form);
  }
  t.is(canonicalUuid("abc"), null);
  t.is(canonicalUuid(""), null);
});

test("a malformed client id is refused before the project is checked", (t) => {
  const err = t.throws(() => resolveContext({ clientId: "abc" }, rules), { instanceOf: ZaqarError });
  t.is(err?.reason, "CLIENT_ID_MALFORMED");
  t.is(err?.message, "Malformed hexadecimal UUID.");
  t.is(t.throws(() => resolveContext({ clientId: CLIENT }, rules))?.message, "The header X-PROJECT-ID was missing");
  t.is((t.throws(() => resolveContext({ project: "" }, rules)) as ZaqarError).reason, "PROJECT_EMPTY");
});

test("with client_id_uuid_safe off only the client id's length is checked", (t) => {
  const off = { ...rules, clientIdUuidSafe: "off" } as const;
  t.is(resolveContext({ project: "p", clientId: "not-a-uuid-at-all" }, off).clientId, "not-a-uuid-at-all");
  t.is((t.throws(() => resolveContext({ project: "p", clientId: "short" }, off)) as ZaqarError).reason, "CLIENT_ID_LENGTH");
});

test("a post validated against stale cached metadata is retried with the current metadata", async (t) => {
  const driver = createMemoryDriver({ clock: createManualClock(), sweepIntervalMs: 0 });
  const dispatcher = build(driver);
  const project = `p-${randomUUID()}`;
  const ctx = { project, clientId: CLIENT };
  // The first post caches the queue as it is (no size limit of its own)...
  await dispatcher.run(ctx, "postMessages", post("q", { messages: [{ body: 1 }] }));
  // ...then another core instance lowers the queue's size limit behind this one's back.
  const info = await driver.queues.info({ project, queue: "q" });
  await driver.queues.setMetadata({ project, queue: "q" }, { _max_messages_post_size: 100 }, info.version);
  const err = await t.throwsAsync<ZaqarError>(
    dispatcher.run(ctx, "postMessages", post("q", { messages: [{ body: "x".repeat(200) }] })),
  );
  t.is(err?.reason, "INVALID_REQUEST");
  t.regex(err?.message ?? "", /max size for current queue is 100\./);
  t.is((await driver.queues.stats({ project, queue: "q" })).total, 1);
  await driver.close();
});

const failing = (): Promise<never> => Promise.reject(storageUnavailable(new Error("connection refused")));
const faultyDriver: StorageDriver = {
  name: "memory",
  capabilities: new Set(),
  queues: { create: failing, info: failing, setMetadata: failing, list: failing, delete: failing, stats: failing },
  messages: { post: failing, list: failing, get: failing, getMany: failing, delete: failing, deleteMany: failing, pop: failing, purge: failing },
  claims: { create: failing, get: failing, update: failing, delete: failing },
  subscriptions: { create: failing, list: failing, get: failing, update: failing, delete: failing, confirm: failing, purge: failing },
  jobs: { lease: failing, ack: failing, retry: failing },
  catalog: {
    putPool: failing, updatePool: failing, getPool: failing, listPools: failing, deletePool: failing,
    putFlavor: failing, updateFlavor: failing, getFlavor: failing, listFlavors: failing, deleteFlavor: failing,
  },
  ping: async () => false,
  close: async () => {},
};

const outage = test.macro(async (t, run: (d: ReturnType<typeof build>) => Promise<unknown>, text: string) => {
  const err = await t.throwsAsync<ZaqarError>(run(build(faultyDriver)));
  t.is(err?.reason, "STORAGE_UNAVAILABLE");
  t.is(err?.message, `${text} Please try again in a few seconds.`);
});
const ctx = { project: "p", clientId: CLIENT };
test("storage down: post answers Zaqar's 503 text", outage, (d) => d.run(ctx, "postMessages", post("q", { messages: [{ body: 1 }] })), "Messages could not be enqueued.");
test("storage down: queue create answers Zaqar's 503 text", outage, (d) => d.run(ctx, "createQueue", { $typeName: "zaqar.v1.CreateQueueRequest", queue: "q", metadata: new Uint8Array(), reprSize: false }), "Queue could not be created.");
test("storage down: claim answers Zaqar's 503 text", outage, (d) => d.run(ctx, "createClaim", { $typeName: "zaqar.v1.CreateClaimRequest", queue: "q", body: new Uint8Array() }), "Claim could not be created.");
test("storage down: stats answers Zaqar's 503 text", outage, (d) => d.run(ctx, "getQueueStats", { $typeName: "zaqar.v1.GetQueueStatsRequest", queue: "q" }), "Queue stats could not be read.");

const subOp = { queue: "q", subscriptionId: "s" };
const subOutages = [
  ["createSubscription", { $typeName: "zaqar.v1.CreateSubscriptionRequest", queue: "q", body: Buffer.from('{"subscriber": "http://x/y"}'), topic: false }, "Subscription could not be created."],
  ["listSubscriptions", { $typeName: "zaqar.v1.ListSubscriptionsRequest", queue: "q", marker: "", topic: false }, "Subscriptions could not be listed."],
  ["getSubscription", { $typeName: "zaqar.v1.GetSubscriptionRequest", ...subOp, topic: false }, "Subscription could not be retrieved."],
  ["updateSubscription", { $typeName: "zaqar.v1.UpdateSubscriptionRequest", ...subOp, body: Buffer.from('{"ttl": 60}'), topic: false }, "Subscription could not be updated."],
  ["deleteSubscription", { $typeName: "zaqar.v1.DeleteSubscriptionRequest", ...subOp, topic: false }, "Subscription could not be deleted."],
  ["confirmSubscription", { $typeName: "zaqar.v1.ConfirmSubscriptionRequest", ...subOp, body: Buffer.from('{"confirmed": true}'), topic: true }, "Subscription could not be confirmed."],
] as const;
for (const [op, req, text] of subOutages) {
  test(`storage down: ${op} answers Zaqar's 503 text`, outage, (d) => d.run(ctx, op, req as never), text);
}

test("storage down: ping reports the storage unreachable instead of failing", async (t) => {
  const res = await build(faultyDriver).run(ctx, "ping", { $typeName: "zaqar.v1.PingRequest" });
  t.false(res.storageReachable);
});
