/** ClaimStore over the Lua scripts (semantics: driver.ts; layout: keys.ts). */
import { randomUUID } from "node:crypto";
import type { ClaimOptions, ClaimRecord, ClaimStore, Scope, StoredMessage } from "../driver.ts";
import type { RedisContext } from "./context.ts";
import { finishDeadLetterMove, TRANSFER_LEASE_S } from "./dead-letter.ts";
import { queueKeys } from "./keys.ts";
import { toMessage, unpackInfo } from "./records.ts";
import type { RawClaim, RawNewClaim } from "./scripts.ts";
import { isStatus, statusError } from "./status.ts";

function toClaim(id: string, raw: RawClaim): ClaimRecord {
  const [ttl, updated, expires, messages] = raw;
  return {
    id,
    ttl: Number(ttl),
    updatedAtMs: Number(updated),
    expiresAtMs: Number(expires),
    messages: messages.map(toMessage),
  };
}

export function createClaimStore(ctx: RedisContext): ClaimStore {
  const { clock, scripts, run } = ctx;

  /** The messages of a new claim, from its script reply (bodies, infos and sequences included). */
  function claimedMessages(claimId: string, reply: RawNewClaim): StoredMessage[] {
    const [, , , gen, ids, counts, got, seqs] = reply;
    const messages: StoredMessage[] = [];
    ids.forEach((id, n) => {
      const body = got[2 * n];
      const info = got[2 * n + 1];
      const seq = seqs[n];
      const parsed = info == null ? null : unpackInfo(info);
      if (parsed === null || body == null || seq == null) return;
      messages.push({ id, body, ...parsed, claimId, claimCount: Number(counts[n] ?? 1), marker: `${gen}-${seq}` });
    });
    return messages;
  }

  return {
    async create(scope: Scope, o: ClaimOptions) {
      const k = queueKeys(scope);
      const id = randomUUID();
      const dl = o.deadLetter;
      const transferId = dl === undefined ? "" : `dlq-${randomUUID()}`;
      const reply = await ctx.untilCaughtUp((now, budget) =>
        scripts.claimMessages(
          k.record, k.base, now, budget, id, o.ttl, o.grace, o.limit, o.ifVersion ?? "*",
          dl === undefined ? "" : dl.maxClaims, transferId, TRANSFER_LEASE_S,
        ),
      );
      if (isStatus(reply)) throw statusError(reply, scope, id);
      if (reply.length === 0) return null;
      const [ttl, updated, expires, , ids, , , , moving, movingFields] = reply;
      if (dl !== undefined && moving.length > 0) {
        await finishDeadLetterMove(ctx, scope, dl, transferId, moving, movingFields);
      }
      if (ids.length === 0) return null;
      return {
        id,
        ttl: Number(ttl),
        updatedAtMs: Number(updated),
        expiresAtMs: Number(expires),
        messages: claimedMessages(id, reply),
      };
    },

    async get(scope: Scope, id: string) {
      const k = queueKeys(scope);
      const reply = await run(() => scripts.getClaim(k.record, k.base, clock.now(), ctx.budget, id));
      if (isStatus(reply)) throw statusError(reply, scope, id);
      return toClaim(id, reply);
    },

    async update(scope: Scope, id: string, o) {
      const k = queueKeys(scope);
      const reply = await run(() => scripts.renewClaim(k.record, k.base, clock.now(), ctx.budget, id, o.ttl, o.grace));
      if (isStatus(reply)) throw statusError(reply, scope, id);
    },

    async delete(scope: Scope, id: string) {
      const k = queueKeys(scope);
      await run(() => scripts.releaseClaim(k.record, k.base, clock.now(), ctx.budget, id));
    },
  };
}
