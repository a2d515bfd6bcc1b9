/**
 * The shared storage behaviour suite against the redis driver, on a private
 * redis-server started for this file (test/helpers/redis-server.ts).
 */
import { randomUUID } from "node:crypto";
import test from "ava";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { defineStorageSuite } from "./conformance.ts";

let server: RedisServer | undefined;
let starting: Promise<RedisServer> | undefined;

// Started by the first test that needs it (the suite registers tests synchronously).
function redis(): Promise<RedisServer> {
  starting ??= startRedisServer().then((s) => (server = s));
  return starting;
}

test.after.always(async () => {
  await server?.stop();
});

defineStorageSuite("redis", async (clock) => {
  const { url } = await redis();
  const client = connectRedis(url);
  await whenReady(client);
  // Its own subscribed-queues index (a lease takes jobs of this test only) and catalog.
  const own = randomUUID();
  return { driver: createRedisDriver({ clock, client, subscribedIndexKey: `zq:subscribed:${own}`, catalogKeyBase: `zq:{:catalog-${own}}:` }) };
});
