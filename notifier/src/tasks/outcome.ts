/**
 * What one delivery attempt came to. The worker acks a delivered job, hands a
 * retryable failure back with the next delay of its retry schedule, and acks
 * (with an error log) a failure that retrying cannot fix.
 */
export type Outcome =
  | { readonly delivered: true; readonly detail: string }
  | { readonly delivered: false; readonly retry: boolean; readonly detail: string };

export const delivered = (detail: string): Outcome => ({ delivered: true, detail });
/** A failure that may pass on a later attempt (network, timeout, a refusing receiver). */
export const transient = (detail: string): Outcome => ({ delivered: false, retry: true, detail });
/** A failure that the same attempt would meet again (bad target, refused redirect, rejected mail). */
export const permanent = (detail: string): Outcome => ({ delivered: false, retry: false, detail });
