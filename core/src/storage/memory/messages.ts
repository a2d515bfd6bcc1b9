/** MessageStore of the memory driver. */
import { randomUUID } from "node:crypto";
import type { MessageStore, StoredMessage } from "../driver.ts";
import { claimGone, messageClaimed, messageNotClaimed, messageNotFound, queueNotFound, versionMismatch } from "../failures.ts";
import type { MemoryContext } from "./context.ts";
import { recordNotifications } from "./jobs.ts";
import { addMessage, claimable, clearQueue, removeMessage, toStored, type MessageState } from "./queue-state.ts";

/** Markers are decimal sequence numbers; anything else (or one never handed out) lists from the oldest. */
const MARKER = /^[1-9][0-9]{0,15}$/;

export function createMessageStore({ registry, jobs, clock }: MemoryContext): MessageStore {
  const markerSeq = (marker: string | undefined): number => {
    if (marker === undefined || !MARKER.test(marker)) return 0;
    const seq = Number(marker);
    return seq <= registry.lastSeq() ? seq : 0;
  };

  return {
    async post(scope, messages, { clientId, ifVersion, subscribers }) {
      const now = clock.now();
      const existing = registry.open(scope, now);
      if ((existing?.version ?? "") !== ifVersion) throw versionMismatch();
      const q = existing ?? registry.add(scope, {});
      recordNotifications(jobs, scope, q, messages, subscribers, now);
      return messages.map((msg) => {
        const m: MessageState = {
          id: randomUUID(),
          seq: registry.nextSeq(),
          body: msg.body,
          ttl: msg.ttl,
          createdAtMs: now,
          expiresAtMs: now + msg.ttl * 1000,
          visibleAtMs: now + msg.delay * 1000,
          clientId,
          claim: null,
          claimCount: 0,
          gone: false,
        };
        addMessage(q, m);
        return m.id;
      });
    },

    async list(scope, options) {
      const now = clock.now();
      const q = registry.open(scope, now);
      const out: StoredMessage[] = [];
      if (q === undefined || options.limit <= 0) return out;
      for (const m of q.log.after(markerSeq(options.marker))) {
        if (!options.echo && m.clientId === options.clientId) continue;
        if (!options.includeClaimed && m.claim !== null) continue;
        if (!options.includeDelayed && m.visibleAtMs > now) continue;
        out.push(toStored(m));
        if (out.length >= options.limit) break;
      }
      return out;
    },

    async get(scope, id) {
      const q = registry.open(scope, clock.now());
      if (q === undefined) throw queueNotFound(scope);
      const m = q.messages.get(id);
      if (m === undefined) throw messageNotFound(scope, id);
      return toStored(m);
    },

    async getMany(scope, ids) {
      const q = registry.open(scope, clock.now());
      if (q === undefined) return [];
      const out: StoredMessage[] = [];
      for (const id of new Set(ids)) {
        const m = q.messages.get(id);
        if (m !== undefined) out.push(toStored(m));
      }
      return out;
    },

    async delete(scope, id, claimId) {
      const q = registry.open(scope, clock.now());
      const m = q?.messages.get(id);
      if (q === undefined || m === undefined) return;
      if (claimId === null) {
        if (m.claim !== null) throw messageClaimed();
      } else {
        // Claim existence is checked first, as Zaqar's Redis driver does.
        const c = q.claims.get(claimId);
        if (c === undefined) throw claimGone();
        if (m.claim === null) throw messageNotClaimed();
        if (m.claim !== c) throw messageClaimed();
      }
      removeMessage(q, m);
    },

    async deleteMany(scope, ids) {
      const q = registry.open(scope, clock.now());
      if (q === undefined) return;
      for (const id of ids) {
        const m = q.messages.get(id);
        if (m !== undefined) removeMessage(q, m);
      }
    },

    async pop(scope, limit) {
      const now = clock.now();
      const q = registry.open(scope, now);
      if (q === undefined) return [];
      const taken = claimable(q, now, limit);
      // The transient claim exists only in the answer: the messages go at once.
      const claimId = randomUUID();
      const out = taken.map((m) => ({ ...toStored(m), claimId }));
      for (const m of taken) removeMessage(q, m);
      return out;
    },

    async purge(scope) {
      const q = registry.open(scope, clock.now());
      if (q !== undefined) clearQueue(q);
    },
  };
}
