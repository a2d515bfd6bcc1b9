/** JobStore of the memory driver (the index itself: job-index.ts). */
import { randomUUID } from "node:crypto";
import type { JobStore, LeasedJob, PostOptions, Scope } from "../driver.ts";
import type { MemoryContext } from "./context.ts";
import type { JobIndex } from "./job-index.ts";
import type { QueueState } from "./queue-state.ts";
import { isLive, reapSubscriptions, toStoredSubscription, type JobState } from "./subscription-state.ts";

/**
 * Records one notification job per (message, live subscription), due at
 * once, each holding the message as posted (one shared copy per message).
 * The caller has reaped nothing: liveness is checked here.
 */
export function recordNotifications(
  jobs: JobIndex,
  scope: Scope,
  q: QueueState,
  messages: ReadonlyArray<{ readonly body: string; readonly ttl: number; readonly delay: number }>,
  subscribers: PostOptions["subscribers"],
  now: number,
): void {
  if (q.subs.byId.size === 0) return;
  const subs = [...q.subs.byId.values()].filter((s) => isLive(s, now) && (subscribers !== "confirmed" || s.confirmed));
  for (const m of messages) {
    const message = { body: m.body, ttl: m.ttl, delay: m.delay };
    for (const sub of subs) {
      jobs.add({ id: randomUUID(), kind: "notification", scope, sub, message, dueAtMs: now, attempts: 0, leaseId: null, turn: 0, gone: false });
    }
  }
}

function toLeased(job: JobState, leaseId: string): LeasedJob {
  return {
    id: job.id,
    leaseId,
    scope: job.scope,
    kind: job.kind,
    attempts: job.attempts,
    subscription: toStoredSubscription(job.sub),
    ...(job.message === undefined ? {} : { message: { ...job.message } }),
    ...(job.document === undefined ? {} : { document: job.document }),
  };
}

export function createJobStore({ registry, jobs, clock }: MemoryContext): JobStore {
  /** The job if `leaseId` is its current lease. */
  const leased = (id: string, leaseId: string): JobState | undefined => {
    const job = jobs.get(id);
    return job !== undefined && job.leaseId === leaseId ? job : undefined;
  };

  return {
    async lease({ max, leaseMs }) {
      const now = clock.now();
      const out: LeasedJob[] = [];
      while (out.length < max) {
        const job = jobs.takeDue(now);
        if (job === undefined) break;
        if (!isLive(job.sub, now)) {
          // Expired: its queue drops it with all its jobs (this one included).
          const q = registry.open(job.scope, now);
          if (q !== undefined) reapSubscriptions(q.subs, now, jobs);
          jobs.remove(job);
          continue;
        }
        job.leaseId = randomUUID();
        jobs.schedule(job, now + leaseMs);
        out.push(toLeased(job, job.leaseId));
      }
      return out;
    },

    async ack(list) {
      for (const { id, leaseId } of list) {
        const job = leased(id, leaseId);
        if (job !== undefined) jobs.remove(job);
      }
    },

    async retry({ id, leaseId }, { delayMs, attempts }) {
      const job = leased(id, leaseId);
      if (job === undefined) return;
      job.attempts = attempts;
      job.leaseId = null;
      jobs.schedule(job, clock.now() + delayMs);
    },
  };
}
