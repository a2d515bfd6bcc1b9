/**
 * Batches AckJobs calls: finished jobs are collected and sent together, one
 * call in flight at a time (what finishes meanwhile rides on the next call),
 * so the call rate adapts to the delivery rate. A failed call is tried again
 * a second later with everything still inside its lease; a job whose ack
 * never lands is leased again when its lease ends (delivered twice: at least once).
 */
import type { JobRef, JobsClient } from "./core-client.ts";
import { events, type Logger } from "./log.ts";

export interface AckBatcher {
  add(job: JobRef): void;
  /** Sends everything pending and waits for it (a few tries; for shutdown). */
  flush(): Promise<void>;
  readonly pending: number;
}

const MAX_BATCH = 1000;
const RETRY_MS = 1000;

interface Pending {
  readonly id: string;
  readonly leaseId: string;
  /** Date.now() when it was added. */
  readonly since: number;
}

export function createAckBatcher(client: JobsClient, log: Logger, leaseMs: number): AckBatcher {
  let pending: Pending[] = [];
  let inFlight: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  function send(): Promise<void> {
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(batch.length);
    const call = client.ack(batch).then(
      () => undefined,
      (err: unknown) => {
        const now = Date.now();
        const keep = batch.filter((p) => now - p.since < leaseMs);
        log.warn({ err, jobs: batch.length, expired: batch.length - keep.length }, events.ackFailed);
        pending = [...keep, ...pending];
        if (timer === null && pending.length > 0) {
          timer = setTimeout(() => {
            timer = null;
            kick();
          }, RETRY_MS);
        }
        throw err;
      },
    );
    inFlight = call.then(
      () => undefined,
      () => undefined,
    ).finally(() => {
      inFlight = null;
      if (timer === null) kick();
    });
    return inFlight;
  }

  function stopTimer(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }

  function kick(): void {
    if (inFlight !== null || pending.length === 0) return;
    void send();
  }

  return {
    add(job) {
      pending.push({ id: job.id, leaseId: job.leaseId, since: Date.now() });
      if (timer === null) kick();
    },
    async flush() {
      // A few tries back to back: at shutdown there is no later.
      for (let tries = 0; tries < 3; tries++) {
        if (inFlight !== null) await inFlight;
        stopTimer();
        if (pending.length === 0) return;
        await send();
      }
      stopTimer();
    },
    get pending() {
      return pending.length;
    },
  };
}
