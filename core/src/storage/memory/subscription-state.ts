/**
 * The subscriptions of one queue and the only functions that change them.
 * Ids stay sorted (byte order) for paging; a second map finds a subscription
 * by subscriber for the uniqueness rule; expiries sit in a min-heap so
 * reaping never scans. Removing a subscription also removes its pending
 * jobs from the driver's job index (jobs.ts).
 */
import type { JobKind, Scope, StoredSubscription } from "../driver.ts";
import { createMinHeap, type MinHeap } from "./heap.ts";
import { upperBound } from "./sorted.ts";

export interface SubState {
  readonly id: string;
  subscriber: string;
  ttl: number;
  readonly createdAtMs: number;
  expiresAtMs: number;
  options: string;
  confirmed: boolean;
  /** Pending jobs of this subscription. */
  readonly jobs: Set<JobState>;
  gone: boolean;
}

export interface JobState {
  readonly id: string;
  readonly kind: JobKind;
  readonly scope: Scope;
  readonly sub: SubState;
  readonly message?: { readonly body: string; readonly ttl: number; readonly delay: number };
  readonly document?: string;
  dueAtMs: number;
  attempts: number;
  /** The current lease, or null when never leased or made due again by retry. */
  leaseId: string | null;
  /** Bumped at every (re)schedule; heap entries with an older one are stale. */
  turn: number;
  gone: boolean;
}

/** What removing a subscription needs from the job index. */
export interface JobRemover {
  remove(job: JobState): void;
}

export interface SubscriptionSet {
  readonly byId: Map<string, SubState>;
  readonly bySubscriber: Map<string, SubState>;
  /** Ids in byte order. */
  readonly ids: string[];
  readonly expiries: MinHeap<SubState>;
}

export function createSubscriptionSet(): SubscriptionSet {
  return { byId: new Map(), bySubscriber: new Map(), ids: [], expiries: createMinHeap() };
}

export const isLive = (s: SubState, now: number): boolean => !s.gone && now < s.expiresAtMs;

/** Index of the first id sorting after `key`. */
export const idsAfter = (set: SubscriptionSet, key: string): number => upperBound(set.ids, key);

export function addSubscription(set: SubscriptionSet, s: SubState): void {
  set.byId.set(s.id, s);
  set.bySubscriber.set(s.subscriber, s);
  set.ids.splice(idsAfter(set, s.id), 0, s.id);
  set.expiries.push(s.expiresAtMs, s);
}

export function removeSubscription(set: SubscriptionSet, s: SubState, jobs: JobRemover): void {
  if (s.gone) return;
  s.gone = true;
  set.byId.delete(s.id);
  if (set.bySubscriber.get(s.subscriber) === s) set.bySubscriber.delete(s.subscriber);
  // The id sorts exactly once, just before its upper bound.
  set.ids.splice(idsAfter(set, s.id) - 1, 1);
  for (const job of [...s.jobs]) jobs.remove(job);
  if (set.expiries.size > 64 && set.expiries.size > 2 * set.byId.size) {
    set.expiries.rebuild([...set.byId.values()].map((item) => ({ at: item.expiresAtMs, item })));
  }
}

/** Gives a subscription a new subscriber (the caller checked uniqueness). */
export function renameSubscription(set: SubscriptionSet, s: SubState, subscriber: string): void {
  if (set.bySubscriber.get(s.subscriber) === s) set.bySubscriber.delete(s.subscriber);
  s.subscriber = subscriber;
  set.bySubscriber.set(subscriber, s);
}

/** Sets a new ttl, counted from now. */
export function renewSubscription(set: SubscriptionSet, s: SubState, now: number, ttl: number): void {
  s.ttl = ttl;
  s.expiresAtMs = now + ttl * 1000;
  set.expiries.push(s.expiresAtMs, s);
}

/** Removes every subscription that expired at `now`, with its jobs. */
export function reapSubscriptions(set: SubscriptionSet, now: number, jobs: JobRemover): void {
  for (let top = set.expiries.peek(); top !== undefined && top.at <= now; top = set.expiries.peek()) {
    set.expiries.pop();
    const s = top.item;
    if (!s.gone && s.expiresAtMs <= now) removeSubscription(set, s, jobs);
  }
}

/** Removes every subscription, with its jobs. */
export function clearSubscriptions(set: SubscriptionSet, jobs: JobRemover): void {
  for (const s of [...set.byId.values()]) removeSubscription(set, s, jobs);
  set.expiries.rebuild([]);
}

export function toStoredSubscription(s: SubState): StoredSubscription {
  return {
    id: s.id,
    subscriber: s.subscriber,
    ttl: s.ttl,
    createdAtMs: s.createdAtMs,
    expiresAtMs: s.expiresAtMs,
    options: s.options,
    confirmed: s.confirmed,
  };
}
