/**
 * Ping (public) and health (admin mode only) (rest-admin-pools-flavors-health.md §1–2).
 */
import { pyFloat, str } from "../../render.ts";
import { NO_CONTENT, type Handler, type Route } from "../../route.ts";

const getPing: Handler = {
  failure: "ping",
  async run(c) {
    const res = await c.core.call(c.ctx, "ping", {});
    // Zaqar only sets the status: no body either way.
    return res.storageReachable ? NO_CONTENT : { status: 503 };
  },
};

/** HEAD /v2/ping answers 204 without touching storage (Zaqar's on_head). */
const headPing: Handler = {
  failure: "ping",
  run: () => Promise.resolve(NO_CONTENT),
};

const getHealth: Handler = {
  failure: "getHealth",
  async run(c) {
    // The core checks the admin role (policy health:get) from ctx.roles.
    const res = await c.core.call(c.ctx, "getHealth", {});
    let ops = "";
    for (const o of res.operations) {
      ops += `${ops === "" ? "" : ", "}${str(o.name)}: {"succeeded": ${o.succeeded}, "seconds": ${pyFloat(o.seconds)}, "ref": ${o.ref === "" ? "null" : str(o.ref)}}`;
    }
    return { status: 200, body: `{"storage_reachable": ${res.storageReachable}, "operation_status": {${ops}}}` };
  },
};

export const pingRoutes: readonly Route[] = [{ path: "/v2/ping", methods: { GET: getPing, HEAD: headPing } }];

/** Routed only in admin mode; otherwise /v2/health is Zaqar's 404. */
export const adminRoutes: readonly Route[] = [{ path: "/v2/health", methods: { GET: getHealth } }];
