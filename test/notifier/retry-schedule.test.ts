import test, { type ExecutionContext } from "ava";
import { RETRY_DEFAULTS, type RetryPolicyValues } from "../../common/retry-policy.ts";
import { backoffList, createRetrySchedule } from "../../notifier/src/retry-schedule.ts";

// Reference sequences: Zaqar's four functions (notification/tasks/webhook.py) run
// under CPython 3 on this machine, e.g. _Geometric_function(5, 30, 5).
const reference: ReadonlyArray<readonly [number, number, Record<string, number[]>]> = [
  [5, 30, {
    linear: [5, 10, 15, 20, 25],
    arithmetic: [5, 7, 12, 20, 30],
    geometric: [5, 7, 12, 19, 30],
    exponential: [5, 7, 12, 19, 30],
  }],
  [10, 100, {
    linear: [10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95],
    arithmetic: [10, 10, 11, 13, 15, 18, 22, 26, 31, 36, 42, 48, 55, 63, 71, 80, 90, 100],
    geometric: [10, 11, 13, 15, 17, 19, 22, 25, 29, 33, 38, 44, 50, 58, 66, 76, 87, 100],
    exponential: [10, 11, 13, 15, 17, 19, 22, 25, 29, 33, 38, 44, 50, 58, 66, 76, 87, 100],
  }],
  [5, 60, {
    linear: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55],
    arithmetic: [5, 6, 8, 11, 15, 20, 26, 33, 41, 50, 60],
    geometric: [5, 6, 8, 10, 13, 17, 22, 28, 36, 46, 59],
    exponential: [5, 6, 8, 10, 13, 17, 22, 28, 36, 46, 59],
  }],
  [3, 33, {
    linear: [3, 8, 13, 18, 23, 28],
    arithmetic: [3, 5, 9, 15, 23, 33],
    geometric: [3, 4, 7, 12, 20, 32],
    exponential: [3, 4, 7, 12, 20, 32],
  }],
  // Python's range() rounds the linear length up, the others' int((b-a)/5) rounds down.
  [5, 32, {
    linear: [5, 10, 15, 20, 25, 30],
    arithmetic: [5, 7, 13, 21, 32],
  }],
  [1, 11, {
    linear: [1, 6],
    arithmetic: [1, 11],
    geometric: [1, 10],
    exponential: [1, 10],
  }],
  [60, 199, {
    arithmetic: [60, 60, 61, 62, 63, 65, 68, 71, 74, 77, 81, 86, 90, 96, 101, 107, 113, 120, 127, 135, 143, 151, 160, 169, 178, 188, 199],
    geometric: [60, 62, 65, 68, 72, 75, 79, 82, 86, 90, 95, 99, 104, 109, 114, 119, 125, 131, 137, 144, 150, 158, 165, 173, 181, 190, 199],
  }],
];

for (const [min, max, byFunction] of reference) {
  for (const [fn, expected] of Object.entries(byFunction)) {
    test(`the ${fn} backoff from ${min} to ${max} s is Zaqar's sequence`, (t) => {
      t.deepEqual(backoffList(fn, min, max), expected);
    });
  }
}

test("every backoff function runs from minimum_delay to maximum_delay, never decreasing", (t) => {
  for (let min = 1; min <= 60; min++) {
    for (let max = min + 10; max < 400; max += 7) {
      for (const fn of ["arithmetic", "geometric", "exponential"]) {
        const seq = backoffList(fn, min, max);
        t.is(seq.length, Math.trunc((max - min) / 5), `${fn} ${min}..${max} length`);
        // Truncating a float that lands a hair under an integer loses a second (Zaqar's formulas do the same).
        const ends = (x: number | undefined, target: number) => x === target || x === target - 1;
        t.true(fn === "exponential" ? ends(seq[0], min) : seq[0] === min, `${fn} ${min}..${max} first ${seq[0]}`);
        for (let i = 1; i < seq.length; i++) t.true(seq[i]! >= seq[i - 1]!, `${fn} ${min}..${max} non-decreasing`);
        t.true(ends(seq.at(-1), max), `${fn} ${min}..${max} last ${seq.at(-1)}`);
      }
      const linear = backoffList("linear", min, max);
      t.deepEqual(linear, Array.from({ length: Math.ceil((max - min) / 5) }, (_, i) => min + 5 * i));
    }
  }
});

test("an unknown backoff function name walks like linear", (t) => {
  t.deepEqual(backoffList("quadratic", 5, 30), [5, 10, 15, 20, 25]);
});

test("degenerate spans give the formula's first term or nothing instead of dividing by zero", (t) => {
  t.deepEqual(backoffList("geometric", 0, 10), [1, 10]);
  t.deepEqual(backoffList("exponential", 0, 10), [1, 10]);
  t.deepEqual(backoffList("arithmetic", 5, 12), [5]);
  t.deepEqual(backoffList("geometric", 5, 12), [5]);
  t.deepEqual(backoffList("arithmetic", 5, 9), []);
  t.deepEqual(backoffList("linear", 30, 5), []);
});

/** All delays of a schedule, after attempt 1, 2, ... until it says stop; checks maxAttempts agrees. */
function delays(t: ExecutionContext, policy: RetryPolicyValues): number[] {
  const schedule = createRetrySchedule(policy);
  const out: number[] = [];
  for (let attempts = 1; ; attempts++) {
    const d = schedule.delayAfter(attempts);
    if (d === null) break;
    out.push(d);
  }
  t.is(schedule.maxAttempts, out.length + 1);
  return out;
}

test("the default policy makes 15 attempts: 3 at once, 3 after 5 s, the linear backoff, 3 after 30 s", (t) => {
  t.deepEqual(delays(t, RETRY_DEFAULTS), [0, 0, 0, 5, 5, 5, 5, 10, 15, 20, 25, 30, 30, 30]);
  t.is(createRetrySchedule().maxAttempts, 15);
});

test("each phase of a policy can be empty", (t) => {
  const base = { ...RETRY_DEFAULTS };
  t.deepEqual(delays(t, { ...base, retriesWithNoDelay: 0, minimumDelayRetries: 0, maximumDelayRetries: 0, retryBackoffFunction: "arithmetic" }), [5, 7, 12, 20, 30]);
  t.deepEqual(delays(t, { ...base, retriesWithNoDelay: 2, minimumDelayRetries: 1, minimumDelay: 10, maximumDelay: 10, maximumDelayRetries: 1 }), [0, 0, 10, 10]);
  t.deepEqual(delays(t, { ...base, retriesWithNoDelay: 0, minimumDelayRetries: 0, minimumDelay: 0, maximumDelay: 0, maximumDelayRetries: 0 }), []);
});

test("negative or fractional retry counts count as whole non-negative numbers", (t) => {
  const policy = { ...RETRY_DEFAULTS, retriesWithNoDelay: -4, minimumDelayRetries: 1.7, maximumDelayRetries: -1, minimumDelay: 10, maximumDelay: 20 };
  t.deepEqual(delays(t, policy), [10, 10, 15]);
});

test("a huge span costs nothing up front and still walks step by step", (t) => {
  const schedule = createRetrySchedule({ ...RETRY_DEFAULTS, minimumDelay: 5, maximumDelay: 2_000_000_000 });
  t.is(schedule.maxAttempts, 1 + 3 + 3 + 399_999_999 + 3);
  t.is(schedule.delayAfter(7), 5);
  t.is(schedule.delayAfter(8), 10);
  t.is(schedule.delayAfter(9), 15);
});
