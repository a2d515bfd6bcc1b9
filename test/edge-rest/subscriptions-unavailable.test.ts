/**
 * Subscription routes, of queues and of topics, when the core cannot answer:
 * Zaqar's 503 with each route's own "what failed" text. Zaqar 15 answers an
 * unexpected PATCH or confirm failure with 400 "Unable to update/confirm
 * subscription"; an unreachable core is a 503 here like on every route. The
 * edge is pointed at a port where nothing listens.
 */
import anyTest, { type TestFn } from "ava";
import { freePort } from "../helpers/free-port.ts";
import { ERROR_HEADERS, useEdge, type WireRequest } from "./harness.ts";

const test = anyTest as TestFn<unknown>;

// A port that was free a moment ago: nothing listens on it.
const env = useEdge(test, { coreUrl: `127.0.0.1:${await freePort()}` });

const unavailable = test.macro({
  async exec(t, req: WireRequest, what: string) {
    const res = await env.api().send(req);
    t.is(res.status, 503);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.headers["location"], undefined);
    t.is(res.text, `{"title": "Service temporarily unavailable", "description": "${what} Please try again in a few seconds."}`);
  },
  title: (_ = "", req: WireRequest, what: string) => `${req.method} ${req.path} without a core answers 503 "${what}"`,
});

const ID = "5c3e6f2f-3fd5-4b34-8d1a-1a1a1a1a1a1a";
for (const base of ["/v2/queues/q", "/v2/topics/t"]) {
  const subs = `${base}/subscriptions`;
  test(unavailable, { method: "POST", path: subs, body: { subscriber: "http://x/y" } }, "Subscription could not be created.");
  test(unavailable, { method: "GET", path: `${subs}?limit=5` }, "Subscriptions could not be listed.");
  test(unavailable, { method: "GET", path: `${subs}/${ID}` }, "Subscription could not be retrieved.");
  test(unavailable, { method: "PATCH", path: `${subs}/${ID}`, body: { ttl: 600 } }, "Subscription could not be updated.");
  test(unavailable, { method: "DELETE", path: `${subs}/${ID}` }, "Subscription could not be deleted.");
  test(unavailable, { method: "PUT", path: `${subs}/${ID}/confirm`, body: { confirmed: true } }, "Subscription could not be confirmed.");
}
