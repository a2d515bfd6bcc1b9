/**
 * The webhook retry schedule of a job's effective retry policy
 * (rest-subscriptions-notifications.md §3.1, Zaqar's notification/tasks/webhook.py).
 *
 * After a failed first attempt, retries run in four phases:
 *   1. `retries_with_no_delay` retries at once;
 *   2. `minimum_delay_retries` retries, each `minimum_delay` seconds after the last;
 *   3. one retry per step of the backoff function, which walks from
 *      `minimum_delay` towards `maximum_delay` in LINEAR_INTERVAL (5 s) steps;
 *   4. `maximum_delay_retries` retries, each `maximum_delay` seconds after the last.
 * With the defaults that is 1 + 3 + 3 + 5 + 3 = 15 attempts.
 *
 * The backoff sequences are Zaqar's formulas, evaluated in the same floating
 * point order and truncated to integers as Python's int() does. Where Zaqar's
 * formulas divide by zero (fewer than two steps, or a zero minimum_delay for
 * geometric/exponential) Zaqar's notifier crashes; here the sequence is the
 * formula's first term only (one step) or none (no step), and a non-positive
 * minimum_delay starts geometric/exponential from 1 s. The core's validation
 * (maximum_delay - minimum_delay >= 10) keeps real policies away from those cases.
 *
 * The n-th term is computed on demand, so a policy with a huge span costs nothing.
 */
import { LINEAR_INTERVAL, RETRY_DEFAULTS, type BackoffFunction, type RetryPolicyValues } from "../../common/retry-policy.ts";


/** One backoff function between `min` and `max` seconds: its length and its k-th term (1-based). */
export interface BackoffSequence {
  readonly length: number;
  at(k: number): number;
}

/** Python's int() of a float: truncation towards zero. */
const int = Math.trunc;

/** Number of steps of the non-linear functions: int((max - min) / LINEAR_INTERVAL). */
function steps(min: number, max: number): number {
  return Math.max(0, int((max - min) / LINEAR_INTERVAL));
}

/** `range(min, max, 5)`. */
function linear(min: number, max: number): BackoffSequence {
  const length = max > min ? Math.ceil((max - min) / LINEAR_INTERVAL) : 0;
  return { length, at: (k) => min + (k - 1) * LINEAR_INTERVAL };
}

/** `min + (k-1)·k·d/2` with d = 2(max-min)/(n(n-1)). */
function arithmetic(min: number, max: number): BackoffSequence {
  const n = steps(min, max);
  if (n < 2) return { length: n, at: () => min };
  const d = (2.0 * (max - min)) / (n * (n - 1));
  return { length: n, at: (k) => int(min + ((k - 1) * k * d) / 2) };
}

/** The common ratio q = 10^(log10(max/min)/(n-1)). */
function ratio(min: number, max: number, n: number): number {
  return Math.pow(10, Math.log10(max / min) / (n - 1));
}

/** `min·q^(k-1)`. */
function geometric(min: number, max: number): BackoffSequence {
  const n = steps(min, max);
  const a = min > 0 ? min : 1;
  if (n < 2) return { length: n, at: () => a };
  const q = ratio(a, max, n);
  return { length: n, at: (k) => int(a * Math.pow(q, k - 1)) };
}

/** `(min/q)·q^k`. */
function exponential(min: number, max: number): BackoffSequence {
  const n = steps(min, max);
  const a = min > 0 ? min : 1;
  if (n < 2) return { length: n, at: () => a };
  const q = ratio(a, max, n);
  const p = a / q;
  return { length: n, at: (k) => int(p * Math.pow(q, k)) };
}

const FUNCTIONS: Record<BackoffFunction, (min: number, max: number) => BackoffSequence> = { linear, arithmetic, geometric, exponential };

/** The backoff sequence of `fn` (unknown names fall back to linear, Zaqar's default). */
export function backoffSequence(fn: string, min: number, max: number): BackoffSequence {
  const make = FUNCTIONS[fn as BackoffFunction] ?? linear;
  return make(min, max);
}

/** The whole sequence as an array (tests and docs; real schedules use backoffSequence). */
export function backoffList(fn: string, min: number, max: number): number[] {
  const s = backoffSequence(fn, min, max);
  return Array.from({ length: s.length }, (_, i) => s.at(i + 1));
}

export interface RetrySchedule {
  /** Attempts the policy allows in all, the first included. */
  readonly maxAttempts: number;
  /**
   * Seconds to wait before the next attempt once `attemptsMade` attempts
   * (>= 1) have failed; null when the policy is exhausted.
   */
  delayAfter(attemptsMade: number): number | null;
}

const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
const seconds = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

export function createRetrySchedule(policy: RetryPolicyValues = RETRY_DEFAULTS): RetrySchedule {
  const noDelay = count(policy.retriesWithNoDelay);
  const minRetries = count(policy.minimumDelayRetries);
  const maxRetries = count(policy.maximumDelayRetries);
  const min = seconds(policy.minimumDelay);
  const max = seconds(policy.maximumDelay);
  const backoff = backoffSequence(policy.retryBackoffFunction, min, max);
  const ends = [noDelay, noDelay + minRetries, noDelay + minRetries + backoff.length, noDelay + minRetries + backoff.length + maxRetries] as const;
  return {
    maxAttempts: 1 + ends[3],
    delayAfter(attemptsMade) {
      const retry = attemptsMade; // the retry about to be made, 1-based
      if (retry < 1) return 0;
      if (retry <= ends[0]) return 0;
      if (retry <= ends[1]) return min;
      if (retry <= ends[2]) return Math.max(0, backoff.at(retry - ends[1]));
      if (retry <= ends[3]) return max;
      return null;
    },
  };
}
