/**
 * `_enable_encrypt_messages` through the service layer (handlers + dispatcher,
 * no sockets), on both storage drivers: bodies of encrypted queues are
 * stored sealed and every read path (list, get, get-by-ids, claim create,
 * claim get, pop) returns them as posted; toggling the attribute leaves every
 * message readable; a body sealed under another key stays deliverable.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { create } from "@bufbuild/protobuf";
import test from "ava";
import { pino, type Logger } from "pino";
import { CreateClaimRequestSchema, GetClaimRequestSchema } from "../../../proto/gen/zaqar/v1/claim_pb.js";
import {
  DeleteMessagesRequestSchema,
  GetMessageRequestSchema,
  GetMessagesRequestSchema,
  ListMessagesRequestSchema,
  PostMessagesRequestSchema,
} from "../../../proto/gen/zaqar/v1/message_pb.js";
import type { Message } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import { CreateQueueRequestSchema, GetQueueStatsRequestSchema, UpdateQueueRequestSchema } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { systemClock } from "../../../core/src/clock.ts";
import { readCoreConfig } from "../../../core/src/config.ts";
import { defaultLimits } from "../../../core/src/limits.ts";
import { createHandlers } from "../../../core/src/service/handlers.ts";
import { createJobSignal } from "../../../core/src/service/job-signal.ts";
import { createPushSignal } from "../../../core/src/service/push-signal.ts";
import { createMessageCrypto } from "../../../core/src/service/message-crypto.ts";
import { createQueueCache } from "../../../core/src/service/queue-cache.ts";
import type { StorageDriver } from "../../../core/src/storage/driver.ts";
import { createMemoryDriver } from "../../../core/src/storage/memory/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { createDispatcher, type Dispatcher } from "../../../core/src/transport/dispatch.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

const CLIENT = "3381af92-2b9e-11e3-b191-71861300734c";
const rules = { clientIdUuidSafe: "strict", minLengthClientId: 10, maxLengthClientId: 36 } as const;
const silent = pino({ level: "silent" });

/** Bodies as JSON texts in JSON.stringify form, so the stored text is exactly this. */
const BODIES: readonly [string, string, string, string] = [
  JSON.stringify({ text: "héllo wörld — 你好 🎉 the owl flies at midnight", n: [1, 2.5, -3e-7], ok: true }),
  "42",
  JSON.stringify("a plain string body ✓ the owl flies at midnight"),
  JSON.stringify(["list", { of: null }]),
];

let server: RedisServer | undefined;
let starting: Promise<RedisServer> | undefined;
const redis = (): Promise<RedisServer> => (starting ??= startRedisServer().then((s) => (server = s)));
test.after.always(async () => {
  await server?.stop();
});

async function makeDriver(kind: "memory" | "redis"): Promise<StorageDriver> {
  if (kind === "memory") return createMemoryDriver({ clock: systemClock, sweepIntervalMs: 0 });
  const client = connectRedis((await redis()).url);
  await whenReady(client);
  return createRedisDriver({ clock: systemClock, client });
}

/** A logger whose JSON lines land in `lines`. */
function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { log: pino({ level: "error" }, sink), lines };
}

const text = (m: Message): string => Buffer.from(m.body).toString("utf8");
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value), "utf8");

/** One core's handlers over `driver` with its own metadata cache and passphrase, seen by one project. */
function service(driver: StorageDriver, passphrase: string, project: string, log: Logger = silent) {
  const crypto = createMessageCrypto(passphrase, log);
  const handlers = createHandlers({
    driver,
    clock: systemClock,
    limits: defaultLimits,
    cache: createQueueCache(driver),
    crypto,
    log,
    notification: readCoreConfig({}).notification,
    jobSignal: createJobSignal(),
    pushSignal: createPushSignal(),
  });
  const d: Dispatcher = createDispatcher(handlers, rules, log);
  const ctx = { project, clientId: CLIENT };
  return {
    createQueue: (queue: string, metadata: object) =>
      d.run(ctx, "createQueue", create(CreateQueueRequestSchema, { queue, metadata: json(metadata) })),
    setEncryption: (queue: string, on: boolean) =>
      d.run(
        ctx,
        "updateQueue",
        create(UpdateQueueRequestSchema, { queue, patch: json([{ op: "replace", path: "/metadata/_enable_encrypt_messages", value: on }]) }),
      ),
    async post(queue: string, bodies: readonly string[]): Promise<string[]> {
      const doc = `{"messages":[${bodies.map((b) => `{"ttl":300,"body":${b}}`).join(",")}]}`;
      return (await d.run(ctx, "postMessages", create(PostMessagesRequestSchema, { queue, body: Buffer.from(doc, "utf8") }))).ids;
    },
    list: async (queue: string) =>
      (await d.run(ctx, "listMessages", create(ListMessagesRequestSchema, { queue, limit: 20, echo: true, includeClaimed: true }))).messages,
    get: async (queue: string, messageId: string) =>
      (await d.run(ctx, "getMessage", create(GetMessageRequestSchema, { queue, messageId }))).message as Message,
    getMany: async (queue: string, ids: string[]) =>
      (await d.run(ctx, "getMessages", create(GetMessagesRequestSchema, { queue, ids }))).messages,
    claim: (queue: string, limit: number) =>
      d.run(ctx, "createClaim", create(CreateClaimRequestSchema, { queue, limit, body: json({ ttl: 300, grace: 60 }) })),
    getClaim: async (queue: string, claimId: string) =>
      (await d.run(ctx, "getClaim", create(GetClaimRequestSchema, { queue, claimId }))).messages,
    pop: async (queue: string, pop: number) =>
      (await d.run(ctx, "deleteMessages", create(DeleteMessagesRequestSchema, { queue, pop }))).messages,
    total: async (queue: string) => (await d.run(ctx, "getQueueStats", create(GetQueueStatsRequestSchema, { queue }))).total,
  };
}

for (const kind of ["memory", "redis"] as const) {
  test(`${kind}: every read path of an encrypted queue returns the posted bodies byte for byte`, async (t) => {
    const driver = await makeDriver(kind);
    t.teardown(() => driver.close());
    const project = `p-${randomUUID()}`;
    const svc = service(driver, "passphrase one", project);
    await svc.createQueue("secret", { _enable_encrypt_messages: true });
    const ids = await svc.post("secret", BODIES);
    const expected = new Map(ids.map((id, i) => [id, Buffer.from(BODIES[i] as string, "utf8")]));
    const check = (messages: readonly Message[], what: string, count: number) => {
      t.is(messages.length, count, what);
      for (const m of messages) t.deepEqual(Buffer.from(m.body), expected.get(m.id), `${what}: ${m.id}`);
    };

    for (const id of ids) {
      const stored = (await driver.messages.get({ project, queue: "secret" }, id)).body;
      t.regex(stored, /^~enc1:[A-Za-z0-9+/]+=*$/, "stored sealed");
      // (A text with spaces never occurs in base64 by chance; a short one like "42" might.)
      t.false(stored.includes("the owl flies"), "no plaintext stored");
    }
    check(await svc.list("secret"), "list", 4);
    for (const id of ids) check([await svc.get("secret", id)], "get", 1);
    check(await svc.getMany("secret", ids), "get by ids", 4);
    const claim = await svc.claim("secret", 2);
    check(claim.messages, "claim create", 2);
    check(await svc.getClaim("secret", claim.claimId), "claim get", 2);
    check(await svc.pop("secret", 2), "pop", 2);
    t.is(await svc.total("secret"), 2n);
  });

  test(`${kind}: a queue without encryption stores bodies as posted`, async (t) => {
    const driver = await makeDriver(kind);
    t.teardown(() => driver.close());
    const project = `p-${randomUUID()}`;
    const svc = service(driver, "passphrase one", project);
    await svc.createQueue("open", { _enable_encrypt_messages: false });
    const ids = await svc.post("open", BODIES);
    const stored = await Promise.all(ids.map(async (id) => (await driver.messages.get({ project, queue: "open" }, id)).body));
    t.deepEqual(stored, BODIES);
    t.deepEqual((await svc.list("open")).map(text), BODIES);
  });

  test(`${kind}: messages posted before, during and after encryption all read back`, async (t) => {
    const driver = await makeDriver(kind);
    t.teardown(() => driver.close());
    const project = `p-${randomUUID()}`;
    const svc = service(driver, "passphrase one", project);
    const stored = async (id: string) => (await driver.messages.get({ project, queue: "q" }, id)).body;

    const [before] = await svc.post("q", [BODIES[0]]);
    await svc.setEncryption("q", true);
    const [during] = await svc.post("q", [BODIES[1]]);
    await svc.setEncryption("q", false);
    const [after] = await svc.post("q", [BODIES[2]]);
    const ids = [before, during, after] as string[];
    t.is(await stored(ids[0] as string), BODIES[0]);
    t.true((await stored(ids[1] as string)).startsWith("~enc1:"));
    t.is(await stored(ids[2] as string), BODIES[2]);

    const want = BODIES.slice(0, 3);
    t.deepEqual((await svc.list("q")).map(text), want, "list with encryption off");
    await svc.setEncryption("q", true);
    t.deepEqual((await svc.list("q")).map(text), want, "list with encryption on again");
    t.deepEqual((await svc.getMany("q", ids)).map(text), want);
    t.is(text(await svc.get("q", ids[1] as string)), BODIES[1]);
    const claim = await svc.claim("q", 2);
    t.deepEqual(claim.messages.map(text), want.slice(0, 2));
    t.deepEqual((await svc.getClaim("q", claim.claimId)).map(text), want.slice(0, 2));
    t.deepEqual((await svc.pop("q", 5)).map(text), want.slice(2));
  });

  test(`${kind}: a core whose cached metadata predates encryption still seals its posts`, async (t) => {
    const driver = await makeDriver(kind);
    t.teardown(() => driver.close());
    const project = `p-${randomUUID()}`;
    const a = service(driver, "shared passphrase", project);
    const b = service(driver, "shared passphrase", project);
    await a.post("q", ["1"]); // a caches the queue as unencrypted
    await b.setEncryption("q", true);
    const [id] = await a.post("q", [BODIES[0]]);
    t.true((await driver.messages.get({ project, queue: "q" }, id as string)).body.startsWith("~enc1:"));
    t.deepEqual((await b.list("q")).map(text), ["1", BODIES[0]]);
  });

  test(`${kind}: under another key a sealed body reads as its stored text in a JSON string and the queue stays usable`, async (t) => {
    const driver = await makeDriver(kind);
    t.teardown(() => driver.close());
    const project = `p-${randomUUID()}`;
    const scope = { project, queue: "q" };
    const writer = service(driver, "the old key", project);
    const [plainId] = await writer.post("q", ["1"]);
    await writer.setEncryption("q", true);
    const sealedIds = await writer.post("q", [BODIES[0], BODIES[1]]);
    const storedText = async (id: string) => JSON.stringify((await driver.messages.get(scope, id)).body);

    const { log, lines } = capturingLogger();
    const reader = service(driver, "a new key", project, log);
    const want: readonly [string, string, string] = [
      "1",
      await storedText(sealedIds[0] as string),
      await storedText(sealedIds[1] as string),
    ];
    t.deepEqual((await reader.list("q")).map(text), want, "list");
    t.is(text(await reader.get("q", sealedIds[0] as string)), want[1], "get");
    t.deepEqual((await reader.getMany("q", [plainId as string, ...sealedIds])).map(text), want, "get by ids");
    for (const body of want) t.notThrows(() => JSON.parse(body), "every body is still a JSON text");
    t.true(lines.some((l) => l["messageId"] === sealedIds[0] && l["project"] === project));
    t.false(lines.some((l) => JSON.stringify(l).includes("owl")), "logs carry no bodies");

    const claim = await reader.claim("q", 2);
    t.deepEqual(claim.messages.map(text), want.slice(0, 2), "claim create");
    t.deepEqual((await reader.getClaim("q", claim.claimId)).map(text), want.slice(0, 2), "claim get");
    t.deepEqual((await reader.pop("q", 1)).map(text), want.slice(2), "pop");
    // Nothing was lost on the way: the right key still opens what is left.
    t.deepEqual((await writer.list("q")).map(text), ["1", BODIES[0]]);
  });
}
