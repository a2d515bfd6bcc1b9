/** The subscription confirmation flow end to end on the Redis store (see support/confirmation.ts). */
import { defineConfirmationFlows } from "./support/confirmation.ts";

defineConfirmationFlows("redis");
