/**
 * What the edge answers when the core cannot be reached: Zaqar's 503 with the
 * route's own "what failed" text (and a bare 503 for ping). The edge is
 * pointed at a port where nothing listens.
 */
import anyTest, { type TestFn } from "ava";
import { freePort } from "../helpers/free-port.ts";
import { ERROR_HEADERS, useEdge, type WireRequest } from "./harness.ts";

const test = anyTest as TestFn<unknown>;

// A port that was free a moment ago: nothing listens on it.
const env = useEdge(test, { coreUrl: `127.0.0.1:${await freePort()}`, adminMode: true });

const unavailable = test.macro({
  async exec(t, req: WireRequest, what: string) {
    const res = await env.api().send(req);
    t.is(res.status, 503);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, `{"title": "Service temporarily unavailable", "description": "${what} Please try again in a few seconds."}`);
  },
  title: (_ = "", req: WireRequest, what: string) => `${req.method} ${req.path} without a core answers 503 "${what}"`,
});

const msgs = { messages: [{ body: 1 }] };
test(unavailable, { method: "GET", path: "/v2/queues" }, "Queues could not be listed.");
test(unavailable, { method: "GET", path: "/v2/queues/q" }, "Queue metadata could not be retrieved.");
test(unavailable, { method: "PUT", path: "/v2/queues/q" }, "Queue could not be created.");
test(unavailable, { method: "PATCH", path: "/v2/queues/q", headers: { "Content-Type": "application/openstack-messaging-v2.0-json-patch" }, body: [] }, "Queue could not be updated.");
test(unavailable, { method: "DELETE", path: "/v2/queues/q" }, "Queue could not be deleted.");
test(unavailable, { method: "GET", path: "/v2/queues/q/stats" }, "Queue stats could not be read.");
test(unavailable, { method: "POST", path: "/v2/queues/q/purge" }, "Queue could not be purged.");
test(unavailable, { method: "POST", path: "/v2/queues/q/messages", body: msgs }, "Messages could not be enqueued.");
test(unavailable, { method: "GET", path: "/v2/queues/q/messages" }, "Messages could not be listed.");
test(unavailable, { method: "GET", path: "/v2/queues/q/messages?ids=a" }, "Message could not be retrieved.");
test(unavailable, { method: "DELETE", path: "/v2/queues/q/messages?ids=a" }, "Messages could not be deleted.");
test(unavailable, { method: "DELETE", path: "/v2/queues/q/messages?pop=1" }, "Messages could not be popped.");
test(unavailable, { method: "GET", path: "/v2/queues/q/messages/m" }, "Message could not be retrieved.");
test(unavailable, { method: "DELETE", path: "/v2/queues/q/messages/m" }, "Message could not be deleted.");
test(unavailable, { method: "POST", path: "/v2/queues/q/claims", body: {} }, "Claim could not be created.");
test(unavailable, { method: "GET", path: "/v2/queues/q/claims/c" }, "Claim could not be queried.");
test(unavailable, { method: "PATCH", path: "/v2/queues/q/claims/c", body: {} }, "Claim could not be updated.");
test(unavailable, { method: "DELETE", path: "/v2/queues/q/claims/c" }, "Claim could not be deleted.");
test(unavailable, { method: "GET", path: "/v2/health", headers: { "X-Roles": "admin" } }, "Health status could not be read.");

test("GET /v2/ping without a core answers a bare 503", async (t) => {
  const res = await env.api().get("/v2/ping");
  t.is(res.status, 503);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.headers["content-length"], "0");
  t.is(res.headers["vary"], undefined);
  t.is(res.text, "");
});

test("HEAD /v2/ping answers 204 without asking the core", async (t) => {
  t.is((await env.api().send({ method: "HEAD", path: "/v2/ping" })).status, 204);
});

test("edge-side answers need no core: versions, 404, 405, OPTIONS and query errors", async (t) => {
  const api = env.api();
  t.is((await api.get("/")).status, 300);
  t.is((await api.get("/v2/nothing")).status, 404);
  t.is((await api.send({ method: "POST", path: "/v2/queues/q", body: {} })).status, 405);
  t.is((await api.send({ method: "OPTIONS", path: "/v2/queues/q" })).status, 200);
  t.is((await api.get("/v2/queues?limit=x")).status, 400);
  t.is((await api.patch("/v2/queues/q", [], { "Content-Type": "application/json" })).status, 415);
});
