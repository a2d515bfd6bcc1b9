/**
 * Delayed queues over REST (rest-queues.md §4.1): `_default_message_delay`
 * and per-message `delay`, their validation, and delayed messages hidden from
 * listing and claims but not from reads by id, counted as free, and visible
 * once their time comes (the core runs on a manual clock).
 */
import anyTest, { type TestFn } from "ava";
import { createManualClock } from "../../core/src/clock.ts";
import { ERROR_HEADERS, useEdge } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const clock = createManualClock();
const env = useEdge(test, { core: { clock } });
const error = (title: string, description: string) => ({ title, description });

const refused = test.macro({
  async exec(t, messages: unknown[], description: string, title: string = "Invalid request body") {
    const api = env.api();
    await api.put("/v2/queues/slow", { _default_message_delay: 30 });
    const res = await api.post("/v2/queues/slow/messages", { messages });
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.deepEqual(res.json(), error(title, description));
    t.like((await api.get("/v2/queues/slow/stats")).json().messages, { total: 0 }, "nothing was posted");
  },
  title: (_ = "", messages: unknown[]) => `on a delayed queue, posting ${JSON.stringify(messages)} is refused`,
});

test(refused, [{ body: 1, delay: "5" }], 'The value of the "delay" field must be a int.');
test(refused, [{ body: 1, delay: 1.5 }], 'The value of the "delay" field must be a int.');
test(refused, [{ body: 1 }, { body: 2, delay: 901 }], "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 seconds long.", "Invalid API request");
test(refused, [{ body: 1, delay: -1 }], "The Delay TTL for a message may not exceed 900 seconds,and must be at least 0 seconds long.", "Invalid API request");

test("_default_message_delay outside 0..900 or not an integer is refused", async (t) => {
  const api = env.api();
  for (const [value, description] of [
    [901, "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."],
    [-1, "The TTL can not exceed 900 seconds, and must be at least 0 seconds long."],
    ["10", "_default_message_delay must be integer."],
  ] as const) {
    const res = await api.put("/v2/queues/slow", { _default_message_delay: value });
    t.is(res.status, 400);
    t.deepEqual(res.json(), error("Invalid API request", description));
  }
  t.is((await api.get("/v2/queues")).json().queues.length, 0);
});

test("a delayed message is hidden from listing, claims and pops until its time, readable by id, and counted as free", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/slow", { _default_message_delay: 30 });
  const [late, now, later] = await api.postMessages("slow", [{ body: "default delay" }, { body: "no delay", delay: 0 }, { body: "own delay", delay: 60 }]);

  const listed = (await api.get("/v2/queues/slow/messages?echo=true")).json().messages as Array<{ id: string }>;
  t.deepEqual(listed.map((m) => m.id), [now]);
  const claim = await api.claim("slow", { ttl: 600, grace: 60 }, "?limit=10");
  t.deepEqual(claim.messages.map((m) => m.body), ["no delay"]);
  t.is((await api.post("/v2/queues/slow/claims", {})).status, 204, "only delayed messages are left unclaimed");
  t.is((await api.delete("/v2/queues/slow/messages?pop=5")).text, '{"messages": []}');
  const byId = await api.get(`/v2/queues/slow/messages/${late}`);
  t.is(byId.status, 200);
  t.is(byId.json().body, "default delay");
  t.like((await api.get("/v2/queues/slow/stats")).json().messages, { claimed: 1, free: 2, total: 3 });

  clock.advance(30_000);
  const next = await api.claim("slow", { ttl: 600, grace: 60 }, "?limit=10");
  t.deepEqual(next.messages.map((m) => m.id), [late], "the default delay has passed, the own one has not");
  clock.advance(30_000);
  const popped = (await api.delete("/v2/queues/slow/messages?pop=5")).json().messages as Array<{ id: string }>;
  t.deepEqual(popped.map((m) => m.id), [later]);
  t.truthy(now);
});

test("include_delayed=true lists delayed messages of a delayed queue", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/slow", { _default_message_delay: 900 });
  const ids = await api.postMessages("slow", [{ body: 1 }, { body: 2 }]);
  const all = (await api.get("/v2/queues/slow/messages?echo=true&include_delayed=true")).json().messages as Array<{ id: string }>;
  t.deepEqual(all.map((m) => m.id), ids);
});
