/**
 * Topic routes when the core cannot answer: Zaqar's 503 with each route's
 * own "what failed" text (rest-queues.md §5 gives the list, stats and
 * metadata texts; the others follow the queue texts with "Topic"). Topic
 * message routes answer with the message texts. The edge is pointed at a
 * port where nothing listens.
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
    t.is(res.text, `{"title": "Service temporarily unavailable", "description": "${what} Please try again in a few seconds."}`);
  },
  title: (_ = "", req: WireRequest, what: string) => `${req.method} ${req.path} without a core answers 503 "${what}"`,
});

test(unavailable, { method: "GET", path: "/v2/topics" }, "Topics could not be listed.");
test(unavailable, { method: "GET", path: "/v2/topics/t" }, "Topic metadata could not be retrieved.");
test(unavailable, { method: "PUT", path: "/v2/topics/t" }, "Topic could not be created.");
test(unavailable, { method: "PATCH", path: "/v2/topics/t", headers: { "Content-Type": "application/openstack-messaging-v2.0-json-patch" }, body: [] }, "Topic could not be updated.");
test(unavailable, { method: "DELETE", path: "/v2/topics/t" }, "Topic could not be deleted.");
test(unavailable, { method: "GET", path: "/v2/topics/t/stats" }, "Topic stats could not be read.");
test(unavailable, { method: "POST", path: "/v2/topics/t/purge" }, "Topic could not be purged.");
test(unavailable, { method: "POST", path: "/v2/topics/t/messages", body: { messages: [{ body: 1 }] } }, "Messages could not be enqueued.");
test(unavailable, { method: "GET", path: "/v2/topics/t/messages" }, "Messages could not be listed.");
test(unavailable, { method: "DELETE", path: "/v2/topics/t/messages?pop=1" }, "Messages could not be popped.");
test(unavailable, { method: "GET", path: "/v2/topics/t/messages/m" }, "Message could not be retrieved.");
