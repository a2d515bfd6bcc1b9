/**
 * NotificationService and confirmations over gRPC on Redis (the flows:
 * notification-flows.ts, confirmation-flows.ts). Jobs are leased across a
 * whole store, so each test gets its own redis-server.
 */
import { confirmationSuite } from "./confirmation-flows.ts";
import { notificationSuite } from "./notification-flows.ts";
import { redisPerTest } from "./subscription-harness.ts";

notificationSuite({ store: "redis", redisUrl: redisPerTest });
confirmationSuite({ store: "redis", redisUrl: redisPerTest });
