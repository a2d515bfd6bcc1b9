/** Dead and competing notifiers on the Redis store (see support/failover.ts). */
import { defineFailoverFlows } from "./support/failover.ts";

defineFailoverFlows("redis");
