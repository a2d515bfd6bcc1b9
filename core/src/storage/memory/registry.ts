/**
 * All queues of the memory driver, per project. Each project keeps its queue
 * names sorted (byte order) so listing pages by binary search, and every
 * lookup touches only the one project and queue involved.
 */
import type { ProjectScope, QueueMetadata, Scope } from "../driver.ts";
import { createQueueState, reap, type QueueState } from "./queue-state.ts";
import { upperBound } from "./sorted.ts";

interface ProjectState {
  readonly queues: Map<string, QueueState>;
  /** Queue names in byte order. */
  readonly names: string[];
}

export interface Registry {
  /** The queue with everything due at `now` reaped, or undefined when absent. */
  open(scope: Scope, now: number): QueueState | undefined;
  /** Creates an empty queue; the caller has checked that it is absent. */
  add(scope: Scope, metadata: QueueMetadata): QueueState;
  drop(scope: Scope): void;
  /** The project's queue names in byte order. */
  names(scope: ProjectScope): readonly string[];
  /** Index of the first name sorting after `marker`. */
  namesAfter(scope: ProjectScope, marker: string): number;
  /** Next enqueue sequence number, unique across the driver. */
  nextSeq(): number;
  /** The last sequence number handed out (0 before the first). */
  lastSeq(): number;
  /** A version string never handed out before by this driver. */
  nextVersion(): string;
  /** Every queue, for the periodic sweep. */
  all(): IterableIterator<QueueState>;
}

export function createRegistry(): Registry {
  const projects = new Map<string, ProjectState>();
  let seq = 0;
  let version = 0;
  const nextVersion = (): string => `v${++version}`;

  return {
    open(scope, now) {
      const q = projects.get(scope.project)?.queues.get(scope.queue);
      if (q !== undefined) reap(q, now);
      return q;
    },
    add(scope, metadata) {
      let p = projects.get(scope.project);
      if (p === undefined) {
        p = { queues: new Map(), names: [] };
        projects.set(scope.project, p);
      }
      const q = createQueueState(metadata, nextVersion());
      p.queues.set(scope.queue, q);
      p.names.splice(upperBound(p.names, scope.queue), 0, scope.queue);
      return q;
    },
    drop(scope) {
      const p = projects.get(scope.project);
      if (p === undefined || !p.queues.delete(scope.queue)) return;
      // The name sorts exactly once, just before its upper bound.
      p.names.splice(upperBound(p.names, scope.queue) - 1, 1);
      if (p.queues.size === 0) projects.delete(scope.project);
    },
    names: (scope) => projects.get(scope.project)?.names ?? [],
    namesAfter(scope, marker) {
      return upperBound(projects.get(scope.project)?.names ?? [], marker);
    },
    nextSeq: () => ++seq,
    lastSeq: () => seq,
    nextVersion,
    *all() {
      for (const p of projects.values()) yield* p.queues.values();
    },
  };
}
