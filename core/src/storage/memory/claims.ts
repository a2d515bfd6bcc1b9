/** ClaimStore of the memory driver. */
import { randomUUID } from "node:crypto";
import type { ClaimRecord, ClaimStore, DeadLetterOptions, Scope } from "../driver.ts";
import { claimNotFound, versionMismatch } from "../failures.ts";
import type { MemoryContext } from "./context.ts";
import type { Registry } from "./registry.ts";
import {
  addClaim,
  addMessage,
  claimable,
  extendForClaim,
  holdMessage,
  releaseClaim,
  removeMessage,
  renewClaim,
  toStored,
  type ClaimState,
  type MessageState,
  type QueueState,
} from "./queue-state.ts";

function toRecord(c: ClaimState): ClaimRecord {
  return {
    id: c.id,
    ttl: c.ttl,
    updatedAtMs: c.updatedAtMs,
    expiresAtMs: c.expiresAtMs,
    messages: [...c.messages].sort((a, b) => a.seq - b.seq).map(toStored),
  };
}

/** Moves messages to the dead-letter queue in one step (see DeadLetterOptions). */
function deadLetter(registry: Registry, scope: Scope, from: QueueState, moved: readonly MessageState[], o: DeadLetterOptions, now: number): void {
  const target = { project: scope.project, queue: o.queue };
  const to = registry.open(target, now) ?? registry.add(target, {});
  for (const m of moved) {
    removeMessage(from, m);
    addMessage(to, {
      ...m,
      seq: registry.nextSeq(),
      ttl: o.ttl ?? m.ttl,
      expiresAtMs: o.ttl === null ? m.expiresAtMs : now + o.ttl * 1000,
      visibleAtMs: now,
      claim: null,
      claimCount: 0,
      gone: false,
    });
  }
}

export function createClaimStore({ registry, clock }: MemoryContext): ClaimStore {
  return {
    async create(scope, { ttl, grace, limit, ifVersion, deadLetter: dl }) {
      const now = clock.now();
      const q = registry.open(scope, now);
      if (ifVersion !== undefined && (q?.version ?? "") !== ifVersion) throw versionMismatch();
      if (q === undefined) return null;
      let taken = claimable(q, now, limit);
      if (dl !== undefined) {
        const moved = taken.filter((m) => m.claimCount >= dl.maxClaims);
        if (moved.length > 0) {
          deadLetter(registry, scope, q, moved, dl, now);
          taken = taken.filter((m) => m.claimCount < dl.maxClaims);
        }
      }
      if (taken.length === 0) return null;
      const c: ClaimState = { id: randomUUID(), ttl, updatedAtMs: now, expiresAtMs: now + ttl * 1000, messages: new Set(), gone: false };
      addClaim(q, c);
      for (const m of taken) {
        holdMessage(q, c, m);
        extendForClaim(q, m, now, ttl, grace);
      }
      return toRecord(c);
    },

    async get(scope, id) {
      const c = registry.open(scope, clock.now())?.claims.get(id);
      if (c === undefined) throw claimNotFound(scope, id);
      return toRecord(c);
    },

    async update(scope, id, { ttl, grace }) {
      const now = clock.now();
      const q = registry.open(scope, now);
      const c = q?.claims.get(id);
      if (q === undefined || c === undefined) throw claimNotFound(scope, id);
      renewClaim(q, c, now, ttl);
      for (const m of c.messages) extendForClaim(q, m, now, ttl, grace);
    },

    async delete(scope, id) {
      const q = registry.open(scope, clock.now());
      const c = q?.claims.get(id);
      if (q !== undefined && c !== undefined) releaseClaim(q, c);
    },
  };
}
