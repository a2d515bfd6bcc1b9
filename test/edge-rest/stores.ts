/**
 * The REST stack (core + edge) once per store, for wire tests that must hold
 * on both: the memory store and the redis store on a private redis-server.
 *
 *   for (const [store, env] of useEdgeOnStores(test)) test(`${store}: ...`, ...)
 */
import type { TestFn } from "ava";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { useEdge, type EdgeEnv } from "./harness.ts";

export type Store = "memory" | "redis";

export function useEdgeOnStores(test: TestFn<unknown>): ReadonlyArray<readonly [Store, EdgeEnv]> {
  let redis: RedisServer | undefined;
  // Serial hooks run before the concurrent ones: Redis is up before its core starts.
  test.serial.before(async () => {
    redis = await startRedisServer();
  });
  const memory = useEdge(test);
  const onRedis = useEdge(test, {
    core: {
      store: "redis",
      get redisUrl() {
        return (redis as RedisServer).url;
      },
    },
  });
  test.after.always(async () => redis?.stop());
  return [
    ["memory", memory],
    ["redis", onRedis],
  ];
}
