/**
 * Pre-signed URLs: POST /v2/queues/{q}/share (signed-urls.md §1). The core
 * reads the document and signs it; this renders Zaqar's 200 answer, keys in
 * Zaqar's order, with no Location header. (Verifying signed requests is the
 * dispatcher's first hook, not a route.)
 */
import { str } from "../../render.ts";
import { param, type Handler, type Route } from "../../route.ts";

const list = (items: readonly string[]): string => `[${items.map(str).join(", ")}]`;

const shareQueue: Handler = {
  failure: "shareQueue",
  body: true,
  async run(c) {
    // body unset = the client sent none at all ("Request body can not be empty").
    const res = await c.core.call(c.ctx, "shareQueue", { queue: param(c, "queue_name"), ...(c.body === undefined ? {} : { body: c.body }) });
    return {
      status: 200,
      body:
        `{"paths": ${list(res.paths)}, "methods": ${list(res.methods)}, "project": ${str(res.project)}, ` +
        `"expires": ${str(res.expires)}, "signature": ${str(res.signature)}}`,
    };
  },
};

export const shareRoutes: readonly Route[] = [{ path: "/v2/queues/:queue_name/share", methods: { POST: shareQueue } }];
