/**
 * Zaqar's `_retry_policy` (../shared/spec/rest-subscriptions-notifications.md
 * §3.1): its validation, shared by subscription options and queue metadata,
 * and the effective policy of a delivery.
 */
import { BACKOFF_FUNCTIONS, LINEAR_INTERVAL, RETRY_DEFAULTS, type RetryPolicyValues } from "../../../common/retry-policy.ts";
import { ZaqarError, type Reason } from "../errors.ts";
import { isPlainObject, isPyInt, pyIntValue, pyTruthy } from "./json.ts";


// Zaqar's key order, which decides which error a policy with several problems gets.
const INT_KEYS = ["retries_with_no_delay", "minimum_delay_retries", "minimum_delay", "maximum_delay", "maximum_delay_retries"] as const;

/**
 * Throws `reason` for an invalid `_retry_policy` of `container` (subscription
 * options or queue metadata). As in Zaqar, only truthy values are type
 * checked, and the delay range check fills absent delays with the defaults,
 * so `{}` passes. A delay that is present but cannot be compared (null, "",
 * [], {}) crashes Zaqar; here it gets the integer text.
 */
export function validateRetryPolicy(container: unknown, reason: Reason): void {
  const policy = isPlainObject(container) ? container["_retry_policy"] : undefined;
  if (!pyTruthy(policy)) return;
  if (!isPlainObject(policy)) throw new ZaqarError(reason, "retry_policy must be a dict.");
  for (const key of INT_KEYS) {
    const value = policy[key];
    if (pyTruthy(value) && !isPyInt(value)) throw new ZaqarError(reason, `Retry policy: ${key} must be a integer.`);
  }
  const backoff = policy["retry_backoff_function"];
  if (pyTruthy(backoff)) {
    if (typeof backoff !== "string") throw new ZaqarError(reason, "retry_backoff_function must be a string.");
    if (!BACKOFF_FUNCTIONS.has(backoff)) throw new ZaqarError(reason, "invalid retry_backoff_function.");
  }
  const ignore = policy["ignore_subscription_override"];
  if (pyTruthy(ignore) && typeof ignore !== "boolean") {
    throw new ZaqarError(reason, "ignore_subscription_override must be a boolean.");
  }
  const delay = (key: "minimum_delay" | "maximum_delay", fallback: number): number => {
    if (!(key in policy)) return fallback;
    const value = policy[key];
    if (typeof value === "number") return value;
    if (typeof value === "boolean") return pyIntValue(value);
    throw new ZaqarError(reason, `Retry policy: ${key} must be a integer.`);
  };
  const min = delay("minimum_delay", RETRY_DEFAULTS.minimumDelay);
  const max = delay("maximum_delay", RETRY_DEFAULTS.maximumDelay);
  if (max < min) throw new ZaqarError(reason, "minimum_delay must less than maximum_delay.");
  if (max - min < 2 * LINEAR_INTERVAL) throw new ZaqarError(reason, "invalid minimum_delay and maximum_delay.");
}

const policyOf = (container: unknown): Record<string, unknown> => {
  const policy = isPlainObject(container) ? container["_retry_policy"] : undefined;
  return isPlainObject(policy) ? policy : {};
};

const INT32_MAX = 2147483647;

/** A count or delay from a policy: a non-negative int32, else the default. */
function intOf(value: unknown, fallback: number): number {
  if (!isPyInt(value)) return fallback;
  return Math.min(Math.max(pyIntValue(value), 0), INT32_MAX);
}

/**
 * The policy of a delivery (upstream's webhook task): the subscription's
 * `_retry_policy`, else the queue's; the queue's whenever either says
 * `ignore_subscription_override`. Keys the chosen policy lacks (or holds
 * values of the wrong type, stored before validation existed) take the
 * defaults; keys are not mixed from the two policies.
 */
export function effectiveRetryPolicy(subscriptionOptions: unknown, queueMetadata: unknown): RetryPolicyValues {
  const sub = policyOf(subscriptionOptions);
  const queue = policyOf(queueMetadata);
  const queueWins = sub["ignore_subscription_override"] === true || queue["ignore_subscription_override"] === true;
  const chosen = queueWins ? queue : pyTruthy(sub) ? sub : queue;
  const backoff = chosen["retry_backoff_function"];
  return {
    retriesWithNoDelay: intOf(chosen["retries_with_no_delay"], RETRY_DEFAULTS.retriesWithNoDelay),
    minimumDelayRetries: intOf(chosen["minimum_delay_retries"], RETRY_DEFAULTS.minimumDelayRetries),
    minimumDelay: intOf(chosen["minimum_delay"], RETRY_DEFAULTS.minimumDelay),
    maximumDelay: intOf(chosen["maximum_delay"], RETRY_DEFAULTS.maximumDelay),
    maximumDelayRetries: intOf(chosen["maximum_delay_retries"], RETRY_DEFAULTS.maximumDelayRetries),
    retryBackoffFunction:
      typeof backoff === "string" && BACKOFF_FUNCTIONS.has(backoff) ? backoff : RETRY_DEFAULTS.retryBackoffFunction,
  };
}
