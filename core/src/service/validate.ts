/**
 * Validation of names and numeric parameters, with Zaqar's texts
 * (../shared/spec/README.md §7, rest-messages-claims.md).
 */
import { ZaqarError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { CallContext } from "../context.ts";
import type { Scope } from "../storage/driver.ts";

/** Zaqar's queue (and topic) name characters; the length limit is limits.maxQueueNameLength. */
export const QUEUE_NAME = /^[a-zA-Z0-9_.-]+$/;

/** The queue scope of an operation, or INVALID_QUEUE_NAME (Zaqar checks the project length here too). */
export function queueScope(ctx: CallContext, queue: string, limits: Limits): Scope {
  if (
    queue.length > limits.maxQueueNameLength ||
    !QUEUE_NAME.test(queue) ||
    ctx.project.length > limits.maxProjectIdLength
  ) {
    throw new ZaqarError(
      "INVALID_QUEUE_NAME",
      "The format of the submitted queue name or project id is not valid.",
    );
  }
  return { project: ctx.project, queue };
}

export const invalid = (description: string): ZaqarError => new ZaqarError("INVALID_REQUEST", description);

/** `value` when set and within 1..max, `fallback` when unset, else INVALID_REQUEST with `text`. */
export function pageSize(value: number | undefined, fallback: number, max: number, text: string): number {
  if (value === undefined) return fallback;
  if (value < 1 || value > max) throw invalid(text);
  return value;
}

export const messagesLimitText = (max: number): string => `Limit must be at least 1 and may not be greater than ${max}.`;
export const queuesLimitText = (max: number): string => `Limit must be at least 1 and no greater than ${max}.`;

export const ttlText = (limits: Limits): string =>
  `The TTL for a message may not exceed ${limits.maxMessageTtl} seconds, and must be at least ${limits.minMessageTtl} seconds long.`;
export const delayText = (limits: Limits): string =>
  `The Delay TTL for a message may not exceed ${limits.maxMessageDelay} seconds,and must be at least 0 seconds long.`;
export const claimTtlText = (limits: Limits): string =>
  `The TTL for a claim may not exceed ${limits.maxClaimTtl} seconds, and must be at least ${limits.minClaimTtl} seconds long.`;
export const claimGraceText = (limits: Limits): string =>
  `The grace for a claim may not exceed ${limits.maxClaimGrace} seconds, and must be at least ${limits.minClaimGrace} seconds long.`;
export const notIntText = (field: string): string => `The value of the "${field}" field must be a int.`;
