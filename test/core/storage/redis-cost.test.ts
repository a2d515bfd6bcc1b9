/**
 * The cost of post, claim and delete must not grow with queue depth, nor with
 * the number of messages a call handles: the same operation issues exactly
 * the same Redis commands (counted by the server's INFO commandstats, which
 * includes commands run inside scripts) on a 10-message queue and on a
 * 10,000-message one, and for 10 messages as for 1.
 */
import { randomUUID } from "node:crypto";
import test from "ava";
import { Redis } from "ioredis";
import { createManualClock } from "../../../core/src/clock.ts";
import type { Scope, StorageDriver } from "../../../core/src/storage/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

let server: RedisServer;
let raw: Redis;
let driver: StorageDriver;

test.before(async () => {
  server = await startRedisServer();
  raw = new Redis(server.url);
  const client = connectRedis(server.url);
  await whenReady(client);
  driver = createRedisDriver({ clock: createManualClock(), client });
});
test.after.always(async () => {
  await driver?.close();
  raw?.disconnect();
  await server?.stop();
});

/** Calls per command since the server started, without our own INFO calls. */
async function commandCalls(): Promise<Map<string, number>> {
  const info = await raw.info("commandstats");
  const calls = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) if (m[1] !== "info") calls.set(m[1]!, Number(m[2]));
  return calls;
}

/** The commands `op` made Redis run, as "name=count" in name order. */
async function cost(op: () => Promise<unknown>): Promise<string[]> {
  const before = await commandCalls();
  await op();
  const after = await commandCalls();
  return [...after]
    .map(([name, n]) => [name, n - (before.get(name) ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([name, n]) => `${name}=${n}`)
    .sort();
}

async function fill(scope: Scope, count: number): Promise<void> {
  for (let done = 0; done < count; done += 1000) {
    const { version } = await driver.queues.info(scope);
    const batch = Array.from({ length: Math.min(1000, count - done) }, (_, i) => ({ body: `{"i":${done + i}}`, ttl: 3600, delay: 0 }));
    await driver.messages.post(scope, batch, { clientId: "c", ifVersion: version });
  }
}

/** Runs the measured operations on one queue; returns the cost of each. */
async function measure(scope: Scope): Promise<Record<string, string[]>> {
  const { version } = await driver.queues.info(scope);
  const costs: Record<string, string[]> = {};
  costs.post = await cost(() => driver.messages.post(scope, [{ body: "{}", ttl: 3600, delay: 0 }], { clientId: "c", ifVersion: version }));
  const ten = Array.from({ length: 10 }, (_, i) => ({ body: `{"n":${i}}`, ttl: 3600, delay: 0 }));
  costs.post10 = await cost(() => driver.messages.post(scope, ten, { clientId: "c", ifVersion: version }));
  let claim = null as Awaited<ReturnType<StorageDriver["claims"]["create"]>>;
  costs.claim = await cost(async () => (claim = await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 })));
  const claimed = claim!.messages[0]!.id;
  costs.deleteClaimed = await cost(() => driver.messages.delete(scope, claimed, claim!.id));
  const [next] = await driver.messages.list(scope, { limit: 1, echo: true, clientId: "c", includeClaimed: true, includeDelayed: true });
  costs.deleteFree = await cost(() => driver.messages.delete(scope, next!.id, null));
  costs.releaseClaim = await cost(() => driver.claims.delete(scope, claim!.id));
  costs.stats = await cost(() => driver.queues.stats(scope));
  costs.pop = await cost(() => driver.messages.pop(scope, 1));
  // A second claim of 1 first: the first claim of a queue also lowers the record's `due`.
  costs.claimAgain = await cost(() => driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 }));
  let claim10 = null as Awaited<ReturnType<StorageDriver["claims"]["create"]>>;
  costs.claim10 = await cost(async () => (claim10 = await driver.claims.create(scope, { ttl: 60, grace: 60, limit: 10 })));
  if ((claim10?.messages.length ?? 0) < 10) throw new Error("claim10 took fewer than 10 messages");
  return costs;
}

test.serial("post, claim, delete, stats and pop run the same commands on a 10,000-message queue as on a 10-message one, and for 10 messages as for 1", async (t) => {
  const project = `p-${randomUUID()}`;
  const warm = { project, queue: "warm" };
  const shallow = { project, queue: "shallow" };
  const deep = { project, queue: "deep" };
  await fill(warm, 10);
  await fill(shallow, 10);
  await fill(deep, 10_000);
  await measure(warm); // loads every script, so no NOSCRIPT fallback is counted below

  const small = await measure(shallow);
  const large = await measure(deep);
  // PEXPIRE refreshes of the safety-net key lifetimes depend on how much real
  // time passed since the keys were last armed (filling 10,000 messages takes
  // a while on a loaded machine) and on which keys a call re-creates, not on
  // depth: compare without them.
  const withoutRefreshes = (cmds: string[]) => cmds.filter((c) => !c.startsWith("pexpire="));
  const stripped = (costs: Record<string, string[]>) => Object.fromEntries(Object.entries(costs).map(([op, cmds]) => [op, withoutRefreshes(cmds)]));
  t.deepEqual(stripped(large), stripped(small));
  t.deepEqual(withoutRefreshes(large.post10!), withoutRefreshes(large.post!), "a post of 10 runs the commands of a post of 1");
  t.deepEqual(withoutRefreshes(large.claim10!), withoutRefreshes(large.claimAgain!), "a claim of 10 runs the commands of a claim of 1");
  // +1 +10 posted, 2 deleted and 1 popped; the claims of 1 and of 10 still hold theirs.
  t.like(await driver.queues.stats(deep), { total: 10_000 + 11 - 3, claimed: 1 + 10 });
  for (const [op, commands] of Object.entries(large)) {
    const total = commands.reduce((sum, c) => sum + Number(c.split("=")[1]), 0);
    t.log(`${op}: ${total} commands (${commands.join(" ")})`);
    t.true(total <= 20, `${op} runs a small fixed number of commands`);
    t.true(commands.includes("evalsha=1"), `${op} is one script call`);
  }
});

/** Notification costs on one queue with 2 subscriptions and `pending` messages' jobs already waiting. */
async function measureJobs(scope: Scope, pending: number): Promise<Record<string, string[]>> {
  const client = connectRedis(server.url);
  await whenReady(client);
  // Its own subscribed index, so a lease visits this queue only.
  const d = createRedisDriver({ clock: createManualClock(), client, subscribedIndexKey: `zq:subscribed:${randomUUID()}` });
  try {
    for (let i = 0; i < 2; i++) await d.subscriptions.create(scope, { subscriber: `http://127.0.0.1:9/${i}`, ttl: 3600, options: "{}" }, {});
    for (let done = 0; done < pending; done += 1000) {
      const { version } = await d.queues.info(scope);
      const batch = Array.from({ length: Math.min(1000, pending - done) }, (_, i) => ({ body: `{"i":${done + i}}`, ttl: 3600, delay: 0 }));
      await d.messages.post(scope, batch, { clientId: "c", ifVersion: version });
    }
    const { version } = await d.queues.info(scope);
    // ioredis sends a script's first call on a connection as EVAL: make every one once, unmeasured.
    const [w1, w2] = await d.jobs.lease({ max: 2, leaseMs: 60_000 });
    await d.jobs.ack([w1!]);
    await d.jobs.retry(w2!, { delayMs: 1000, attempts: 1 });
    const costs: Record<string, string[]> = {};
    costs.postSubscribed = await cost(() => d.messages.post(scope, [{ body: "{}", ttl: 3600, delay: 0 }], { clientId: "c", ifVersion: version }));
    const ten = Array.from({ length: 10 }, (_, i) => ({ body: `{"n":${i}}`, ttl: 3600, delay: 0 }));
    costs.postSubscribed10 = await cost(() => d.messages.post(scope, ten, { clientId: "c", ifVersion: version }));
    let one: Awaited<ReturnType<StorageDriver["jobs"]["lease"]>> = [];
    costs.lease = await cost(async () => (one = await d.jobs.lease({ max: 1, leaseMs: 60_000 })));
    let many: Awaited<ReturnType<StorageDriver["jobs"]["lease"]>> = [];
    costs.lease10 = await cost(async () => (many = await d.jobs.lease({ max: 10, leaseMs: 60_000 })));
    if (one.length !== 1 || many.length !== 10) throw new Error("the leases took the wrong number of jobs");
    costs.ack = await cost(() => d.jobs.ack(one));
    costs.ack9 = await cost(() => d.jobs.ack(many.slice(1)));
    costs.retry = await cost(() => d.jobs.retry(many[0]!, { delayMs: 1000, attempts: 1 }));
    return costs;
  } finally {
    await d.close();
  }
}

test.serial("posting to a subscribed queue, leasing, acking and retrying run the same commands with 10,000 jobs waiting as with 10, and for 10 jobs as for 1", async (t) => {
  const project = `p-${randomUUID()}`;
  await measureJobs({ project, queue: "warm-jobs" }, 10);
  const small = await measureJobs({ project, queue: "few-jobs" }, 6);
  const large = await measureJobs({ project, queue: "many-jobs" }, 5000);
  t.deepEqual(large, small);
  t.deepEqual(large.postSubscribed10, large.postSubscribed, "a post of 10 records its 20 jobs with the commands of a post of 1");
  t.deepEqual(large.lease10, large.lease, "a lease of 10 runs the commands of a lease of 1");
  t.deepEqual(large.ack9, large.ack, "an ack of 9 runs the commands of an ack of 1");
  for (const [op, commands] of Object.entries(large)) {
    const total = commands.reduce((sum, c) => sum + Number(c.split("=")[1]), 0);
    t.log(`${op}: ${total} commands (${commands.join(" ")})`);
    t.true(total <= 20, `${op} runs a small fixed number of commands`);
    t.true(commands.includes("evalsha=1"), `${op} is one script call`);
  }
});
