/** ClaimStore over the Lua scripts (semantics: driver.ts; layout: keys.ts). */
import { randomUUID } from "node:crypto";
import type { ClaimOptions, ClaimRecord, ClaimStore, Scope } from "../driver.ts";
import type { RedisContext } from "./context.ts";
import { queueKeys } from "./keys.ts";
import { toMessage } from "./records.ts";
import type { RawClaim } from "./scripts.ts";
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

  return {
    async create(scope: Scope, o: ClaimOptions) {
      const k = queueKeys(scope);
      const id = randomUUID();
      const reply = await ctx.untilCaughtUp((now, budget) =>
        scripts.claimMessages(k.record, k.base, now, budget, id, o.ttl, o.grace, o.limit),
      );
      if (isStatus(reply)) throw statusError(reply, scope, id);
      return reply.length === 0 ? null : toClaim(id, reply as RawClaim);
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
