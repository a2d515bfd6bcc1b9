/**
 * Redis outages: calls fail fast with STORAGE_UNAVAILABLE while Redis is
 * down, ping() says false, and the same driver works again once Redis is
 * back (on the same port; the restarted server is empty).
 */
import { randomUUID } from "node:crypto";
import test from "ava";
import { createManualClock } from "../../../core/src/clock.ts";
import { ZaqarError } from "../../../core/src/errors.ts";
import type { StorageDriver } from "../../../core/src/storage/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

let server: RedisServer | undefined;
test.after.always(async () => {
  await server?.stop();
});

async function timed<T>(promise: Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = performance.now();
  const [result] = await Promise.allSettled([promise]);
  return { ms: performance.now() - start, result: result! };
}

test.serial("calls fail fast with STORAGE_UNAVAILABLE while redis is down and succeed again after it restarts", async (t) => {
  server = await startRedisServer();
  const client = connectRedis(server.url);
  await whenReady(client);
  const driver: StorageDriver = createRedisDriver({ clock: createManualClock(), client });
  t.teardown(() => driver.close());
  const scope = { project: `p-${randomUUID()}`, queue: "outage" };
  const post = (): Promise<string[]> => driver.messages.post(scope, [{ body: "1", ttl: 60, delay: 0 }], { clientId: "c", ifVersion: "" });

  await post();
  t.true(await driver.ping());

  // A call in flight when the server dies fails too.
  const inFlight = driver.queues.stats(scope);
  await server.kill();
  const calls: Array<[string, () => Promise<unknown>]> = [
    ["in flight", () => inFlight],
    ["post", post],
    ["claim", () => driver.claims.create(scope, { ttl: 60, grace: 60, limit: 1 })],
    ["list", () => driver.messages.list(scope, { limit: 1, echo: true, clientId: "c", includeClaimed: true, includeDelayed: true })],
    ["info", () => driver.queues.info(scope)],
    ["queues", () => driver.queues.list(scope, { limit: 1, detailed: false, withCount: true })],
    ["stats", () => driver.queues.stats(scope)],
  ];
  for (const [name, call] of calls) {
    const { ms, result } = await timed(call());
    t.true(ms < 2000, `${name} took ${ms} ms`);
    if (result.status === "fulfilled") {
      // The in-flight stats may have been answered before the kill landed.
      t.is(name, "in flight");
      continue;
    }
    t.true(result.reason instanceof ZaqarError, name);
    t.is((result.reason as ZaqarError).reason, "STORAGE_UNAVAILABLE", name);
  }
  const ping = await timed(driver.ping());
  t.true(ping.ms < 2000);
  t.deepEqual(ping.result, { status: "fulfilled", value: false });

  await server.restart();
  const deadline = Date.now() + 10_000;
  let ids: string[] | undefined;
  while (ids === undefined && Date.now() < deadline) {
    ids = await post().catch(() => undefined);
    if (ids === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(ids?.length, 1, "post succeeds again with the same driver");
  t.true(await driver.ping());
  // The restarted server is empty: the queue was re-created by that post.
  t.like(await driver.queues.stats(scope), { total: 1 });
});
