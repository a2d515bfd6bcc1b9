/**
 * Redis-specific behaviour of the redis driver that the shared suite cannot
 * see: key layout, safety-net expiries, bounded housekeeping, generations,
 * index ordering and error conversion. Read-only inspection goes through a
 * second, plain client.
 */
import { randomUUID } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { Redis } from "ioredis";
import { createManualClock, type ManualClock } from "../../../core/src/clock.ts";
import { isZaqarError, ZaqarError } from "../../../core/src/errors.ts";
import type { Scope, StorageDriver } from "../../../core/src/storage/driver.ts";
import { encodeProject, projectIndexKey, queueKey, queueKeys, SLACK_MS } from "../../../core/src/storage/redis/keys.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { keysOfProject } from "./redis-keys.ts";

let server: RedisServer;
let raw: Redis;

test.before(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
});
test.after.always(async () => {
  raw?.disconnect();
  await server?.stop();
});

interface Env {
  driver: StorageDriver;
  clock: ManualClock;
  scope: Scope;
  post(n: number | Array<{ body?: string; ttl?: number; delay?: number }>): Promise<string[]>;
}

async function open(t: ExecutionContext, options: { budget?: number; project?: string } = {}): Promise<Env> {
  const clock = createManualClock();
  const client = connectRedis(server.url);
  await whenReady(client);
  const driver = createRedisDriver({ clock, client, ...(options.budget === undefined ? {} : { housekeepingBudget: options.budget }) });
  t.teardown(() => driver.close());
  const scope = { project: options.project ?? `p-${randomUUID()}`, queue: "a.b" };
  return {
    driver,
    clock,
    scope,
    async post(n) {
      const list = typeof n === "number" ? Array.from({ length: n }, () => ({})) : n;
      const { version } = await driver.queues.info(scope);
      const batch = list.map((m, i) => ({ body: JSON.stringify({ i }), ttl: 3600, delay: 0, ...m }));
      return driver.messages.post(scope, batch, { clientId: "c-1", ifVersion: version });
    },
  };
}

const keysOf = (project: string): Promise<string[]> => keysOfProject(raw, project);

const gen = async (scope: Scope): Promise<string> => (await raw.hget(queueKeys(scope).record, "gen")) ?? "";

test("a queue's keys carry its hash tag, follow the documented layout and store bodies byte for byte", async (t) => {
  const { driver, scope, post } = await open(t, { project: `p-${randomUUID()}/{x}: y%` });
  const body = '{"text":"ünï €😀","n":[1,2.50,{}]}';
  const [m1, m2, m3] = await post([{ body }, { ttl: 60 }, { delay: 30 }]);
  const claim = await driver.claims.create(scope, { ttl: 120, grace: 60, limit: 1 });
  t.deepEqual(claim?.messages.map((m) => m.id), [m1]);
  t.regex(await gen(scope), /^[0-9a-f]{12}$/);

  const keys = await keysOf(scope.project);
  const base = queueKeys(scope).base;
  const expected = [
    projectIndexKey(scope.project),
    `${base}q`,
    // No `free`: nothing became claimable again behind the claim frontier.
    ...["all", "delayed", "exp", "held", "claims", "m", "claim"].map((s) => `${base}${s}`),
  ].sort();
  t.deepEqual(keys, expected);
  for (const key of keys) t.is(/\{([^}]*)\}/.exec(key)?.[1], key === projectIndexKey(scope.project) ? encodeProject(scope.project) : `${encodeProject(scope.project)}/a.b`);

  t.is(await raw.hget(`${base}m`, m1!), body);
  t.is((await driver.messages.get(scope, m1!)).body, body);
  t.deepEqual((await raw.hkeys(`${base}m`)).sort(), [m1, m2, m3, `i:${m1}`, `i:${m2}`, `i:${m3}`, `c:${m1}`].sort());
  t.deepEqual(await raw.hkeys(`${base}claim`), [claim!.id]);
  // Only the record and the index live without expiry; the queue's other keys
  // share one, SLACK to 2 × SLACK beyond the longest-lived message (ttl 3600).
  t.is(await raw.pttl(`${base}q`), -1);
  t.is(await raw.pttl(projectIndexKey(scope.project)), -1);
  for (const key of keys.filter((k) => k !== `${base}q` && k !== projectIndexKey(scope.project))) {
    const ttl = await raw.pttl(key);
    t.true(ttl > 3600_000 + SLACK_MS && ttl <= 3600_000 + 2 * SLACK_MS, `${key} ${ttl}`);
  }
});

test("a longer-lived message re-arms every key of the queue and re-created keys get the same expiry", async (t) => {
  const { driver, scope, post } = await open(t);
  await post([{ ttl: 60 }, { ttl: 60 }]);
  const claim = (await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))!;
  const base = queueKeys(scope).base;
  const names = ["all", "exp", "held", "claims", "m", "claim"];
  const ttls = async () => Promise.all(names.map((n) => raw.pttl(base + n)));
  for (const ttl of await ttls()) t.true(ttl > 60_000 + SLACK_MS && ttl <= 120_000 + 2 * SLACK_MS, String(ttl));

  // Releasing empties (so deletes) held, claims and claim and creates free;
  // the next claim takes the message from free and re-creates the others.
  await driver.claims.delete(scope, claim.id);
  t.is(await raw.exists(base + "held", base + "claims", base + "claim"), 0);
  const free = await raw.pttl(base + "free");
  t.true(free > 60_000 + SLACK_MS && free <= 120_000 + 2 * SLACK_MS, String(free));
  t.deepEqual((await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))?.messages.map((m) => m.id), [claim.messages[0]!.id]);
  for (const ttl of await ttls()) t.true(ttl > 60_000 + SLACK_MS && ttl <= 120_000 + 2 * SLACK_MS, String(ttl));

  await post([{ ttl: 86_400 }]);
  for (const ttl of await ttls()) t.true(ttl > 86_400_000 + SLACK_MS && ttl <= 86_400_000 + 2 * SLACK_MS, String(ttl));
  t.is(await raw.exists(base + "free"), 0, "the claim emptied free");
});

test("reads never return expired messages or honour expired claims while housekeeping is behind", async (t) => {
  const { driver, clock, scope, post } = await open(t, { budget: 0 });
  const [a, b, c, d] = await post([{ ttl: 3600 }, { ttl: 60 }, { ttl: 60 }, { ttl: 3600 }]);
  const claim = (await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))!;
  t.deepEqual(claim.messages.map((m) => m.id), [a]);
  clock.advance(60_000);
  const opts = { limit: 10, echo: true, clientId: "x", includeClaimed: false, includeDelayed: true };
  const page = await driver.messages.list(scope, opts);
  t.deepEqual(page.map((m) => [m.id, m.claimId]), [[a, null], [d, null]]);
  t.deepEqual((await driver.messages.getMany(scope, [a!, b!, c!, d!])).map((m) => m.id), [a, d]);
  await t.throwsAsync(driver.messages.get(scope, b!), { instanceOf: ZaqarError, message: /does not exist/ });
  await t.throwsAsync(driver.claims.get(scope, claim.id), { instanceOf: ZaqarError, message: /Claim .* does not exist/ });
  const gone = await t.throwsAsync<ZaqarError>(driver.messages.delete(scope, a!, claim.id));
  t.is(gone?.reason, "CLAIM_GONE");
  // Nothing was reaped or released by those reads (budget 0)...
  t.is(await raw.zcard(queueKey(scope, "all")), 4);
  t.is(await raw.zcard(queueKey(scope, "held")), 1);
  // ...yet stats and claims, which need it, catch up on their own.
  t.like(await driver.queues.stats(scope), { claimed: 0, free: 2, total: 2, oldest: { id: a }, newest: { id: d } });
  t.deepEqual((await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 5 }))?.messages.map((m) => m.id), [a, d]);
});

test("housekeeping does at most its budget of work per call and claims catch up with any backlog", async (t) => {
  const { driver, clock, scope, post } = await open(t, { budget: 10 });
  await post(Array.from({ length: 50 }, () => ({ ttl: 60 })));
  const [live] = await post([{ ttl: 3600 }]);
  clock.advance(60_000);
  const exp = queueKey(scope, "exp");
  t.is(await raw.zcard(exp), 51);
  await driver.messages.get(scope, live!);
  t.is(await raw.zcard(exp), 41);
  await driver.messages.getMany(scope, ["no-such-id"]);
  t.is(await raw.zcard(exp), 31);
  // Deletes only remove: they leave housekeeping to the other calls.
  await driver.messages.delete(scope, "no-such-id", null);
  t.is(await raw.zcard(exp), 31);
  const claim = await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 5 });
  t.deepEqual(claim?.messages.map((m) => m.id), [live]);
  t.is(await raw.zcard(exp), 1);
});

test("claims take released messages before newer ones and a delay that ends before the claims reach it yields one claim", async (t) => {
  const { driver, clock, scope, post } = await open(t);
  const [x, d, y] = await post([{}, { delay: 60 }, {}]);
  const first = (await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))!;
  t.deepEqual(first.messages.map((m) => m.id), [x]);
  clock.advance(60_000); // d turns visible before any claim got past x; the first claim expires
  const [z] = await post(1);
  t.deepEqual((await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 10 }))?.messages.map((m) => m.id), [x, d, y, z]);
  t.is(await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 10 }), null);
  t.is(await raw.exists(queueKey(scope, "free")), 0);
  t.like(await driver.queues.stats(scope), { claimed: 4, total: 4 });
});

test("claims and pops get past a long run of delayed messages in budget-sized steps", async (t) => {
  const { driver, clock, scope, post } = await open(t, { budget: 10 });
  await post(Array.from({ length: 150 }, () => ({ delay: 600 })));
  const [first, second] = await post(2);
  t.deepEqual((await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))?.messages.map((m) => m.id), [first]);
  t.deepEqual((await driver.messages.pop(scope, 5)).map((m) => m.id), [second]);
  t.is(await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }), null);
  clock.advance(600_000);
  t.is((await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 20 }))?.messages.length, 20);
  t.like(await driver.queues.stats(scope), { claimed: 20, total: 151 });
});

test("deleting a large queue removes every key of it and its index entry", async (t) => {
  const { driver, scope, post } = await open(t);
  for (let i = 0; i < 3; i++) await post(500);
  await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 20 });
  t.is(await raw.zcard(queueKey(scope, "all")), 1500);
  t.is((await keysOf(scope.project)).length, 2 + 6);
  await driver.queues.delete(scope);
  t.deepEqual(await keysOf(scope.project), []);
  t.false((await driver.queues.info(scope)).exists);
});

test("purge gives the queue a new generation, removes every message and claim key and keeps record, metadata and sequence", async (t) => {
  const { driver, scope, post } = await open(t);
  await driver.queues.create(scope, { a: 1 });
  await post(700);
  await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 5 });
  const before = await gen(scope);
  const { version } = await driver.queues.info(scope);
  await driver.messages.purge(scope);
  const after = await gen(scope);
  t.not(after, before);
  t.deepEqual(await keysOf(scope.project), [projectIndexKey(scope.project), queueKeys(scope).record].sort());
  t.deepEqual(await driver.queues.info(scope), { exists: true, metadata: { a: 1 }, version });
  const [next] = await post(1);
  t.is((await driver.messages.get(scope, next!)).marker, `${after}-701`);
});

test("a marker of a deleted incarnation lists the re-created queue from its oldest message", async (t) => {
  const { driver, scope, post } = await open(t);
  await post(5);
  const old = await driver.messages.list(scope, { limit: 3, echo: true, clientId: "x", includeClaimed: true, includeDelayed: true });
  await driver.queues.delete(scope);
  const fresh = await post(4);
  const page = await driver.messages.list(scope, { marker: old[2]!.marker, limit: 10, echo: true, clientId: "x", includeClaimed: true, includeDelayed: true });
  t.deepEqual(page.map((m) => m.id), fresh);
});

test("queue listing skips an index entry whose record is missing, as a crash between the steps leaves it", async (t) => {
  const { driver, scope } = await open(t);
  await driver.queues.create(scope, {});
  await raw.zadd(projectIndexKey(scope.project), 0, "ghost", 0, "a.a");
  const page = await driver.queues.list(scope, { limit: 10, detailed: true, withCount: false });
  t.deepEqual(page.queues, [{ name: "a.b", metadata: {} }]);
});

test("ids that look like other keys are merely unknown and touch nothing", async (t) => {
  const { driver, scope, post } = await open(t);
  const posted = await post(3);
  const claim = (await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }))!;
  for (const id of ["all", "free", ":all", "../q", "{x}", "", "c:" + claim.id, "m:" + posted[1]]) {
    const err = await t.throwsAsync<ZaqarError>(driver.messages.get(scope, id));
    t.is(err?.reason, "MESSAGE_NOT_FOUND", id);
    const claimErr = await t.throwsAsync<ZaqarError>(driver.claims.get(scope, id));
    t.is(claimErr?.reason, "CLAIM_NOT_FOUND", id);
    await driver.messages.delete(scope, id, null);
    await driver.messages.deleteMany(scope, [id]);
    await driver.claims.delete(scope, id);
  }
  t.like(await driver.queues.stats(scope), { claimed: 1, free: 2, total: 3 });
  t.deepEqual((await driver.claims.get(scope, claim.id)).messages.map((m) => m.id), [posted[0]]);
});

test("reply errors that are not outages surface unconverted", async (t) => {
  const { driver, scope } = await open(t);
  await raw.set(queueKeys(scope).record, "not a hash");
  const err = await t.throwsAsync(driver.queues.info(scope));
  t.false(isZaqarError(err));
  t.regex(String(err?.message), /WRONGTYPE/);
});

test("connectRedis honours the database in the url and refuses other schemes", async (t) => {
  t.throws(() => connectRedis("http://127.0.0.1:1"), { message: /redis:\/\/ or rediss:\/\// });
  const clock = createManualClock();
  const client = connectRedis(`${server.url}/3`);
  await whenReady(client);
  const driver = createRedisDriver({ clock, client });
  t.teardown(() => driver.close());
  const scope = { project: `p-${randomUUID()}`, queue: "db3" };
  await driver.queues.create(scope, {});
  const db3 = new Redis(`${server.url}/3`);
  t.teardown(() => db3.disconnect());
  t.is(await db3.exists(queueKeys(scope).record), 1);
  t.is(await raw.exists(queueKeys(scope).record), 0);
});
