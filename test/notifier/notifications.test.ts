/** Notification delivery end to end on the memory store (see support/flows.ts). */
import { defineNotifyFlows } from "./support/flows.ts";

defineNotifyFlows("memory");
