/**
 * Wakes the WatchMessages streams of a queue as soon as this core posts to
 * it. Streams also poll storage (posts through other cores, delayed messages
 * becoming visible); this only cuts the latency of posts made here. A post to
 * a queue nobody watches costs one map lookup.
 *
 * Each stream holds a Watch with a `posted` flag: a post sets it, the stream
 * clears it before reading storage, and wait() returns at once when it is set,
 * so a post landing between a read and the wait is not slept through.
 */
import type { Scope } from "../storage/driver.ts";

export interface Watch {
  /** Clears the flag: call right before reading storage. */
  reset(): void;
  /** Resolves at once if a post came since reset(); else after `ms`, at the next post, on abort or at close. */
  wait(ms: number, signal: AbortSignal): Promise<void>;
  /** The stream ended: forget it. */
  release(): void;
}

export interface PushSignal {
  /** Messages were just posted to `scope`: wakes its streams. */
  posted(scope: Scope): void;
  watch(scope: Scope): Watch;
  /** Wakes every stream for good; later waits resolve at once. */
  close(): void;
  readonly closed: boolean;
  /** Streams registered right now. */
  readonly watches: number;
}

interface Entry {
  posted: boolean;
  wake: (() => void) | null;
}

export function createPushSignal(): PushSignal {
  const byQueue = new Map<string, Set<Entry>>();
  let closed = false;
  let count = 0;
  const keyOf = (s: Scope): string => `${s.project}\u0000${s.queue}`;

  const nudge = (entry: Entry): void => {
    entry.posted = true;
    const wake = entry.wake;
    entry.wake = null;
    wake?.();
  };

  return {
    posted(scope) {
      if (byQueue.size === 0) return;
      const entries = byQueue.get(keyOf(scope));
      if (entries !== undefined) for (const entry of entries) nudge(entry);
    },
    watch(scope) {
      const key = keyOf(scope);
      const entry: Entry = { posted: false, wake: null };
      let entries = byQueue.get(key);
      if (entries === undefined) byQueue.set(key, (entries = new Set()));
      entries.add(entry);
      count++;
      let released = false;
      return {
        reset() {
          entry.posted = false;
        },
        wait(ms, signal) {
          if (closed || entry.posted || signal.aborted) return Promise.resolve();
          return new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              signal.removeEventListener("abort", done);
              if (entry.wake === done) entry.wake = null;
              resolve();
            };
            const timer = setTimeout(done, ms);
            entry.wake = done;
            signal.addEventListener("abort", done, { once: true });
          });
        },
        release() {
          if (released) return;
          released = true;
          entry.wake?.();
          count--;
          const set = byQueue.get(key);
          if (set?.delete(entry) && set.size === 0) byQueue.delete(key);
        },
      };
    },
    close() {
      closed = true;
      for (const entries of byQueue.values()) for (const entry of entries) nudge(entry);
    },
    get closed() {
      return closed;
    },
    get watches() {
      return count;
    },
  };
}
