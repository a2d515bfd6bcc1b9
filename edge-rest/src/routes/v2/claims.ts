/**
 * Claims: create, get, renew (PATCH) and release (rest-messages-claims.md §8).
 */
import { getInt } from "../../http/query.ts";
import { messagesJson, queuePath, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";

const EMPTY = new Uint8Array(0);

const createClaim: Handler = {
  failure: "createClaim",
  body: true,
  async run(c) {
    const queue = param(c, "queue_name");
    const limit = getInt(c.query, "limit");
    const res = await c.core.call(c.ctx, "createClaim", {
      queue,
      ...(limit === undefined ? {} : { limit }),
      body: c.body ?? EMPTY,
    });
    // Nothing claimable (or everything dead-lettered): 204, no Location.
    if (res.messages.length === 0) return NO_CONTENT;
    const path = queuePath(queue);
    return {
      status: 201,
      headers: { location: `${path}/claims/${res.claimId}` },
      body: `{"messages": ${messagesJson(res.messages, `${path}/messages`, res.claimId)}}`,
    };
  },
};

const getClaim: Handler = {
  failure: "getClaim",
  async run(c) {
    const queue = param(c, "queue_name");
    const claimId = param(c, "claim_id");
    const res = await c.core.call(c.ctx, "getClaim", { queue, claimId });
    const path = queuePath(queue);
    const messages = messagesJson(res.messages, `${path}/messages`, claimId);
    return {
      status: 200,
      body: `{"age": ${res.age}, "ttl": ${res.ttl}, "messages": ${messages}, "href": ${str(`${path}/claims/${claimId}`)}}`,
    };
  },
};

const updateClaim: Handler = {
  failure: "updateClaim",
  body: true,
  async run(c) {
    await c.core.call(c.ctx, "updateClaim", {
      queue: param(c, "queue_name"),
      claimId: param(c, "claim_id"),
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    return NO_CONTENT;
  },
};

const deleteClaim: Handler = {
  failure: "deleteClaim",
  async run(c) {
    await c.core.call(c.ctx, "deleteClaim", { queue: param(c, "queue_name"), claimId: param(c, "claim_id") });
    return NO_CONTENT;
  },
};

export const claimRoutes: readonly Route[] = [
  { path: "/v2/queues/:queue_name/claims", methods: { POST: createClaim } },
  {
    path: "/v2/queues/:queue_name/claims/:claim_id",
    methods: { GET: getClaim, PATCH: updateClaim, DELETE: deleteClaim },
  },
];
