/** Dead and competing notifiers on the memory store (see support/failover.ts). */
import { defineFailoverFlows } from "./support/failover.ts";

defineFailoverFlows("memory");
