/** SubscriptionService over gRPC on the memory store (the flows: subscription-flows.ts). */
import { subscriptionSuite } from "./subscription-flows.ts";

subscriptionSuite({ store: "memory" });
