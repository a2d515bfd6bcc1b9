/** ClaimStore of the memory driver. */
import { randomUUID } from "node:crypto";
import type { ClaimRecord, ClaimStore } from "../driver.ts";
import { claimNotFound } from "../failures.ts";
import type { MemoryContext } from "./context.ts";
import { addClaim, claimable, extendForClaim, holdMessage, releaseClaim, renewClaim, toStored, type ClaimState } from "./queue-state.ts";

function toRecord(c: ClaimState): ClaimRecord {
  return {
    id: c.id,
    ttl: c.ttl,
    updatedAtMs: c.updatedAtMs,
    expiresAtMs: c.expiresAtMs,
    messages: [...c.messages].sort((a, b) => a.seq - b.seq).map(toStored),
  };
}

export function createClaimStore({ registry, clock }: MemoryContext): ClaimStore {
  return {
    async create(scope, { ttl, grace, limit }) {
      const now = clock.now();
      const q = registry.open(scope, now);
      if (q === undefined) return null;
      const taken = claimable(q, now, limit);
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
