/**
 * The REST stack (core + edge) once per store, for wire tests that must hold
 * on both: the memory store and the redis store on a private redis-server.
 *
 *   for (const [store, env] of useEdgeOnStores(test)) test(`${store}: ...`, ...)
 */
import type { TestFn } from "ava";
import type { TestCoreOptions } from "../helpers/core.ts";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { useEdge, type EdgeEnv, type EdgeOptions } from "./harness.ts";

export type Store = "memory" | "redis";

/** The REST stack on the redis store of its own redis-server; `redis()` is that server, for tests that kill and restart it. */
export function useEdgeOnRedis(
  test: TestFn<unknown>,
  core: Omit<TestCoreOptions, "store" | "redisUrl"> = {},
  edge: Omit<EdgeOptions, "core" | "coreUrl"> = {},
): { readonly env: EdgeEnv; readonly redis: () => RedisServer } {
  let redis: RedisServer | undefined;
  // Serial hooks run before the concurrent ones: Redis is up before its core starts.
  test.serial.before(async () => {
    redis = await startRedisServer();
  });
  const env = useEdge(test, {
    ...edge,
    core: {
      ...core,
      store: "redis",
      get redisUrl() {
        return (redis as RedisServer).url;
      },
    },
  });
  test.after.always(async () => redis?.stop());
  return { env, redis: () => redis as RedisServer };
}

/** `core`: settings both cores share (a manual clock, extra ZAQAR_* settings); `edge`: both edges' (admin mode, pooling). */
export function useEdgeOnStores(
  test: TestFn<unknown>,
  core: Omit<TestCoreOptions, "store" | "redisUrl"> = {},
  edge: Omit<EdgeOptions, "core" | "coreUrl"> = {},
): ReadonlyArray<readonly [Store, EdgeEnv]> {
  const memory = useEdge(test, { ...edge, core: { ...core } });
  const onRedis = useEdgeOnRedis(test, core, edge).env;
  return [
    ["memory", memory],
    ["redis", onRedis],
  ];
}
