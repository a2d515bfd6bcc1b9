/** Dead-lettering over REST with the core on Redis (the flows of dead-letter-flows.ts). */
import anyTest, { type TestFn } from "ava";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { defineDeadLetterFlows } from "./dead-letter-flows.ts";
import { useEdge } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
let redis: RedisServer;
// Serial hooks run before the concurrent ones: Redis is up before the core starts.
test.serial.before(async () => {
  redis = await startRedisServer();
});
const env = useEdge(test, {
  core: {
    store: "redis",
    get redisUrl() {
      return redis.url;
    },
  },
});
test.after.always(async () => redis?.stop());

defineDeadLetterFlows(test, env);
