/**
 * The notification jobs of the memory driver, across every queue: a map by id
 * for ack and retry, and a min-heap by due time for leasing. Heap entries are
 * never updated in place: a reschedule bumps the job's `turn` and pushes a new
 * entry, and entries of an older turn (or of a removed job) are skipped when
 * they surface; the heap is rebuilt once stale entries dominate.
 */
import { createMinHeap } from "./heap.ts";
import type { JobRemover, JobState } from "./subscription-state.ts";

export interface JobIndex extends JobRemover {
  /** Registers a new job, due at its dueAtMs, under its subscription. */
  add(job: JobState): void;
  get(id: string): JobState | undefined;
  /** Makes the job due at `dueAtMs` (and not before). */
  schedule(job: JobState, dueAtMs: number): void;
  /** Takes the earliest job due at `now` out of the schedule (the caller reschedules or removes it). */
  takeDue(now: number): JobState | undefined;
}

interface Entry {
  readonly job: JobState;
  readonly turn: number;
}

export function createJobIndex(): JobIndex {
  const jobs = new Map<string, JobState>();
  const heap = createMinHeap<Entry>();
  const stale = (e: Entry): boolean => e.job.gone || e.turn !== e.job.turn;

  const push = (job: JobState): void => {
    heap.push(job.dueAtMs, { job, turn: job.turn });
    if (heap.size > 64 && heap.size > 2 * jobs.size) {
      heap.rebuild([...jobs.values()].map((j) => ({ at: j.dueAtMs, item: { job: j, turn: j.turn } })));
    }
  };

  return {
    add(job) {
      jobs.set(job.id, job);
      job.sub.jobs.add(job);
      push(job);
    },
    get: (id) => jobs.get(id),
    schedule(job, dueAtMs) {
      job.dueAtMs = dueAtMs;
      job.turn++;
      push(job);
    },
    takeDue(now) {
      for (let top = heap.peek(); top !== undefined; top = heap.peek()) {
        if (stale(top.item)) {
          heap.pop();
          continue;
        }
        if (top.at > now) return undefined;
        heap.pop();
        // Out of the schedule until the caller puts it back.
        top.item.job.turn++;
        return top.item.job;
      }
      return undefined;
    },
    remove(job) {
      if (job.gone) return;
      job.gone = true;
      jobs.delete(job.id);
      job.sub.jobs.delete(job);
    },
  };
}
