/** Notification delivery end to end on the Redis store (see support/flows.ts). */
import { defineNotifyFlows } from "./support/flows.ts";

defineNotifyFlows("redis");
