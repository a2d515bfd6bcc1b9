/**
 * Queues over REST (rest-queues.md §3): create, metadata, list, PATCH, delete,
 * stats, purge, with their exact statuses, headers and bodies.
 */
import anyTest, { type TestFn } from "ava";
import { ERROR_HEADERS, useEdge, type Api } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);

const DEFAULTS = {
  _max_messages_post_size: 262144,
  _default_message_ttl: 3600,
  _default_message_delay: 0,
  _dead_letter_queue: null,
  _dead_letter_queue_messages_ttl: null,
  _max_claim_count: null,
  _enable_encrypt_messages: false,
};
const PATCH_TYPE = { "Content-Type": "application/openstack-messaging-v2.0-json-patch" };
const error = (title: string, description?: string) =>
  description === undefined ? `{"title": ${JSON.stringify(title)}}` : `{"title": ${JSON.stringify(title)}, "description": ${JSON.stringify(description)}}`;

test("PUT creates a queue: 201 with location and an empty JSON body", async (t) => {
  const res = await env.api().put("/v2/queues/demo");
  t.is(res.status, 201);
  t.deepEqual(
    { location: res.headers["location"], length: res.headers["content-length"], type: res.headers["content-type"] },
    { location: "/v2/queues/demo", length: "0", type: "application/json" },
  );
  t.is(res.text, "");
});

test("PUT on an existing queue answers 204 with location and no content headers", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo");
  const res = await api.put("/v2/queues/demo");
  t.is(res.status, 204);
  t.is(res.headers["location"], "/v2/queues/demo");
  t.is(res.headers["content-type"], undefined);
  t.is(res.headers["content-length"], undefined);
  t.is(res.text, "");
});

test("PUT with metadata stores it and GET answers it with the reserved defaults", async (t) => {
  const api = env.api();
  const put = await api.put("/v2/queues/demo2", { _max_messages_post_size: 65536, _default_message_ttl: 3600, description: "d2" });
  t.is(put.status, 201);
  const res = await api.get("/v2/queues/demo2");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  t.deepEqual(res.json(), { ...DEFAULTS, _max_messages_post_size: 65536, description: "d2" });
});

test("a repeated PUT leaves the metadata unchanged", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/q", { a: 1 });
  t.is((await api.put("/v2/queues/q", { a: 2 })).status, 204);
  t.is((await api.get("/v2/queues/q")).json().a, 1);
});

test("GET on an unknown queue answers 200 with the defaults (queues are lazy)", async (t) => {
  const res = await env.api().get("/v2/queues/nonexistent");
  t.is(res.status, 200);
  t.deepEqual(res.json(), DEFAULTS);
  t.deepEqual(Object.keys(res.json()), Object.keys(DEFAULTS));
});

test("a 64-character queue name is fine", async (t) => {
  const res = await env.api().put(`/v2/queues/${"q".repeat(64)}`);
  t.is(res.status, 201);
  t.is(res.headers["location"], `/v2/queues/${"q".repeat(64)}`);
});

test("a queue name may contain dots, dashes and underscores", async (t) => {
  const api = env.api();
  t.is((await api.put("/v2/queues/a.b-c_D9")).status, 201);
  t.is((await api.get("/v2/queues")).json().queues[0].name, "a.b-c_D9");
});

const badRequest = test.macro({
  async exec(t, _what: string, send: (api: Api) => Promise<{ status: number; headers: Record<string, string>; text: string }>, status: number, body: string) {
    const res = await send(env.api());
    t.is(res.status, status);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, body);
  },
  title: (_ = "", what: string, _send: unknown, status: number) => `${what} answers ${status}`,
});

const INVALID_NAME = error("Invalid queue identification", "The format of the submitted queue name or project id is not valid.");
test(badRequest, "PUT with a 65-character name", (api) => api.put(`/v2/queues/${"q".repeat(65)}`), 400, INVALID_NAME);
test(badRequest, "PUT with a space in the name", (api) => api.put("/v2/queues/bad%20name!"), 400, INVALID_NAME);
test(badRequest, "PUT with a non-ASCII name", (api) => api.put("/v2/queues/caf%C3%A9"), 400, INVALID_NAME);
test(badRequest, "GET with a bad name", (api) => api.get("/v2/queues/bad!"), 400, INVALID_NAME);
test(badRequest, "DELETE with a bad name", (api) => api.delete("/v2/queues/bad!"), 400, INVALID_NAME);
test(badRequest, "stats with a bad name", (api) => api.get("/v2/queues/bad!/stats"), 400, INVALID_NAME);
test(badRequest, "PUT with a body that is not JSON", (api) => api.put("/v2/queues/demo3", "{not json"), 400, error("Invalid request body", "Request body could not be parsed."));
test(badRequest, "PUT with a JSON string body", (api) => api.put("/v2/queues/demo3", '"x"'), 400, error("Invalid request body", "Request body could not be parsed."));
test(badRequest, "PUT with a JSON array body", (api) => api.put("/v2/queues/demo3", "[1,2]"), 400, error("Invalid request body", "Document type not supported."));
test(badRequest, "PUT with metadata over 65536 bytes", (api) => api.put("/v2/queues/big", `{"a": "${"x".repeat(65530)}"}`), 400, error("Invalid API request", "Queue metadata is too large. Max size: 65536"));
test(badRequest, "PUT with a too-short default message ttl", (api) => api.put("/v2/queues/q", { _default_message_ttl: 30 }), 400, error("Invalid API request", "_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long."));
test(badRequest, "PUT with a non-integer max post size", (api) => api.put("/v2/queues/q", { _max_messages_post_size: "x" }), 400, error("Invalid API request", "_max_messages_post_size must be integer."));
test(badRequest, "PUT with a non-boolean encryption flag", (api) => api.put("/v2/queues/q", { _enable_encrypt_messages: 1 }), 400, error("Invalid API request", "_enable_encrypt_messages must be boolean."));

test("PUT with metadata of exactly 65536 bytes is accepted", async (t) => {
  const body = `{"a": "${"x".repeat(65536 - 9)}"}`;
  t.is(Buffer.byteLength(body), 65536);
  t.is((await env.api().put("/v2/queues/big", body)).status, 201);
});

// --- listing ---------------------------------------------------------------

test("an empty project lists no queues and no links", async (t) => {
  const res = await env.api().get("/v2/queues");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.text, '{"queues": [], "links": []}');
});

test("with_count on an empty project omits the count", async (t) => {
  t.is((await env.api().get("/v2/queues?with_count=true")).text, '{"queues": [], "links": []}');
});

test("GET /v2/queues lists queues by name with a next link", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo2");
  await api.put("/v2/queues/demo");
  const res = await api.get("/v2/queues");
  t.is(res.status, 200);
  t.is(
    res.text,
    '{"queues": [{"name": "demo", "href": "/v2/queues/demo"}, {"name": "demo2", "href": "/v2/queues/demo2"}], "links": [{"rel": "next", "href": "/v2/queues?marker=demo2"}]}',
  );
});

test("detailed listing shows metadata between name and href", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo", { node: 31 });
  await api.put("/v2/queues/demo2");
  const res = await api.get("/v2/queues?detailed=true&limit=1");
  t.is(res.status, 200);
  t.deepEqual(res.json(), {
    queues: [{ name: "demo", metadata: { ...DEFAULTS, node: 31 }, href: "/v2/queues/demo" }],
    links: [{ rel: "next", href: "/v2/queues?limit=1&detailed=true&marker=demo" }],
  });
  t.deepEqual(Object.keys(res.json().queues[0]), ["name", "metadata", "href"]);
});

test("with_count adds the number of queues after the links", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo");
  await api.put("/v2/queues/demo2");
  const res = await api.get("/v2/queues?with_count=true");
  t.is(
    res.text,
    '{"queues": [{"name": "demo", "href": "/v2/queues/demo"}, {"name": "demo2", "href": "/v2/queues/demo2"}], "links": [{"rel": "next", "href": "/v2/queues?with_count=true&marker=demo2"}], "count": 2}',
  );
});

test("the next link repeats the given parameters in Zaqar's order", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/ma");
  await api.put("/v2/queues/mb");
  const res = await api.get("/v2/queues?with_count=true&name=m&limit=1&detailed=false&foo=bar");
  t.deepEqual(res.json().links, [{ rel: "next", href: "/v2/queues?limit=1&detailed=false&name=m&with_count=true&marker=ma" }]);
});

test("a given marker keeps its place in the next link", async (t) => {
  const api = env.api();
  for (const q of ["a", "b", "c", "d", "e"]) await api.put(`/v2/queues/${q}`);
  const res = await api.get("/v2/queues?marker=a&limit=3");
  t.deepEqual(res.json().queues.map((q: { name: string }) => q.name), ["b", "c", "d"]);
  t.deepEqual(res.json().links, [{ rel: "next", href: "/v2/queues?marker=d&limit=3" }]);
});

test("following next links pages through every queue and ends on an empty page", async (t) => {
  const api = env.api();
  const names = ["a1", "a2", "a3", "a4", "a5"];
  for (const q of names) await api.put(`/v2/queues/${q}`);
  const seen: string[] = [];
  let href = "/v2/queues?limit=2";
  for (let i = 0; i < 10; i++) {
    const page = (await api.get(href)).json();
    if (page.queues.length === 0) {
      t.deepEqual(page.links, []);
      break;
    }
    seen.push(...page.queues.map((q: { name: string }) => q.name));
    href = page.links[0].href;
  }
  t.deepEqual(seen, names);
});

test("link values are percent-encoded", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/q");
  const res = await api.get("/v2/queues?name=a%20b%2Fc~");
  t.deepEqual(res.json().links, [{ rel: "next", href: "/v2/queues?name=a%20b%2Fc~&marker=q" }]);
});

const LIMIT_QUEUES = error("Invalid API request", "Limit must be at least 1 and no greater than 20.");
test(badRequest, "GET /v2/queues?limit=0", (api) => api.get("/v2/queues?limit=0"), 400, LIMIT_QUEUES);
test(badRequest, "GET /v2/queues?limit=21", (api) => api.get("/v2/queues?limit=21"), 400, LIMIT_QUEUES);
test(badRequest, "GET /v2/queues?limit=-1", (api) => api.get("/v2/queues?limit=-1"), 400, LIMIT_QUEUES);

test("listing accepts limit 20", async (t) => {
  t.is((await env.api().get("/v2/queues?limit=20")).status, 200);
});

// --- PATCH -----------------------------------------------------------------

test("PATCH applies a JSON-patch document and answers the full metadata", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo2", { _max_messages_post_size: 65536, description: "d2" });
  const res = await api.patch(
    "/v2/queues/demo2",
    [
      { op: "replace", path: "/metadata/description", value: "x" },
      { op: "add", path: "/metadata/flavor", value: "none" },
    ],
    PATCH_TYPE,
  );
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  t.deepEqual(res.json(), { ...DEFAULTS, _max_messages_post_size: 65536, description: "x", flavor: "none" });
  t.deepEqual((await api.get("/v2/queues/demo2")).json(), res.json());
});

test("PATCH with an empty operation list answers the unchanged metadata", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/q", { a: 1 });
  const res = await api.patch("/v2/queues/q", [], PATCH_TYPE);
  t.is(res.status, 200);
  t.deepEqual(res.json(), { ...DEFAULTS, a: 1 });
});

const PATCH_415 = error("Accepted media type for PATCH: {'Accept-Patch': 'application/openstack-messaging-v2.0-json-patch'}.");
const ops = [{ op: "replace", path: "/metadata/description", value: "y" }];
test(badRequest, "PATCH with Content-Type application/json", (api) => api.patch("/v2/queues/q", ops, { "Content-Type": "application/json" }), 415, PATCH_415);
test(badRequest, "PATCH without Content-Type", (api) => api.patch("/v2/queues/q", ops), 415, PATCH_415);
test(badRequest, "PATCH with a charset parameter", (api) => api.patch("/v2/queues/q", ops, { "Content-Type": "application/openstack-messaging-v2.0-json-patch; charset=utf-8" }), 415, PATCH_415);

const patchError = test.macro({
  async exec(t, body: string | undefined, status: number, expected: string) {
    const api = env.api();
    await api.put("/v2/queues/q", { a: 1 });
    const res = await api.send({ method: "PATCH", path: "/v2/queues/q", headers: PATCH_TYPE, ...(body === undefined ? {} : { body }) });
    t.is(res.status, status);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
    t.deepEqual((await api.get("/v2/queues/q")).json(), { ...DEFAULTS, a: 1 }, "nothing is saved");
  },
  title: (_ = "", body: string | undefined, status: number) => `PATCH with ${body === undefined ? "no body" : body} answers ${status}`,
});

const BODY = (d: string) => error("Invalid request body", d);
test(patchError, undefined, 400, BODY("PATCH body could not be empty for update."));
test(patchError, "", 400, BODY("PATCH body could not be empty for update."));
test(patchError, "[{", 400, BODY("Request body could not be parsed."));
test(patchError, '{"op": "add"}', 400, BODY("Document type not supported."));
test(patchError, '["x"]', 400, BODY("Operations must be JSON objects."));
test(patchError, '[{"path": "/metadata/a", "value": 1}]', 400, BODY("Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace."));
test(patchError, '[{"op": "move", "path": "/metadata/a"}]', 400, BODY("Invalid operation: `move`. It must be one of the following: add, remove, replace."));
test(patchError, '[{"op": "add", "value": 1}]', 400, BODY("Unable to find 'path' in JSON Schema change"));
test(patchError, '[{"op": "add", "path": "metadata/a", "value": 1}]', 400, BODY('Pointer `metadata/a` does not start with "/".'));
test(patchError, '[{"op": "add", "path": "/metadata/a/", "value": 1}]', 400, BODY('Pointer `/metadata/a/` end with "/".'));
test(patchError, '[{"op": "add", "path": "/metadata/a~2", "value": 1}]', 400, BODY('Pointer `/metadata/a~2` contains "~" not part of a recognized escape sequence.'));
test(patchError, '[{"op": "add", "path": "/a/b/c", "value": 1}]', 400, BODY("Invalid JSON pointer for this resource: '/a/b/c, e.g /metadata/key'"));
test(patchError, '[{"op": "add", "path": "/meta/a", "value": 1}]', 400, BODY("The root of path must be metadata, e.g /metadata/key."));
test(patchError, '[{"op": "add", "path": "/metadata/b"}]', 400, BODY('Operation "add" requires a member named "value".'));
test(patchError, '[{"op": "add", "path": "/metadata/b", "value": 1}, {"op": "replace", "path": "/metadata/nope", "value": 1}]', 409, error("Resource conflict", "Can't replace non-existent object nope."));
test(patchError, '[{"op": "remove", "path": "/metadata/nope"}]', 409, error("Resource conflict", "Can't remove non-existent object nope."));
test(patchError, '[{"op": "add", "path": "/metadata/_default_message_ttl", "value": 30}]', 400, BODY("_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long."));

test("PATCH on an unknown queue answers 404", async (t) => {
  const api = env.api();
  const res = await api.patch("/v2/queues/xyz", ops, PATCH_TYPE);
  t.is(res.status, 404);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.text, error("Not found", `Queue xyz does not exist for project ${api.project}`));
});

// --- delete, stats, purge ----------------------------------------------------

test("DELETE answers 204 and the queue is gone", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/demo");
  const res = await api.delete("/v2/queues/demo");
  t.is(res.status, 204);
  t.is(res.text, "");
  t.is(res.headers["content-type"], undefined);
  t.is((await api.get("/v2/queues")).text, '{"queues": [], "links": []}');
});

test("DELETE of an unknown queue answers 204", async (t) => {
  t.is((await env.api().delete("/v2/queues/demo")).status, 204);
});

test("stats of an unknown queue are all zero", async (t) => {
  const res = await env.api().get("/v2/queues/nothere/stats");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.text, '{"messages": {"claimed": 0, "free": 0, "total": 0}}');
});

test("stats count claimed and free messages and show the oldest and newest", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ ttl: 300, body: 1 }, { ttl: 300, body: 2 }, { ttl: 300, body: 3 }]);
  await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=2");
  const res = await api.get("/v2/queues/demo/stats");
  t.is(res.status, 200);
  const stats = res.json();
  t.deepEqual(Object.keys(stats.messages), ["claimed", "free", "total", "oldest", "newest"]);
  t.like(stats.messages, { claimed: 2, free: 1, total: 3 });
  for (const [which, id] of [["oldest", ids[0]], ["newest", ids[2]]] as const) {
    const m = stats.messages[which];
    t.deepEqual(Object.keys(m), ["age", "created", "href"]);
    t.is(m.href, `/v2/queues/demo/messages/${id}`);
    t.regex(m.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    t.true(Math.abs(Date.parse(m.created) - Date.now()) < 5000);
    t.true(Number.isInteger(m.age) && m.age >= 0 && m.age < 5);
  }
});

test("purge without a body removes every message: 204", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const res = await api.post("/v2/queues/demo/purge");
  t.is(res.status, 204);
  t.is(res.text, "");
  t.is((await api.get("/v2/queues/demo/stats")).text, '{"messages": {"claimed": 0, "free": 0, "total": 0}}');
});

test("purge of messages only answers 204", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  t.is((await api.post("/v2/queues/demo/purge", { resource_types: ["messages"] })).status, 204);
  t.is((await api.get("/v2/queues/demo/stats")).json().messages.total, 0);
});

test("purge with an empty resource list answers 204", async (t) => {
  t.is((await env.api().post("/v2/queues/demo/purge", { resource_types: [] })).status, 204);
});

test("purge of an unknown queue answers 204", async (t) => {
  t.is((await env.api().post("/v2/queues/nothere/purge", { resource_types: ["messages", "subscriptions"] })).status, 204);
});

test(badRequest, "purge with an unknown resource type", (api) => api.post("/v2/queues/demo/purge", { resource_types: ["x"] }), 400, error("Invalid API request", "Resource types must be a sub set of {'subscriptions', 'messages'}."));
test(badRequest, "purge without resource_types", (api) => api.post("/v2/queues/demo/purge", {}), 400, error("Invalid API request", 'Post body must contain key "resource_types".'));
