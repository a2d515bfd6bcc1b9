/** The subscription confirmation flow end to end on the memory store (see support/confirmation.ts). */
import { defineConfirmationFlows } from "./support/confirmation.ts";

defineConfirmationFlows("memory");
