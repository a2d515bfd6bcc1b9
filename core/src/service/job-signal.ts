/**
 * Wakes LeaseJobs long polls of this core as soon as it records jobs.
 *
 * Long polls also poll storage every ~75 ms (jobs recorded by another core
 * or becoming due after a retry delay are found that way); this only cuts
 * the latency of jobs recorded here. A post records jobs only when its queue
 * has subscriptions, which the service does not know, so the signal keeps a
 * bounded set of queues seen with subscriptions lately (created here, or
 * leased jobs from them): posts to those wake the polls, posts elsewhere
 * cost one map lookup.
 */
import type { Scope } from "../storage/driver.ts";

export interface JobSignal {
  /** Notes that `scope` has subscriptions: for a while, posts to it wake the polls. */
  watch(scope: Scope): void;
  /** True when posts to `scope` may record jobs. */
  watches(scope: Scope): boolean;
  /** Jobs were just recorded: wakes every waiting poll. */
  recorded(): void;
  /** Resolves after `ms`, at the next recorded(), on abort or at close, whichever is first. */
  wait(ms: number, signal?: AbortSignal): Promise<void>;
  /** Wakes every waiter for good; later waits resolve at once. */
  close(): void;
  readonly closed: boolean;
}

const WATCH_MS = 10 * 60_000;
const MAX_WATCHED = 100_000;

export function createJobSignal(now: () => number = Date.now): JobSignal {
  const watched = new Map<string, number>();
  let waiters = new Set<() => void>();
  let closed = false;
  const keyOf = (s: Scope): string => `${s.project}\u0000${s.queue}`;

  const wakeAll = (): void => {
    if (waiters.size === 0) return;
    const woken = waiters;
    waiters = new Set();
    for (const wake of woken) wake();
  };

  return {
    watch(scope) {
      const key = keyOf(scope);
      watched.delete(key);
      watched.set(key, now() + WATCH_MS);
      // Map keeps insertion order: the first entry is the one watched longest ago.
      if (watched.size > MAX_WATCHED) watched.delete(watched.keys().next().value as string);
    },
    watches(scope) {
      if (watched.size === 0) return false;
      const until = watched.get(keyOf(scope));
      return until !== undefined && until > now();
    },
    recorded: wakeAll,
    wait(ms, signal) {
      if (closed || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(done);
          signal?.removeEventListener("abort", done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.add(done);
        signal?.addEventListener("abort", done, { once: true });
      });
    },
    close() {
      closed = true;
      wakeAll();
    },
    get closed() {
      return closed;
    },
  };
}
