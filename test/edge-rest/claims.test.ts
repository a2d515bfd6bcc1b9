/**
 * Claims over REST (rest-messages-claims.md §8): create, get, renew, release,
 * with exact statuses, headers and bodies.
 */
import anyTest, { type TestFn } from "ava";
import { API, BODY, ERROR_HEADERS, UUID, errorText as error, useEdge, type Api, type WireRequest } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);


test("POST claims answers 201 with the claim in location and the messages only", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ ttl: 300, body: { event: "demo", n: 0 } }, { ttl: 300, body: 1 }, { ttl: 300, body: 2 }]);
  const res = await api.post("/v2/queues/demo/claims?limit=2", { ttl: 300, grace: 60 });
  t.is(res.status, 201);
  t.is(res.headers["content-type"], "application/json");
  const location = res.headers["location"] as string;
  t.regex(location, /^\/v2\/queues\/demo\/claims\/[^/?]+$/);
  const claimId = location.slice(location.lastIndexOf("/") + 1);
  t.regex(claimId, UUID);
  const body = res.json();
  t.deepEqual(Object.keys(body), ["messages"]);
  t.is(body.messages.length, 2);
  for (const [i, m] of body.messages.entries()) {
    t.deepEqual(Object.keys(m), ["id", "href", "ttl", "age", "body"]);
    t.is(m.id, ids[i]);
    t.is(m.href, `/v2/queues/demo/messages/${ids[i]}?claim_id=${claimId}`);
    t.is(m.ttl, 360, "a message expiring before the claim is extended to ttl + grace");
  }
  t.deepEqual(body.messages[0].body, { event: "demo", n: 0 });
});

test("a claim leaves messages that outlive it untouched", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ ttl: 3600, body: 1 }]);
  const claim = await api.claim("demo", { ttl: 60, grace: 60 });
  t.is(claim.messages[0].ttl, 3600);
});

test("a claim body {} uses the defaults", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ ttl: 60, body: 1 }]);
  const claim = await api.claim("demo", {});
  t.is(claim.messages[0].ttl, 360);
  t.is((await api.get(`/v2/queues/demo/claims/${claim.id}`)).json().ttl, 300);
});

const defaults = test.macro({
  async exec(t, req: Partial<WireRequest>) {
    const api = env.api();
    await api.postMessages("demo", Array.from({ length: 12 }, (_, n) => ({ ttl: 300, body: n })));
    const res = await api.send({ method: "POST", path: "/v2/queues/demo/claims", ...req });
    t.is(res.status, 201);
    t.is(res.json().messages.length, 10, "default limit 10");
    const location = res.headers["location"] as string;
    t.is((await api.get(location)).json().ttl, 300, "default ttl 300");
  },
  title: (_ = "", req: Partial<WireRequest>) =>
    `a claim with ${req.body === undefined ? "no body" : req.chunked ? "an empty chunked body" : "Content-Length: 0"} uses the defaults`,
});

test(defaults, {});
test(defaults, { body: "" });
test(defaults, { body: "", chunked: true });

test("nothing to claim answers 204 without location", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  await api.claim("demo");
  const res = await api.post("/v2/queues/demo/claims", { ttl: 60, grace: 60 });
  t.is(res.status, 204);
  t.is(res.headers["location"], undefined);
  t.is(res.headers["content-type"], undefined);
  t.is(res.text, "");
});

test("claiming on an unknown queue answers 204", async (t) => {
  t.is((await env.api().post("/v2/queues/nothere/claims", { ttl: 60, grace: 60 })).status, 204);
});

test("a client can claim its own messages", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ body: 1 }]);
  t.is((await api.claim("demo")).messages[0].id, id);
});

test("limits 1 and 20, ttl and grace 60 and 43200 are accepted", async (t) => {
  const api = env.api();
  await api.postMessages("demo", Array.from({ length: 30 }, (_, n) => ({ body: n })));
  t.is((await api.post("/v2/queues/demo/claims?limit=1", { ttl: 60, grace: 60 })).status, 201);
  t.is((await api.post("/v2/queues/demo/claims?limit=20", { ttl: 43200, grace: 43200 })).status, 201);
});

const claimError = test.macro({
  async exec(t, query: string, body: WireRequest["body"], expected: string) {
    const api = env.api();
    await api.postMessages("demo", [{ body: 1 }]);
    const res = await api.post(`/v2/queues/demo/claims${query}`, body);
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  },
  title: (_ = "", query: string, body: WireRequest["body"]) => `POST claims${query} ${typeof body === "string" ? body : JSON.stringify(body)} answers 400`,
});

const LIMIT = API("Limit must be at least 1 and may not be greater than 20.");
const TTL = API("The TTL for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.");
const GRACE = API("The grace for a claim may not exceed 43200 seconds, and must be at least 60 seconds long.");
test(claimError, "?limit=0", { ttl: 60, grace: 60 }, LIMIT);
test(claimError, "?limit=21", { ttl: 60, grace: 60 }, LIMIT);
test(claimError, "?limit=-1", { ttl: 60, grace: 60 }, LIMIT);
test(claimError, "?limit=x", { ttl: 60, grace: 60 }, error("Invalid parameter", 'The "limit" parameter is invalid. The value must be an integer.'));
test(claimError, "", { ttl: 59, grace: 60 }, TTL);
test(claimError, "", { ttl: 0, grace: 60 }, TTL);
test(claimError, "", { ttl: 43201, grace: 60 }, TTL);
test(claimError, "", { ttl: 60, grace: 59 }, GRACE);
test(claimError, "", { ttl: 60, grace: 43201 }, GRACE);
test(claimError, "", { ttl: "60", grace: 60 }, BODY('The value of the "ttl" field must be a int.'));
test(claimError, "", { ttl: 60.5 }, BODY('The value of the "ttl" field must be a int.'));
test(claimError, "", { ttl: 60, grace: null }, BODY('The value of the "grace" field must be a int.'));
test(claimError, "", [], BODY("Document type not supported."));
test(claimError, "", '"fail"', BODY("Request body could not be parsed."));
test(claimError, "", "[", BODY("Request body could not be parsed."));

test("a claim on an invalid queue name answers 400", async (t) => {
  const res = await env.api().post("/v2/queues/bad!/claims", {});
  t.is(res.status, 400);
  t.is(res.text, error("Invalid queue identification", "The format of the submitted queue name or project id is not valid."));
});

// --- get, renew, release -------------------------------------------------------

test("GET a claim answers age, ttl, its messages and its href", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ ttl: 300, body: { event: "demo", n: 0 } }, { ttl: 300, body: 1 }]);
  const claim = await api.claim("demo", { ttl: 300, grace: 60 });
  const res = await api.get(`/v2/queues/demo/claims/${claim.id}`);
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  const body = res.json();
  t.deepEqual(Object.keys(body), ["age", "ttl", "messages", "href"]);
  t.is(body.ttl, 300);
  t.true(body.age >= 0 && body.age < 5);
  t.is(body.href, `/v2/queues/demo/claims/${claim.id}`);
  t.deepEqual(
    body.messages.map((m: { href: string }) => m.href),
    ids.map((id) => `/v2/queues/demo/messages/${id}?claim_id=${claim.id}`),
  );
  t.deepEqual(body.messages[0].body, { event: "demo", n: 0 });
});

const claimNotFound = test.macro({
  async exec(t, method: "GET" | "PATCH", claimId: string, queue = "demo") {
    const api = env.api();
    await api.postMessages("demo", [{ body: 1 }]);
    const res = await api.send({ method, path: `/v2/queues/${queue}/claims/${claimId}`, ...(method === "PATCH" ? { body: { ttl: 60 } } : {}) });
    t.is(res.status, 404);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, error("Not found", `Claim ${claimId} does not exist in queue ${queue} for project ${api.project}`));
  },
  title: (_ = "", method: string, claimId: string, queue = "demo") => `${method} claim ${claimId} on ${queue} answers 404`,
});

test(claimNotFound, "GET", "5c3e6f2f3fd5b34b0d1a1a1a");
test(claimNotFound, "GET", "nope");
test(claimNotFound, "GET", "5c3e6f2f3fd5b34b0d1a1a1a", "nothere");
test(claimNotFound, "PATCH", "5c3e6f2f3fd5b34b0d1a1a1a");

test("PATCH renews a claim: 204, new ttl, age reset", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ ttl: 60, body: 1 }]);
  const claim = await api.claim("demo", { ttl: 60, grace: 60 });
  const res = await api.patch(`/v2/queues/demo/claims/${claim.id}`, { ttl: 120, grace: 30 });
  t.is(res.status, 204);
  t.is(res.text, "");
  const after = (await api.get(`/v2/queues/demo/claims/${claim.id}`)).json();
  t.is(after.ttl, 120);
  t.is(after.messages[0].ttl, 150, "the message is extended to ttl + grace");
});

test("PATCH {} renews with the default ttl", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  const claim = await api.claim("demo", { ttl: 60, grace: 60 });
  t.is((await api.patch(`/v2/queues/demo/claims/${claim.id}`, {})).status, 204);
  t.is((await api.get(`/v2/queues/demo/claims/${claim.id}`)).json().ttl, 300);
});

test("PATCH does not check grace", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  const claim = await api.claim("demo");
  t.is((await api.patch(`/v2/queues/demo/claims/${claim.id}`, { ttl: 60, grace: 5 })).status, 204);
  t.is((await api.patch(`/v2/queues/demo/claims/${claim.id}`, { ttl: 60, grace: 99999 })).status, 204);
});

const patchError = test.macro({
  async exec(t, _what: string, req: (claimId: string) => Partial<WireRequest>, expected: string) {
    const api: Api = env.api();
    await api.postMessages("demo", [{ body: 1 }]);
    const claim = await api.claim("demo");
    const res = await api.send({ method: "PATCH", path: `/v2/queues/demo/claims/${claim.id}`, ...req(claim.id) });
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  },
  title: (_ = "", what: string) => `PATCH a claim ${what} answers 400`,
});

test(patchError, "with ttl 30", () => ({ body: { ttl: 30 } }), TTL);
test(patchError, "with ttl 43201", () => ({ body: { ttl: 43201 } }), TTL);
test(patchError, "without a body", () => ({}), BODY("Request body can not be empty"));
test(patchError, "with a list body", () => ({ body: [] }), BODY("Document type not supported."));
test(patchError, "with malformed JSON", () => ({ body: "{" }), BODY("Request body could not be parsed."));
test(patchError, "with a string ttl", () => ({ body: { ttl: "x" } }), BODY('The value of the "ttl" field must be a int.'));

test("PATCH an unknown claim without a body answers the body error first", async (t) => {
  const res = await env.api().send({ method: "PATCH", path: "/v2/queues/demo/claims/5c3e6f2f3fd5b34b0d1a1a1a" });
  t.is(res.status, 400);
  t.is(res.text, BODY("Request body can not be empty"));
});

test("DELETE releases a claim: 204, its messages are free again and the claim is gone", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ body: 1 }]);
  const claim = await api.claim("demo");
  const res = await api.delete(`/v2/queues/demo/claims/${claim.id}`);
  t.is(res.status, 204);
  t.is(res.text, "");
  t.is((await api.get(`/v2/queues/demo/claims/${claim.id}`)).status, 404);
  t.is((await api.get(`/v2/queues/demo/messages/${id}`)).json().href, `/v2/queues/demo/messages/${id}`);
  const gone = await api.delete(`/v2/queues/demo/messages/${id}?claim_id=${claim.id}`);
  t.is(gone.status, 400, "the released claim no longer deletes");
  t.is(gone.text, error("Unable to delete", "The specified claim does not exist or has expired."));
  t.is((await api.get(`/v2/queues/demo/messages/${id}`)).status, 200, "the message survives");
  t.is((await api.claim("demo")).messages[0].id, id);
});

test("DELETE an unknown claim answers 204", async (t) => {
  const api = env.api();
  t.is((await api.delete("/v2/queues/demo/claims/5c3e6f2f3fd5b34b0d1a1a1a")).status, 204);
  t.is((await api.delete("/v2/queues/nothere/claims/nope")).status, 204);
});

test("deleting a claimed message with its claim removes it from the claim", async (t) => {
  const api = env.api();
  const [a, b] = await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const claim = await api.claim("demo");
  t.is((await api.delete(`/v2/queues/demo/messages/${a}?claim_id=${claim.id}`)).status, 204);
  const after = (await api.get(`/v2/queues/demo/claims/${claim.id}`)).json();
  t.deepEqual(after.messages.map((m: { id: string }) => m.id), [b]);
});
