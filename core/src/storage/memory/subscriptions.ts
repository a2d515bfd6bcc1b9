/** SubscriptionStore of the memory driver. */
import { randomUUID } from "node:crypto";
import type { JobKind, Scope, StoredSubscription, SubscriptionStore } from "../driver.ts";
import { subscriptionExists, subscriptionNotFound } from "../failures.ts";
import type { MemoryContext } from "./context.ts";
import type { JobIndex } from "./job-index.ts";
import type { QueueState } from "./queue-state.ts";
import {
  addSubscription,
  clearSubscriptions,
  idsAfter,
  isLive,
  reapSubscriptions,
  removeSubscription,
  renameSubscription,
  renewSubscription,
  toStoredSubscription,
  type SubState,
} from "./subscription-state.ts";

/** Records a confirmation job (due at once) carrying the service's document. */
function recordDocumentJob(jobs: JobIndex, scope: Scope, sub: SubState, kind: JobKind, document: string, now: number): void {
  jobs.add({ id: randomUUID(), kind, scope, sub, document, dueAtMs: now, attempts: 0, leaseId: null, turn: 0, gone: false });
}

export function createSubscriptionStore({ registry, jobs, clock }: MemoryContext): SubscriptionStore {
  /** The queue with its expired subscriptions reaped, or undefined when absent. */
  const open = (scope: Scope, now: number): QueueState | undefined => {
    const q = registry.open(scope, now);
    if (q !== undefined) reapSubscriptions(q.subs, now, jobs);
    return q;
  };
  const mustFind = (scope: Scope, id: string, now: number): SubState => {
    const s = open(scope, now)?.subs.byId.get(id);
    if (s === undefined || !isLive(s, now)) throw subscriptionNotFound(id);
    return s;
  };

  return {
    async create(scope, sub, { confirmation }) {
      const now = clock.now();
      const q = open(scope, now) ?? registry.add(scope, {});
      let s = q.subs.bySubscriber.get(sub.subscriber);
      const created = s === undefined;
      if (s !== undefined && s.confirmed) throw subscriptionExists();
      if (s === undefined) {
        s = {
          id: randomUUID(),
          subscriber: sub.subscriber,
          ttl: sub.ttl,
          createdAtMs: now,
          expiresAtMs: now + sub.ttl * 1000,
          options: sub.options,
          confirmed: false,
          jobs: new Set(),
          gone: false,
        };
        addSubscription(q.subs, s);
      }
      if (confirmation !== undefined) recordDocumentJob(jobs, scope, s, "subscription-confirmation", confirmation, now);
      return { id: s.id, created };
    },

    async list(scope, { marker, limit }) {
      const q = open(scope, clock.now());
      if (q === undefined || limit <= 0) return [];
      const start = marker === undefined ? 0 : idsAfter(q.subs, marker);
      const out: StoredSubscription[] = [];
      for (const id of q.subs.ids.slice(start, start + limit)) out.push(toStoredSubscription(q.subs.byId.get(id)!));
      return out;
    },

    async get(scope, id) {
      return toStoredSubscription(mustFind(scope, id, clock.now()));
    },

    async update(scope, id, changes) {
      const now = clock.now();
      const s = mustFind(scope, id, now);
      const set = registry.open(scope, now)!.subs;
      if (changes.subscriber !== undefined && changes.subscriber !== s.subscriber) {
        if (set.bySubscriber.has(changes.subscriber)) throw subscriptionExists();
        renameSubscription(set, s, changes.subscriber);
      }
      if (changes.ttl !== undefined) renewSubscription(set, s, now, changes.ttl);
      if (changes.options !== undefined) s.options = changes.options;
    },

    async delete(scope, id) {
      const q = open(scope, clock.now());
      const s = q?.subs.byId.get(id);
      if (q !== undefined && s !== undefined) removeSubscription(q.subs, s, jobs);
    },

    async confirm(scope, id, confirmed, { unsubscribe }) {
      const now = clock.now();
      const s = mustFind(scope, id, now);
      s.confirmed = confirmed;
      if (unsubscribe !== undefined) recordDocumentJob(jobs, scope, s, "unsubscribe-confirmation", unsubscribe, now);
    },

    async purge(scope) {
      const q = registry.open(scope, clock.now());
      if (q !== undefined) clearSubscriptions(q.subs, jobs);
    },
  };
}
