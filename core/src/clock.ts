/**
 * Time source of the core. Storage drivers and handlers never call Date.now()
 * themselves, so tests can move time forward without waiting (Zaqar passes
 * `now` into its Lua scripts for the same reason).
 */
export interface Clock {
  /** Current time in Unix milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and the health smoke test. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function createManualClock(startMs = Date.now()): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (ms) => {
      current = ms;
    },
  };
}
