/**
 * Zaqar's webhook retry policy as data (rest-subscriptions-notifications.md
 * §3.1): its fields, upstream's defaults (consts.py) and backoff function
 * names. The core validates and renders policies; the notifier turns them into
 * a schedule; both read these from here so they cannot drift apart.
 */

/** A retry policy with every key filled in. Delays are seconds. */
export interface RetryPolicyValues {
  readonly retriesWithNoDelay: number;
  readonly minimumDelayRetries: number;
  readonly minimumDelay: number;
  readonly maximumDelay: number;
  readonly maximumDelayRetries: number;
  readonly retryBackoffFunction: string;
}

/** Upstream's consts: RETRIES_WITH_NO_DELAY, MINIMUM_DELAY_RETRIES, MINIMUM_DELAY, ... */
export const RETRY_DEFAULTS: RetryPolicyValues = Object.freeze({
  retriesWithNoDelay: 3,
  minimumDelayRetries: 3,
  minimumDelay: 5,
  maximumDelay: 30,
  maximumDelayRetries: 3,
  retryBackoffFunction: "linear",
});

export type BackoffFunction = "linear" | "arithmetic" | "geometric" | "exponential";

/** The backoff functions Zaqar knows. */
export const BACKOFF_FUNCTIONS: ReadonlySet<string> = new Set<BackoffFunction>(["linear", "arithmetic", "geometric", "exponential"]);

/** Seconds between backoff steps: Zaqar's consts.LINEAR_INTERVAL. */
export const LINEAR_INTERVAL = 5;
