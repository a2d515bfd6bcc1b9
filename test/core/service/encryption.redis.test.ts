/**
 * Encryption at rest as Redis sees it: a real core on a private redis-server,
 * called over gRPC; Redis is then read raw with a separate ioredis client.
 * Also: a core restarted with another key on the same Redis.
 */
import { createDecipheriv, createHash, randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import test from "ava";
import { Redis } from "ioredis";
import { ClaimService } from "../../../proto/gen/zaqar/v1/claim_pb.js";
import { MessageService } from "../../../proto/gen/zaqar/v1/message_pb.js";
import type { Message } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import { QueueService } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

const CLIENT = "3381af92-2b9e-11e3-b191-71861300734c";
let server: RedisServer | undefined;

test.before(async () => {
  server = await startRedisServer();
});
test.after.always(async () => {
  await server?.stop();
});

/** A core on the test's redis-server with this passphrase; close() may be called again by the teardown. */
async function redisCore(t: { teardown(fn: () => Promise<void>): void }, passphrase: string): Promise<TestCore> {
  const core = await startCore({ store: "redis", redisUrl: (server as RedisServer).url, env: { ZAQAR_MESSAGE_ENCRYPTION_KEY: passphrase } });
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= core.close());
  t.teardown(close);
  return { ...core, close };
}

/** Clients of one project on `core`. */
function clients(core: TestCore, project: string) {
  const transport = createGrpcTransport({ baseUrl: core.connectUrl });
  const headers = { "x-project-id": project, "x-client-id": CLIENT };
  const queues = createClient(QueueService, transport);
  const messages = createClient(MessageService, transport);
  const claims = createClient(ClaimService, transport);
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8");
  return {
    createQueue: (queue: string, metadata: object) => queues.createQueue({ queue, metadata: bytes(metadata) }, { headers }),
    encrypt: (queue: string) =>
      queues.updateQueue({ queue, patch: bytes([{ op: "replace", path: "/metadata/_enable_encrypt_messages", value: true }]) }, { headers }),
    post: async (queue: string, bodies: unknown[]) =>
      (await messages.postMessages({ queue, body: bytes({ messages: bodies.map((body) => ({ ttl: 300, body })) }) }, { headers })).ids,
    list: async (queue: string) => (await messages.listMessages({ queue, limit: 20, echo: true, includeClaimed: true }, { headers })).messages,
    claim: (queue: string, limit: number) => claims.createClaim({ queue, limit, body: bytes({ ttl: 300, grace: 60 }) }, { headers }),
    pop: async (queue: string, pop: number) => (await messages.deleteMessages({ queue, pop }, { headers })).messages,
  };
}

const text = (m: Message): string => Buffer.from(m.body).toString("utf8");

/** Every key and value in Redis, read raw; hash entries also as {key, field, value}. */
async function dumpRedis(url: string): Promise<{ all: string; hashEntries: Array<{ key: string; field: string; value: string }> }> {
  const raw = new Redis(url, { lazyConnect: true });
  await raw.connect();
  try {
    const parts: string[] = [];
    const hashEntries: Array<{ key: string; field: string; value: string }> = [];
    let cursor = "0";
    do {
      const [next, keys] = await raw.scan(cursor, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        parts.push(key);
        const type = await raw.type(key);
        if (type === "string") parts.push((await raw.get(key)) ?? "");
        else if (type === "hash") {
          for (const [field, value] of Object.entries(await raw.hgetall(key))) {
            parts.push(field, value);
            hashEntries.push({ key, field, value });
          }
        } else if (type === "zset") parts.push(...(await raw.zrange(key, "0", "-1", "WITHSCORES")));
        else if (type === "set") parts.push(...(await raw.smembers(key)));
        else if (type === "list") parts.push(...(await raw.lrange(key, 0, -1)));
        else parts.push(`<${type}>`);
      }
    } while (cursor !== "0");
    return { all: parts.join("\n"), hashEntries };
  } finally {
    raw.disconnect();
  }
}

test("an encrypted queue's bodies appear nowhere in Redis in plain text, only in the sealed form", async (t) => {
  const core = await redisCore(t, "raw redis passphrase");
  const project = `p-${randomUUID()}`;
  const api = clients(core, project);
  const secret = `the owl flies at midnight ${randomUUID()} — ünïcödé 🦉`;
  const control = `this sentence is stored in the clear ${randomUUID()}`;
  await api.createQueue("secret", { _enable_encrypt_messages: true });
  await api.createQueue("open", {});
  const [id] = await api.post("secret", [{ note: secret }]);
  await api.post("open", [{ note: control }]);

  const { all, hashEntries } = await dumpRedis((server as RedisServer).url);
  t.true(all.includes(control), "the scan sees stored bodies (control queue without encryption)");
  t.false(all.includes(secret), "the encrypted body is nowhere in plain text");
  t.false(all.includes("the owl flies"), "not even a fragment of it");

  const entries = hashEntries.filter((e) => e.field === id);
  t.is(entries.length, 1, "one stored body for the message");
  const stored = entries[0]?.value ?? "";
  t.regex(stored, /^~enc1:[A-Za-z0-9+/]+=*$/);
  // Opened independently: AES-256-GCM, key = SHA-256(passphrase), iv ‖ tag ‖ ciphertext, the project as AAD.
  const raw = Buffer.from(stored.slice("~enc1:".length), "base64");
  const decipher = createDecipheriv("aes-256-gcm", createHash("sha256").update("raw redis passphrase").digest(), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(project, "utf8"));
  decipher.setAuthTag(raw.subarray(12, 28));
  t.is(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"), JSON.stringify({ note: secret }));

  t.deepEqual((await api.list("secret")).map(text), [JSON.stringify({ note: secret })], "the core reads it back plain");
});

test("a core restarted with another key serves sealed bodies as their stored text, and the old key opens them again", async (t) => {
  const project = `p-${randomUUID()}`;
  const plain = JSON.stringify({ n: "posted before encryption" });
  const sealedBodies = [JSON.stringify({ n: "sealed one ✓" }), JSON.stringify("sealed two")];

  const first = await redisCore(t, "key of the first core");
  const a = clients(first, project);
  await a.post("q", [JSON.parse(plain)]);
  await a.encrypt("q");
  const ids = await a.post("q", sealedBodies.map((b) => JSON.parse(b)));
  await first.close();

  const stored = new Map((await dumpRedis((server as RedisServer).url)).hashEntries.map((e) => [e.field, e.value]));
  const storedText = ids.map((id) => JSON.stringify(stored.get(id)));
  t.true(storedText.every((s) => s.startsWith('"~enc1:')));

  const second = await redisCore(t, "another key");
  const b = clients(second, project);
  t.deepEqual((await b.list("q")).map(text), [plain, ...storedText], "list");
  const claim = await b.claim("q", 2);
  t.deepEqual(claim.messages.map(text), [plain, storedText[0]], "claim");
  t.deepEqual((await b.pop("q", 1)).map(text), [storedText[1]], "pop");
  await second.close();

  const third = await redisCore(t, "key of the first core");
  t.deepEqual((await clients(third, project).list("q")).map(text), [plain, sealedBodies[0]], "the first key opens what is left");
});
