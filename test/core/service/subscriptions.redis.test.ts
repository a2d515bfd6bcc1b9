/** SubscriptionService over gRPC on Redis (the flows: subscription-flows.ts), one private redis-server for the file. */
import test from "ava";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { subscriptionSuite } from "./subscription-flows.ts";

let server: RedisServer | undefined;
test.before(async () => {
  server = await startRedisServer();
});
test.after.always(async () => {
  await server?.stop();
});

subscriptionSuite({ store: "redis", redisUrl: async () => (server as RedisServer).url });
