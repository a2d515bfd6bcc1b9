/**
 * Redis-specific behaviour of subscriptions and notification jobs that the
 * shared suite cannot see: the key layout, message copies stored once per
 * message, reaping of expired subscriptions, and the subscribed-queues
 * index (keys.ts): crash leftovers are harmless, a lost entry comes back,
 * an idle-removal racing a create re-adds the queue, and a hint raised by a
 * race delays a due job by at most 5 s. Inspection goes through a plain client.
 */
import { randomUUID } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { Redis } from "ioredis";
import { createManualClock, type ManualClock } from "../../../core/src/clock.ts";
import type { Scope, StorageDriver } from "../../../core/src/storage/driver.ts";
import type { RedisContext } from "../../../core/src/storage/redis/context.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { projectIndexKey, queueKeys, RECHECK_MS } from "../../../core/src/storage/redis/keys.ts";
import { defineScripts } from "../../../core/src/storage/redis/scripts.ts";
import { createSubscribedIndex } from "../../../core/src/storage/redis/subscribed-index.ts";
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
  /** The queue's key base: its member in the subscribed index. */
  base: string;
  /** This driver's subscribed index key. */
  index: string;
  client: Redis;
  post(bodies: readonly string[]): Promise<string[]>;
  subscribe(subscriber?: string, ttl?: number): Promise<string>;
}

async function open(t: ExecutionContext): Promise<Env> {
  const clock = createManualClock();
  const client = connectRedis(server.url);
  await whenReady(client);
  const index = `zq:subscribed:${randomUUID()}`;
  const driver = createRedisDriver({ clock, client, subscribedIndexKey: index });
  t.teardown(() => driver.close());
  const scope = { project: `p-${randomUUID()}`, queue: "q.1" };
  return {
    driver,
    clock,
    scope,
    base: queueKeys(scope).base,
    index,
    client,
    async post(bodies) {
      const { version } = await driver.queues.info(scope);
      return driver.messages.post(scope, bodies.map((body) => ({ body, ttl: 3600, delay: 0 })), { clientId: "c", ifVersion: version });
    },
    async subscribe(subscriber = `http://127.0.0.1:9/${randomUUID()}`, ttl = 3600) {
      return (await driver.subscriptions.create(scope, { subscriber, ttl, options: "{}" }, {})).id;
    },
  };
}

const keysOf = (project: string): Promise<string[]> => keysOfProject(raw, project);

test("subscriptions and jobs live in the documented keys under the queue's hash tag, without expiry", async (t) => {
  const { driver, scope, base, index, post, subscribe } = await open(t);
  const a = await subscribe("http://ünï.example/€");
  const b = await subscribe("mailto:b@example.com");
  const [m] = await post(['{"x": 1}']);
  const keys = await keysOf(scope.project);
  const expected = ["q", "all", "exp", "m", "subs", "sub", "suburi", "subexp", "jobs", "job"].map((s) => `${base}${s}`);
  t.deepEqual(keys, [projectIndexKey(scope.project), ...expected].sort());
  for (const s of ["subs", "sub", "suburi", "subexp", "jobs", "job"]) t.is(await raw.pttl(`${base}${s}`), -1, s);
  t.is(await raw.hget(`${base}q`, "subn"), "2");
  t.deepEqual((await raw.zrange(`${base}jobs`, 0, "-1")).sort(), [`n:${a}:${m}`, `n:${b}:${m}`].sort());
  // One copy of the message for both jobs, counted.
  t.deepEqual((await raw.hkeys(`${base}job`)).sort(), [m, `i:${m}`, `r:${m}`].sort());
  t.is(await raw.hget(`${base}job`, `r:${m}`), "2");
  t.is(await raw.hget(`${base}suburi`, "http://ünï.example/€"), a);
  t.is((await driver.subscriptions.get(scope, a)).subscriber, "http://ünï.example/€");
  t.not(await raw.zscore(index, base), null);
});

test("a message copy goes with the last job using it", async (t) => {
  const { driver, base, post, subscribe } = await open(t);
  for (let i = 0; i < 3; i++) await subscribe();
  const [m] = await post(["1"]);
  const jobs = await driver.jobs.lease({ max: 10, leaseMs: 60_000 });
  t.is(jobs.length, 3);
  await driver.jobs.ack(jobs.slice(0, 2));
  t.is(await raw.hget(`${base}job`, `r:${m}`), "1");
  t.is(await raw.hget(`${base}job`, m!), "1");
  await driver.jobs.ack(jobs.slice(2));
  t.is(await raw.exists(`${base}job`, `${base}jobs`), 0);
});

test("a lease reaps expired subscriptions, and a queue left with neither subscriptions nor jobs leaves the index", async (t) => {
  const { driver, clock, base, index, subscribe, post } = await open(t);
  await subscribe(undefined, 60);
  const kept = await subscribe(undefined, 120);
  await post(["1"]);
  clock.advance(60_000);
  const [job] = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
  t.is(job?.subscription.id, kept);
  t.is(await raw.hget(`${base}q`, "subn"), "1");
  t.deepEqual(await raw.zrange(`${base}subs`, 0, "-1"), [kept]);
  await driver.jobs.ack([job!]);
  clock.advance(60_000);
  t.deepEqual(await driver.jobs.lease({ max: 10, leaseMs: 1000 }), []);
  t.is(await raw.hget(`${base}q`, "subn"), "0");
  t.is(await raw.zscore(index, base), null);
  // A new subscription brings it back.
  await subscribe();
  t.not(await raw.zscore(index, base), null);
});

test("an index entry left by a crash before the subscription was written is dropped by the next lease", async (t) => {
  const { driver, clock, base, index, post } = await open(t);
  await post(["no subscriptions here"]);
  const absent = queueKeys({ project: `p-${randomUUID()}`, queue: "never" }).base;
  await raw.zadd(index, clock.now(), base, clock.now(), absent, clock.now(), "not a queue base");
  t.deepEqual(await driver.jobs.lease({ max: 10, leaseMs: 1000 }), []);
  t.deepEqual(await raw.zrange(index, 0, "-1"), []);
});

test("a subscribed queue whose index entry was lost comes back with the next post that records jobs", async (t) => {
  const { driver, base, index, post, subscribe } = await open(t);
  const id = await subscribe();
  await raw.zrem(index, base);
  t.deepEqual(await driver.jobs.lease({ max: 10, leaseMs: 1000 }), []);
  await post(["1"]);
  const jobs = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
  t.deepEqual(jobs.map((j) => j.subscription.id), [id]);
});

test("an idle-removal that races a subscription create re-adds the queue", async (t) => {
  const { clock, base, index, client, scope, driver } = await open(t);
  await driver.queues.create(scope, {});
  await raw.zadd(index, clock.now(), base);
  const ctx: RedisContext = {
    client, clock, scripts: defineScripts(client), log: undefined, budget: 100,
    run: (call) => call(), untilCaughtUp: (call) => call(clock.now(), 100), subscribedIndex: index,
  };
  const k = queueKeys(scope);
  await createSubscribedIndex(ctx).removeIdle(base, async () => {
    // The create's script runs between the removal and the re-check (its own re-add comes later, or never if it crashes).
    const now = clock.now();
    await ctx.scripts.createSubscription(k.record, k.base, now, randomUUID(), "http://x/", `${now + 60_000}|0|60|${now}|9|http://x/{}`, now + 60_000, "0", "", "t", "v", "g");
    const [due, idle] = await ctx.scripts.leaseJobs(k.record, k.base, clock.now(), 0, 0, "", 100);
    return { idle: idle === 1, nextDueMs: Number(due) };
  });
  t.not(await raw.zscore(index, base), null);
  t.is((await driver.subscriptions.list(scope, { limit: 10 })).length, 1);
});

test("a visit sets the hint to the next due time but at most 5 s ahead, and a retry lowers it", async (t) => {
  const { driver, clock, base, index, post, subscribe } = await open(t);
  await subscribe();
  await post(["1", "2"]);
  const now = clock.now();
  t.is(Number(await raw.zscore(index, base)), now);
  const [first] = await driver.jobs.lease({ max: 1, leaseMs: 60_000 });
  // One job is still due: the hint stays at now.
  t.is(Number(await raw.zscore(index, base)), now);
  const [second] = await driver.jobs.lease({ max: 1, leaseMs: 2000 });
  t.is(Number(await raw.zscore(index, base)), now + 2000);
  await driver.jobs.ack([second!]);
  t.deepEqual(await driver.jobs.lease({ max: 1, leaseMs: 2000 }), []);
  clock.advance(2000);
  t.deepEqual(await driver.jobs.lease({ max: 1, leaseMs: 2000 }), []);
  t.is(Number(await raw.zscore(index, base)), clock.now() + RECHECK_MS);
  await driver.jobs.retry(first!, { delayMs: 1000, attempts: 1 });
  t.is(Number(await raw.zscore(index, base)), clock.now() + 1000);
});

test("a hint raised by a racing lease delays a due job by at most 5 s", async (t) => {
  const { driver, clock, base, index, post, subscribe } = await open(t);
  await subscribe();
  await post(["1"]);
  // What a racing visit that read the queue before this post would leave behind.
  await raw.zadd(index, clock.now() + RECHECK_MS, base);
  t.deepEqual(await driver.jobs.lease({ max: 10, leaseMs: 1000 }), []);
  clock.advance(RECHECK_MS - 1);
  t.deepEqual(await driver.jobs.lease({ max: 10, leaseMs: 1000 }), []);
  clock.advance(1);
  t.is((await driver.jobs.lease({ max: 10, leaseMs: 1000 })).length, 1);
});

test("queue delete unlinks every subscription and job key; subscription purge keeps the messages", async (t) => {
  const { driver, scope, base, post, subscribe } = await open(t);
  await subscribe();
  await post(["1"]);
  await driver.subscriptions.purge(scope);
  t.deepEqual(await keysOf(scope.project), [projectIndexKey(scope.project), ...["q", "all", "exp", "m"].map((s) => `${base}${s}`)].sort());
  t.is(await raw.hget(`${base}q`, "subn"), "0");
  await subscribe();
  await post(["2"]);
  await driver.queues.delete(scope);
  t.deepEqual(await keysOf(scope.project), []);
});
