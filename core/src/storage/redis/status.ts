/**
 * Negative status codes returned by the Lua scripts (see each script's header)
 * and the one place that turns them into ZaqarErrors.
 */
import type { ZaqarError } from "../../errors.ts";
import type { Scope } from "../driver.ts";
import {
  claimGone,
  claimNotFound,
  messageClaimed,
  messageNotClaimed,
  messageNotFound,
  queueNotFound,
  subscriptionExists,
  subscriptionNotFound,
  versionMismatch,
} from "../failures.ts";

export const Status = {
  QUEUE_NOT_FOUND: -1,
  MESSAGE_NOT_FOUND: -2,
  CLAIM_NOT_FOUND: -3,
  MESSAGE_CLAIMED: -4,
  CLAIM_GONE: -5,
  MESSAGE_NOT_CLAIMED: -6,
  QUEUE_VERSION_MISMATCH: -7,
  SUBSCRIPTION_NOT_FOUND: -8,
  SUBSCRIPTION_EXISTS: -9,
  /** -10..-14: the catalog scripts' (catalog.ts turns them into errors, naming the pool or flavor). */
  POOL_NOT_FOUND: -10,
  FLAVOR_NOT_FOUND: -11,
  POOL_URI_IN_USE: -12,
  POOL_CAPABILITIES_MISMATCH: -13,
  POOL_IN_USE: -14,
  /** Not an error: the housekeeping backlog exceeded the budget; the driver calls again. */
  BEHIND: -100,
} as const;

/** Whether a script reply is a status code rather than data. */
export function isStatus(reply: unknown): reply is number {
  return typeof reply === "number" && reply < 0;
}

/** The error for a status code; `id` names the message, claim or subscription involved. */
export function statusError(code: number, scope: Scope, id = ""): ZaqarError | Error {
  switch (code) {
    case Status.QUEUE_NOT_FOUND:
      return queueNotFound(scope);
    case Status.MESSAGE_NOT_FOUND:
      return messageNotFound(scope, id);
    case Status.CLAIM_NOT_FOUND:
      return claimNotFound(scope, id);
    case Status.MESSAGE_CLAIMED:
      return messageClaimed();
    case Status.CLAIM_GONE:
      return claimGone();
    case Status.MESSAGE_NOT_CLAIMED:
      return messageNotClaimed();
    case Status.QUEUE_VERSION_MISMATCH:
      return versionMismatch();
    case Status.SUBSCRIPTION_NOT_FOUND:
      return subscriptionNotFound(id);
    case Status.SUBSCRIPTION_EXISTS:
      return subscriptionExists();
    default:
      // A code with no mapping is a bug in a script, not a client error.
      return new Error(`redis driver: unknown script status ${code}`);
  }
}
