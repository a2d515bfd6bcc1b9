/** ClaimService handlers. */
import { create } from "@bufbuild/protobuf";
import {
  CreateClaimResponseSchema,
  DeleteClaimResponseSchema,
  GetClaimResponseSchema,
  UpdateClaimResponseSchema,
} from "../../../proto/gen/zaqar/v1/claim_pb.js";
import { ZaqarError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { isPlainObject, parseDocument, unparseable, wrongDocumentType } from "./json.ts";
import { intField } from "./message-post.ts";
import { deadLetterOf } from "./queue-metadata.ts";
import { ageSeconds, toProtoMessage } from "./render.ts";
import { claimGraceText, claimTtlText, invalid, messagesLimitText, pageSize, queueScope } from "./validate.ts";

type ClaimHandlers = Pick<Handlers, "createClaim" | "getClaim" | "updateClaim" | "deleteClaim">;

/** A claim made against stale metadata (dead-letter settings) is retried this many times after refreshing it. */
const MAX_CLAIM_ATTEMPTS = 3;

/** ttl and grace from a claim document; absent keys take the defaults, unknown keys are ignored. */
function readLease(body: Uint8Array, limits: Limits): { ttl: number; grace: number } {
  let doc: Record<string, unknown> = {};
  if (body.length > 0) {
    const parsed = parseDocument(body);
    if (!isPlainObject(parsed)) throw wrongDocumentType();
    doc = parsed;
  }
  return {
    ttl: "ttl" in doc ? intField(doc["ttl"], "ttl") : limits.defaultClaimTtl,
    grace: "grace" in doc ? intField(doc["grace"], "grace") : limits.defaultClaimGrace,
  };
}

function checkTtl(ttl: number, limits: Limits): void {
  if (ttl < limits.minClaimTtl || ttl > limits.maxClaimTtl) throw invalid(claimTtlText(limits));
}

export function createClaimHandlers(deps: ServiceDeps): ClaimHandlers {
  const { driver, limits, clock, crypto, cache } = deps;
  const maxClaim = limits.maxMessagesPerClaimOrPop;

  return {
    async createClaim(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const lease = readLease(req.body, limits);
      // Zaqar's order: ttl, then limit, then grace.
      checkTtl(lease.ttl, limits);
      const limit = pageSize(req.limit, limits.defaultClaimLimit, maxClaim, messagesLimitText(maxClaim));
      if (lease.grace < limits.minClaimGrace || lease.grace > limits.maxClaimGrace) throw invalid(claimGraceText(limits));
      // Claimed against the cached metadata's version, as posts are (queue-cache.ts),
      // so a dead-letter setting changed meanwhile is never missed.
      const claim = await cache.withCurrent(scope, MAX_CLAIM_ATTEMPTS, (info) => {
        const deadLetter = deadLetterOf(info.metadata, scope.queue, limits);
        return driver.claims.create(scope, { ...lease, limit, ifVersion: info.version, ...(deadLetter ? { deadLetter } : {}) });
      });
      if (claim === null) return create(CreateClaimResponseSchema, {});
      const now = clock.now();
      return create(CreateClaimResponseSchema, {
        claimId: claim.id,
        messages: claim.messages.map((m) => toProtoMessage(m, now, crypto, scope)),
      });
    },

    async getClaim(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const claim = await driver.claims.get(scope, req.claimId);
      const now = clock.now();
      return create(GetClaimResponseSchema, {
        claimId: claim.id,
        ttl: claim.ttl,
        age: ageSeconds(claim.updatedAtMs, now),
        messages: claim.messages.map((m) => toProtoMessage(m, now, crypto, scope)),
      });
    },

    async updateClaim(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      if (req.body === undefined) throw new ZaqarError("INVALID_BODY", "Request body can not be empty");
      if (req.body.length === 0) throw unparseable();
      const lease = readLease(req.body, limits);
      // Zaqar checks only the ttl's range on renewal; grace is taken as given.
      checkTtl(lease.ttl, limits);
      await driver.claims.update(scope, req.claimId, lease);
      return create(UpdateClaimResponseSchema, {});
    },

    async deleteClaim(ctx, req) {
      await driver.claims.delete(queueScope(ctx, req.queue, limits), req.claimId);
      return create(DeleteClaimResponseSchema, {});
    },
  };
}
