/**
 * Deleting messages over REST (rest-messages-claims.md §4, §5, §7): bulk
 * delete, pop and delete one, with exact statuses, headers and bodies.
 */
import anyTest, { type TestFn } from "ava";
import { ERROR_HEADERS, useEdge } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);

const error = (title: string, description: string) => `{"title": ${JSON.stringify(title)}, "description": ${JSON.stringify(description)}}`;
const API = (d: string) => error("Invalid API request", d);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// --- bulk delete, pop ------------------------------------------------------------

test("DELETE ?ids= deletes those messages, claimed or not: 204", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ body: 1 }, { body: 2 }, { body: 3 }]);
  await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  const res = await api.delete(`/v2/queues/demo/messages?ids=${ids[0]},${ids[1]},nope`);
  t.is(res.status, 204);
  t.is(res.text, "");
  const left = (await api.get("/v2/queues/demo/messages?echo=true&include_claimed=true")).json();
  t.deepEqual(left.messages.map((m: { id: string }) => m.id), [ids[2]]);
});

test("DELETE ?ids= on an unknown queue answers 204", async (t) => {
  t.is((await env.api().delete("/v2/queues/nothere/messages?ids=a")).status, 204);
});

test("DELETE ?pop= pops the oldest messages: 200 with claim fields and no href", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ ttl: 300, body: { event: "demo", n: 0 } }, { ttl: 300, body: 2 }]);
  const res = await api.delete("/v2/queues/demo/messages?pop=1");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  const popped = res.json();
  t.deepEqual(Object.keys(popped), ["messages"]);
  t.is(popped.messages.length, 1);
  t.deepEqual(Object.keys(popped.messages[0]), ["id", "age", "ttl", "body", "claim_id", "claim_count"]);
  t.like(popped.messages[0], { id: ids[0], ttl: 300, body: { event: "demo", n: 0 }, claim_count: 0 });
  t.regex(popped.messages[0].claim_id, UUID);
  t.is((await api.get(`/v2/queues/demo/messages/${ids[0]}`)).status, 404);
});

test("popping an empty or unknown queue answers an empty list", async (t) => {
  const res = await env.api().delete("/v2/queues/nothere/messages?pop=5");
  t.is(res.status, 200);
  t.is(res.text, '{"messages": []}');
});

const deleteError = test.macro({
  async exec(t, query: string, expected: string) {
    const res = await env.api().delete(`/v2/queues/demo/messages${query}`);
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  },
  title: (_ = "", query: string) => `DELETE messages${query} answers 400`,
});

const POP = API("Pop value must be at least 1 and may not be greater than 20.");
test(deleteError, "?pop=0", POP);
test(deleteError, "?pop=21", POP);
test(deleteError, "?pop=-1", POP);
test(deleteError, "?pop=1000000", POP);
test(deleteError, "", API('The request should have either "ids" or "pop" parameter in the request, to be able to delete.'));
test(deleteError, "?ids=&pop=", API('The request should have either "ids" or "pop" parameter in the request, to be able to delete.'));
test(deleteError, "?ids=a&pop=1", API("pop and id params cannot be present together in the delete request."));
test(deleteError, `?ids=${Array.from({ length: 21 }, (_, i) => `m${i}`).join(",")}`, API("ids parameter should have at least 1 and not greater than 20 values."));
test(deleteError, "?pop=x", error("Invalid parameter", 'The "pop" parameter is invalid. The value must be an integer.'));

// --- delete one ------------------------------------------------------------------

test("DELETE an unclaimed message answers 204 and removes it", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ body: 1 }]);
  const res = await api.delete(`/v2/queues/demo/messages/${id}`);
  t.is(res.status, 204);
  t.is(res.text, "");
  t.is((await api.get(`/v2/queues/demo/messages/${id}`)).status, 404);
});

test("DELETE an unknown message or queue answers 204", async (t) => {
  const api = env.api();
  t.is((await api.delete("/v2/queues/demo/messages/5c3e6f2f3fd5b34b0d1a1a1a")).status, 204);
  await api.postMessages("demo", [{ body: 1 }]);
  t.is((await api.delete("/v2/queues/demo/messages/5c3e6f2f3fd5b34b0d1a1a1a")).status, 204);
});

test("DELETE a claimed message follows Zaqar's claim rules", async (t) => {
  const api = env.api();
  const [id, other] = await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const claim = await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  const path = `/v2/queues/demo/messages/${id}`;

  const noClaim = await api.delete(path);
  t.is(noClaim.status, 403);
  t.like(noClaim.headers, ERROR_HEADERS);
  t.is(noClaim.text, error("Unable to delete", "This message is claimed; it cannot be deleted without a valid claim ID."));

  const emptyClaim = await api.delete(`${path}?claim_id=`);
  t.is(emptyClaim.status, 403, "an empty claim_id counts as none");

  const wrong = await api.delete(`${path}?claim_id=5c3e6f2f3fd5b34b0d1a1a1a`);
  t.is(wrong.status, 400);
  t.is(wrong.text, error("Unable to delete", "The specified claim does not exist or has expired."));

  const malformed = await api.delete(`${path}?claim_id=invalid`);
  t.is(malformed.status, 400);
  t.is(malformed.text, error("Unable to delete", "The specified claim does not exist or has expired."));

  const notClaimed = await api.delete(`/v2/queues/demo/messages/${other}?claim_id=${claim.id}`);
  t.is(notClaimed.status, 400);
  t.is(notClaimed.text, error("Unable to delete", "A claim was specified, but the message is not currently claimed."));

  t.is((await api.get(path)).status, 200, "the message survived");
  t.is((await api.delete(`${path}?claim_id=${claim.id}`)).status, 204);
  t.is((await api.delete(`${path}?claim_id=${claim.id}`)).status, 204, "deleting it again is fine");
  t.is((await api.get(path)).status, 404);
});

test("DELETE a message with a live claim that does not hold it answers 403", async (t) => {
  const api = env.api();
  const [first, second] = await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const c1 = await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  t.deepEqual(c1.messages.map((m: { id: string }) => m.id), [first]);
  const res = await api.delete(`/v2/queues/demo/messages/${second}?claim_id=${c1.id}`);
  t.is(res.status, 403);
  t.is(res.text, error("Unable to delete", "This message is claimed; it cannot be deleted without a valid claim ID."));
});
