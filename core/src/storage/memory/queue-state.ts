/**
 * The in-memory state of one queue and the only functions that mutate it, so
 * the counters behind `stats` (live messages, messages under a live claim)
 * stay exact. Every store method first calls `reap(q, now)`; after that, every
 * message and claim left in the state is live at `now`.
 */
import type { QueueMetadata, StoredMessage } from "../driver.ts";
import { createMinHeap, type MinHeap } from "./heap.ts";
import { createSeqLog, type SeqLog } from "./log.ts";
import { createSubscriptionSet, type SubscriptionSet } from "./subscription-state.ts";

export interface MessageState {
  readonly id: string;
  /** Enqueue order; unique across the driver, so old markers never alias new messages. */
  readonly seq: number;
  readonly body: string;
  ttl: number;
  readonly createdAtMs: number;
  expiresAtMs: number;
  readonly visibleAtMs: number;
  readonly clientId: string;
  claim: ClaimState | null;
  claimCount: number;
  gone: boolean;
}

export interface ClaimState {
  readonly id: string;
  ttl: number;
  updatedAtMs: number;
  expiresAtMs: number;
  readonly messages: Set<MessageState>;
  gone: boolean;
}

export interface QueueState {
  metadata: QueueMetadata;
  version: string;
  readonly messages: Map<string, MessageState>;
  readonly log: SeqLog<MessageState>;
  readonly messageExpiries: MinHeap<MessageState>;
  readonly claims: Map<string, ClaimState>;
  readonly claimExpiries: MinHeap<ClaimState>;
  /** Live messages held by a live claim. */
  claimed: number;
  /** Subscriptions (reaped by the subscription and job stores, which own the job index). */
  readonly subs: SubscriptionSet;
}

/** Heaps are rebuilt once stale entries outnumber live ones by this factor (and a floor). */
const STALE_FACTOR = 2;
const STALE_FLOOR = 64;

export function createQueueState(metadata: QueueMetadata, version: string): QueueState {
  return {
    metadata,
    version,
    messages: new Map(),
    log: createSeqLog(),
    messageExpiries: createMinHeap(),
    claims: new Map(),
    claimExpiries: createMinHeap(),
    claimed: 0,
    subs: createSubscriptionSet(),
  };
}

/** Drops every message and claim that is due at `now`. */
export function reap(q: QueueState, now: number): void {
  for (let top = q.claimExpiries.peek(); top !== undefined && top.at <= now; top = q.claimExpiries.peek()) {
    q.claimExpiries.pop();
    const c = top.item;
    if (!c.gone && c.expiresAtMs <= now) releaseClaim(q, c);
  }
  for (let top = q.messageExpiries.peek(); top !== undefined && top.at <= now; top = q.messageExpiries.peek()) {
    q.messageExpiries.pop();
    const m = top.item;
    if (!m.gone && m.expiresAtMs <= now) removeMessage(q, m);
  }
}

export function addMessage(q: QueueState, m: MessageState): void {
  q.messages.set(m.id, m);
  q.log.append(m);
  q.messageExpiries.push(m.expiresAtMs, m);
}

export function removeMessage(q: QueueState, m: MessageState): void {
  if (m.claim !== null) {
    m.claim.messages.delete(m);
    m.claim = null;
    q.claimed--;
  }
  m.gone = true;
  q.messages.delete(m.id);
  q.log.removed();
  if (q.messageExpiries.size > STALE_FLOOR && q.messageExpiries.size > STALE_FACTOR * q.messages.size) {
    q.messageExpiries.rebuild([...q.messages.values()].map((item) => ({ at: item.expiresAtMs, item })));
  }
}

/**
 * Gives a message the claim's expiry as its floor: when it would expire
 * before `claimExpiresAtMs`, its TTL becomes ttl + grace, counted from now.
 */
export function extendForClaim(q: QueueState, m: MessageState, now: number, ttl: number, grace: number): void {
  if (m.expiresAtMs >= now + ttl * 1000) return;
  m.ttl = ttl + grace;
  m.expiresAtMs = now + (ttl + grace) * 1000;
  q.messageExpiries.push(m.expiresAtMs, m);
}

export function addClaim(q: QueueState, c: ClaimState): void {
  q.claims.set(c.id, c);
  q.claimExpiries.push(c.expiresAtMs, c);
}

export function holdMessage(q: QueueState, c: ClaimState, m: MessageState): void {
  m.claim = c;
  m.claimCount++;
  c.messages.add(m);
  q.claimed++;
}

export function renewClaim(q: QueueState, c: ClaimState, now: number, ttl: number): void {
  c.ttl = ttl;
  c.updatedAtMs = now;
  c.expiresAtMs = now + ttl * 1000;
  q.claimExpiries.push(c.expiresAtMs, c);
}

/** Ends a claim (release or expiry): its messages are free at once. */
export function releaseClaim(q: QueueState, c: ClaimState): void {
  for (const m of c.messages) m.claim = null;
  q.claimed -= c.messages.size;
  c.messages.clear();
  c.gone = true;
  q.claims.delete(c.id);
  if (q.claimExpiries.size > STALE_FLOOR && q.claimExpiries.size > STALE_FACTOR * q.claims.size) {
    q.claimExpiries.rebuild([...q.claims.values()].map((item) => ({ at: item.expiresAtMs, item })));
  }
}

/** Drops every message and claim at once (purge); the queue and its metadata stay. */
export function clearQueue(q: QueueState): void {
  q.messages.clear();
  q.log.clear();
  q.messageExpiries.rebuild([]);
  for (const c of q.claims.values()) c.gone = true;
  q.claims.clear();
  q.claimExpiries.rebuild([]);
  q.claimed = 0;
}

/** Up to `limit` messages a claim may take at `now`: oldest first, free and visible (all left are live). */
export function claimable(q: QueueState, now: number, limit: number): MessageState[] {
  const out: MessageState[] = [];
  if (limit <= 0) return out;
  for (const m of q.log.after(-1)) {
    if (m.claim !== null || m.visibleAtMs > now) continue;
    out.push(m);
    if (out.length >= limit) break;
  }
  return out;
}

export function toStored(m: MessageState): StoredMessage {
  return {
    id: m.id,
    body: m.body,
    ttl: m.ttl,
    createdAtMs: m.createdAtMs,
    expiresAtMs: m.expiresAtMs,
    visibleAtMs: m.visibleAtMs,
    clientId: m.clientId,
    claimId: m.claim === null ? null : m.claim.id,
    claimCount: m.claimCount,
    marker: String(m.seq),
  };
}
