/**
 * The shared storage behaviour suite against the redis driver on a 3-master
 * Redis Cluster: proves every script keeps to its queue's slot (the hash tag)
 * and that the project index, in its own slot, works alongside.
 */
import { randomUUID } from "node:crypto";
import test from "ava";
import { Cluster } from "ioredis";
import { createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { startRedisCluster, type RedisCluster } from "../../helpers/redis-server.ts";
import { defineStorageSuite } from "./conformance.ts";

let cluster: RedisCluster | undefined;
let starting: Promise<RedisCluster> | undefined;

function redisCluster(): Promise<RedisCluster> {
  starting ??= startRedisCluster(3).then((c) => (cluster = c));
  return starting;
}

test.after.always(async () => {
  await cluster?.stop();
});

defineStorageSuite("redis-cluster", async (clock) => {
  const { nodes } = await redisCluster();
  const client = new Cluster([...nodes], { enableOfflineQueue: false });
  client.on("error", () => {});
  await whenReady(client);
  // Its own subscribed-queues index (a lease takes jobs of this test only) and catalog.
  const own = randomUUID();
  return { driver: createRedisDriver({ clock, client, subscribedIndexKey: `zq:subscribed:${own}`, catalogKeyBase: `zq:{:catalog-${own}}:` }) };
});
