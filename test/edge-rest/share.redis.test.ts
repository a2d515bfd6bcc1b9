/** Sharing a queue over REST with the core on Redis (the flows of share-flows.ts). */
import anyTest, { type TestFn } from "ava";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { defineShareFlows } from "./share-flows.ts";

const test = anyTest as TestFn<unknown>;
let redis: RedisServer;
// Serial hooks run before the concurrent ones: Redis is up before the cores start.
test.serial.before(async () => {
  redis = await startRedisServer();
});
defineShareFlows(test, () => ({ store: "redis", redisUrl: redis.url }));
test.after.always(async () => redis?.stop());
