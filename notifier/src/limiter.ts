/**
 * A tiny concurrency limiter: at most `max` tasks run at once, the rest wait
 * in FIFO order. The worker keeps one per delivery kind, so a stalled SMTP
 * server can fill only the mail slots, never the webhook ones.
 */
export interface Limiter {
  /** Runs `task` when a slot is free. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly waiting: number;
  /** Resolves once nothing runs or waits. */
  idle(): Promise<void>;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const queue: Array<() => void> = [];
  let idleWaiters: Array<() => void> = [];

  const next = (): void => {
    active--;
    const start = queue.shift();
    if (start) start();
    else if (active === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = (): void => {
          active++;
          task().then(resolve, reject).finally(next);
        };
        if (active < max) start();
        else queue.push(start);
      });
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    idle() {
      if (active === 0 && queue.length === 0) return Promise.resolve();
      return new Promise<void>((r) => idleWaiters.push(r));
    },
  };
}
