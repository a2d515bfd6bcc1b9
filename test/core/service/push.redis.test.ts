/** PushService.WatchMessages on Redis (the flows: push-flows.ts), one redis-server for the file. */
import test from "ava";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { pushSuite } from "./push-flows.ts";

let redis: RedisServer | undefined;
test.before(async () => {
  redis = await startRedisServer();
});
test.after.always(async () => redis?.stop());

pushSuite(test, { store: "redis", redisUrl: () => redis!.url });
