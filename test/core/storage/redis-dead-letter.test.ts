/**
 * Dead-letter moves of the redis driver interrupted between their steps
 * (core/src/storage/redis/dead-letter.ts): a core that dies after taking
 * messages into the transfer claim, or after the dead-letter queue accepted
 * them, loses nothing and duplicates nothing once a later claim finishes.
 * The steps are run by hand with the driver's own scripts to stop where a
 * crash would.
 */
import { randomUUID } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { createManualClock, type ManualClock } from "../../../core/src/clock.ts";
import type { DeadLetterOptions, Scope, StorageDriver } from "../../../core/src/storage/driver.ts";
import type { RedisContext } from "../../../core/src/storage/redis/context.ts";
import { acceptMoved, TRANSFER_LEASE_S } from "../../../core/src/storage/redis/dead-letter.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { queueKeys } from "../../../core/src/storage/redis/keys.ts";
import { defineScripts, type RawNewClaim } from "../../../core/src/storage/redis/scripts.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

let server: RedisServer;

test.before(async () => {
  server = await startRedisServer();
});
test.after.always(async () => {
  await server?.stop();
});

interface Env {
  driver: StorageDriver;
  ctx: RedisContext;
  clock: ManualClock;
  source: Scope;
  dlq: Scope;
  deadLetter: DeadLetterOptions;
}

async function open(t: ExecutionContext): Promise<Env> {
  const clock = createManualClock();
  const client = connectRedis(server.url);
  await whenReady(client);
  const driver = createRedisDriver({ clock, client });
  t.teardown(() => driver.close());
  const project = `p-${randomUUID()}`;
  const ctx: RedisContext = {
    client,
    clock,
    scripts: defineScripts(client),
    log: undefined,
    budget: 100,
    run: (call) => call(),
    untilCaughtUp: (call) => call(clock.now(), 100),
    subscribedIndex: `zq:subscribed:${project}`,
  };
  const dlq = { project, queue: "dead" };
  return { driver, ctx, clock, source: { project, queue: "work" }, dlq, deadLetter: { maxClaims: 0, queue: dlq.queue, ttl: 300 } };
}

/** Step 1 only, as claim-messages.lua runs it inside a claim: the messages go into a transfer claim. */
async function startMove(env: Env, transferId: string): Promise<RawNewClaim> {
  const k = queueKeys(env.source);
  const reply = await env.ctx.scripts.claimMessages(
    k.record, k.base, env.clock.now(), 100, randomUUID(), 60, 60, 10, "*", env.deadLetter.maxClaims, transferId, TRANSFER_LEASE_S,
  );
  if (typeof reply === "number" || reply.length === 0) throw new Error(`claim script answered ${JSON.stringify(reply)}`);
  return reply as RawNewClaim;
}

async function post(env: Env, n: number): Promise<string[]> {
  const batch = Array.from({ length: n }, (_, i) => ({ body: `{"n":${i}}`, ttl: 3600, delay: 0 }));
  return env.driver.messages.post(env.source, batch, { clientId: "c-1", ifVersion: "" });
}

async function dlqIds(env: Env): Promise<string[]> {
  const page = await env.driver.messages.list(env.dlq, { limit: 20, echo: true, clientId: "x", includeClaimed: true, includeDelayed: true });
  return page.map((m) => m.id);
}

test("a move interrupted after the transfer claim keeps the messages out of reach, then a later claim finishes it", async (t) => {
  const env = await open(t);
  const posted = await post(env, 3);
  const reply = await startMove(env, "dlq-crashed");
  t.deepEqual(reply[8], posted, "all three are moving");
  t.deepEqual(reply[4], [], "none is claimed for the caller");

  // The core died here. Nobody can claim the messages while the transfer claim lives.
  t.like(await env.driver.queues.stats(env.source), { claimed: 3, total: 3 });
  t.is(await env.driver.claims.create(env.source, { ttl: 60, grace: 60, limit: 10 }), null);
  t.false((await env.driver.queues.info(env.dlq)).exists);

  env.clock.advance(TRANSFER_LEASE_S * 1000);
  t.is(await env.driver.claims.create(env.source, { ttl: 60, grace: 60, limit: 10, deadLetter: env.deadLetter }), null);
  t.deepEqual(await dlqIds(env), posted);
  t.deepEqual(await env.driver.queues.stats(env.source), { claimed: 0, free: 0, total: 0 });
});

test("a move interrupted after the dead-letter queue accepted is finished without a second copy", async (t) => {
  const env = await open(t);
  const posted = await post(env, 2);
  const reply = await startMove(env, "dlq-crashed");
  await acceptMoved(env.ctx, env.source, env.deadLetter, reply[8], reply[9]);
  t.deepEqual(await dlqIds(env), posted);

  // The core died before dropping them from the source; a consumer of the
  // dead-letter queue even deleted one meanwhile.
  await env.driver.messages.delete(env.dlq, posted[0]!, null);
  env.clock.advance(TRANSFER_LEASE_S * 1000);
  t.is(await env.driver.claims.create(env.source, { ttl: 60, grace: 60, limit: 10, deadLetter: env.deadLetter }), null);
  t.deepEqual(await dlqIds(env), [posted[1]], "the deleted one does not come back and the other is there once");
  t.deepEqual(await env.driver.queues.stats(env.source), { claimed: 0, free: 0, total: 0 });
});
