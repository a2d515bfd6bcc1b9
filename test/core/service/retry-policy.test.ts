/**
 * `_retry_policy` (rest-subscriptions-notifications.md §3.1): every
 * validation text, in Zaqar's order, on subscription options and on queue
 * metadata PUT and PATCH; and the effective policy of a delivery.
 */
import * as grpc from "@grpc/grpc-js";
import test from "ava";
import { RETRY_DEFAULTS } from "../../../common/retry-policy.ts";
import { ZaqarError } from "../../../core/src/errors.ts";
import { effectiveRetryPolicy, validateRetryPolicy } from "../../../core/src/service/retry-policy.ts";
import { json, parse, startHarness } from "./subscription-harness.ts";

const textOf = (policy: unknown): string | null => {
  try {
    validateRetryPolicy({ _retry_policy: policy }, "INVALID_REQUEST");
    return null;
  } catch (err) {
    return (err as ZaqarError).message;
  }
};

const cases: ReadonlyArray<readonly [unknown, string | null]> = [
  [{}, null],
  [null, null],
  [0, null],
  ["", null],
  [[], null],
  ["linear", "retry_policy must be a dict."],
  [[1], "retry_policy must be a dict."],
  [5, "retry_policy must be a dict."],
  [{ retries_with_no_delay: "3" }, "Retry policy: retries_with_no_delay must be a integer."],
  [{ minimum_delay_retries: 1.5 }, "Retry policy: minimum_delay_retries must be a integer."],
  [{ minimum_delay: "5" }, "Retry policy: minimum_delay must be a integer."],
  [{ maximum_delay: [30] }, "Retry policy: maximum_delay must be a integer."],
  [{ maximum_delay_retries: { n: 1 } }, "Retry policy: maximum_delay_retries must be a integer."],
  [{ retries_with_no_delay: 0, minimum_delay_retries: false, maximum_delay_retries: "" }, null],
  [{ retry_backoff_function: 1 }, "retry_backoff_function must be a string."],
  [{ retry_backoff_function: "cubic" }, "invalid retry_backoff_function."],
  [{ retry_backoff_function: "" }, null],
  [{ retry_backoff_function: "exponential", ignore_subscription_override: true }, null],
  [{ ignore_subscription_override: "yes" }, "ignore_subscription_override must be a boolean."],
  [{ ignore_subscription_override: 0 }, null],
  [{ minimum_delay: 31 }, "minimum_delay must less than maximum_delay."],
  [{ minimum_delay: 21 }, "invalid minimum_delay and maximum_delay."],
  [{ minimum_delay: 20 }, null],
  [{ maximum_delay: 14 }, "invalid minimum_delay and maximum_delay."],
  [{ maximum_delay: 15 }, null],
  [{ minimum_delay: 0, maximum_delay: 10 }, null],
  [{ minimum_delay: 10, maximum_delay: 5 }, "minimum_delay must less than maximum_delay."],
  [{ minimum_delay: null }, "Retry policy: minimum_delay must be a integer."],
  // Zaqar's key order: the integer keys first, then the backoff function, then the override flag, then the range.
  [{ ignore_subscription_override: 1, retry_backoff_function: 2, maximum_delay: "x" }, "Retry policy: maximum_delay must be a integer."],
  [{ ignore_subscription_override: 1, retry_backoff_function: 2 }, "retry_backoff_function must be a string."],
  [{ ignore_subscription_override: 1, minimum_delay: 40 }, "ignore_subscription_override must be a boolean."],
];

for (const [policy, text] of cases) {
  test(`retry policy ${JSON.stringify(policy)} ${text === null ? "passes" : `fails with "${text}"`}`, (t) => {
    t.is(textOf(policy), text);
  });
}

test("a retry policy error carries the caller's reason", (t) => {
  const err = t.throws(() => validateRetryPolicy({ _retry_policy: "x" }, "INVALID_BODY"), { instanceOf: ZaqarError });
  t.is(err?.reason, "INVALID_BODY");
  t.notThrows(() => validateRetryPolicy(undefined, "INVALID_BODY"));
  t.notThrows(() => validateRetryPolicy({ other: 1 }, "INVALID_BODY"));
});

test("the effective policy is the subscription's, else the queue's, else the defaults, key by key", (t) => {
  const sub = { _retry_policy: { retries_with_no_delay: 1, retry_backoff_function: "geometric" } };
  const queue = { _retry_policy: { retries_with_no_delay: 7, maximum_delay: 60 } };
  t.deepEqual(effectiveRetryPolicy({}, {}), RETRY_DEFAULTS);
  t.deepEqual(effectiveRetryPolicy(sub, queue), { ...RETRY_DEFAULTS, retriesWithNoDelay: 1, retryBackoffFunction: "geometric" });
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: {} }, queue), { ...RETRY_DEFAULTS, retriesWithNoDelay: 7, maximumDelay: 60 });
  t.deepEqual(effectiveRetryPolicy({}, queue), { ...RETRY_DEFAULTS, retriesWithNoDelay: 7, maximumDelay: 60 });
});

test("ignore_subscription_override on either policy makes the queue's policy win", (t) => {
  const queuePolicy = { ...RETRY_DEFAULTS, retriesWithNoDelay: 7 };
  const sub = { retries_with_no_delay: 1 };
  const queue = { retries_with_no_delay: 7 };
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: sub }, { _retry_policy: { ...queue, ignore_subscription_override: true } }), queuePolicy);
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: { ...sub, ignore_subscription_override: true } }, { _retry_policy: queue }), queuePolicy);
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: { ...sub, ignore_subscription_override: true } }, {}), RETRY_DEFAULTS);
});

test("stored policy values of the wrong type or range fall back to the defaults", (t) => {
  const policy = { retries_with_no_delay: "2", minimum_delay: -5, maximum_delay: 1e12, maximum_delay_retries: true, retry_backoff_function: "cubic" };
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: policy }, {}), {
    ...RETRY_DEFAULTS,
    minimumDelay: 0,
    maximumDelay: 2147483647,
    maximumDelayRetries: 1,
  });
  t.deepEqual(effectiveRetryPolicy({ _retry_policy: "x" }, { _retry_policy: [1] }), RETRY_DEFAULTS);
});

test("queue metadata PUT and PATCH validate _retry_policy", async (t) => {
  const h = await startHarness(t, { store: "memory" });
  const put = await h.failure("QueueService", "CreateQueue", { queue: "q", metadata: json({ _retry_policy: { retry_backoff_function: "cubic" } }) });
  t.like(put, { code: grpc.status.INVALID_ARGUMENT, details: "invalid retry_backoff_function.", reason: "INVALID_REQUEST", title: "Invalid API request" });
  await h.call("QueueService", "CreateQueue", { queue: "q", metadata: json({ _retry_policy: { maximum_delay: 60 } }) });
  const patch = json([{ op: "replace", path: "/metadata/_retry_policy", value: { minimum_delay: 55, maximum_delay: 60 } }]);
  t.like(await h.failure("QueueService", "UpdateQueue", { queue: "q", patch }), {
    details: "invalid minimum_delay and maximum_delay.",
    reason: "INVALID_BODY",
    title: "Invalid request body",
  });
  const ok = json([{ op: "replace", path: "/metadata/_retry_policy", value: { minimum_delay: 50, maximum_delay: 60, ignore_subscription_override: true } }]);
  const updated = await h.call("QueueService", "UpdateQueue", { queue: "q", patch: ok });
  t.deepEqual(parse(updated.metadata)._retry_policy, { minimum_delay: 50, maximum_delay: 60, ignore_subscription_override: true });
  t.like(await h.failure("TopicService", "CreateTopic", { topic: "t", metadata: json({ _retry_policy: [1] }) }), {
    details: "retry_policy must be a dict.",
  });
});
