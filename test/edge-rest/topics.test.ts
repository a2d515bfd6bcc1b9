/**
 * Topics over REST (rest-queues.md §5): create, metadata, list, PATCH,
 * delete, stats, purge, with exact statuses, headers and bodies, on the
 * memory store and on Redis (where Zaqar 15 answers 503 for most of these).
 * The topic's messages are in topic-messages.test.ts.
 */
import anyTest, { type ExecutionContext, type TestFn } from "ava";
import { ERROR_HEADERS, errorText as error, type Api, type WireResponse } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const stores = useEdgeOnStores(test);

/** Topic GET fills only these three (no dead-letter or encryption keys). */
const DEFAULTS = { _max_messages_post_size: 262144, _default_message_ttl: 3600, _default_message_delay: 0 };
const PATCH_TYPE = { "Content-Type": "application/openstack-messaging-v2.0-json-patch" };
const INVALID_TOPIC = error("Invalid topic identification", "The format of the submitted topic name or project id is not valid.");
const API = (d: string) => error("Invalid API request", d);
const BODY = (d: string) => error("Invalid request body", d);

/**
 * The body is this JSON, keys in this order. Metadata is spliced in as the
 * core stores it (compact), so whitespace is not compared.
 */
function sameJson(t: ExecutionContext, res: WireResponse, expected: unknown): void {
  t.is(res.headers["content-type"], "application/json");
  t.is(JSON.stringify(res.json()), JSON.stringify(expected));
}

for (const [store, env] of stores) {
  /** A test on this store, with a client on a fresh project. */
  const it = (title: string, body: (t: ExecutionContext, api: Api) => Promise<void>) =>
    test(`${store}: ${title}`, (t) => body(t, env.api()));

  const fails = test.macro({
    async exec(t, _what: string, send: (api: Api) => Promise<WireResponse>, status: number, body: string) {
      const res = await send(env.api());
      t.is(res.status, status);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, body);
    },
    title: (_ = "", what: string, _send: unknown, status: number) => `${store}: ${what} answers ${status}`,
  });

  // --- create and read -------------------------------------------------------

  it("PUT creates a topic: 201 with location and an empty JSON body", async (t, api) => {
    const res = await api.put("/v2/topics/t1");
    t.is(res.status, 201);
    t.deepEqual(
      { location: res.headers["location"], length: res.headers["content-length"], type: res.headers["content-type"] },
      { location: "/v2/topics/t1", length: "0", type: "application/json" },
    );
    t.is(res.text, "");
  });

  it("PUT on an existing topic answers 204 with location and no content headers", async (t, api) => {
    await api.put("/v2/topics/t1");
    const res = await api.put("/v2/topics/t1", { a: 2 });
    t.is(res.status, 204);
    t.is(res.headers["location"], "/v2/topics/t1");
    t.is(res.headers["content-type"], undefined);
    t.is(res.headers["content-length"], undefined);
    t.is(res.text, "");
  });

  it("PUT with metadata stores it and GET answers it with only the three topic defaults", async (t, api) => {
    t.is((await api.put("/v2/topics/t2", { description: "d2", _default_message_ttl: 300, _max_claim_count: 3 })).status, 201);
    t.is((await api.put("/v2/topics/t2", { description: "other" })).status, 204);
    const res = await api.get("/v2/topics/t2");
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    sameJson(t, res, { description: "d2", _default_message_ttl: 300, _max_claim_count: 3, _max_messages_post_size: 262144, _default_message_delay: 0 });
  });

  it("GET on an unknown topic answers 200 with the defaults", async (t, api) => {
    const res = await api.get("/v2/topics/nothere");
    t.is(res.status, 200);
    sameJson(t, res, DEFAULTS);
  });

  it("a 64-character topic name with dots, dashes and underscores is fine", async (t, api) => {
    const name = `a.b-c_${"x".repeat(58)}`;
    t.is((await api.put(`/v2/topics/${name}`)).status, 201);
    t.is((await api.get("/v2/topics")).json().topics[0].name, name);
  });

  test(fails, "PUT with a 65-character name", (api) => api.put(`/v2/topics/${"t".repeat(65)}`), 400, INVALID_TOPIC);
  test(fails, "PUT with a space in the name", (api) => api.put("/v2/topics/bad%20name!"), 400, INVALID_TOPIC);
  test(fails, "GET with a non-ASCII name", (api) => api.get("/v2/topics/caf%C3%A9"), 400, INVALID_TOPIC);
  test(fails, "PATCH with a bad name", (api) => api.patch("/v2/topics/bad!", [], PATCH_TYPE), 400, INVALID_TOPIC);
  test(fails, "DELETE with a bad name", (api) => api.delete("/v2/topics/bad!"), 400, INVALID_TOPIC);
  test(fails, "stats with a bad name", (api) => api.get("/v2/topics/bad!/stats"), 400, INVALID_TOPIC);
  test(fails, "purge with a bad name", (api) => api.post("/v2/topics/bad!/purge"), 400, INVALID_TOPIC);
  test(fails, "PUT with a project id over 256 characters", (api) => api.put("/v2/topics/t", undefined, { "X-Project-ID": "p".repeat(257) }), 400, INVALID_TOPIC);
  test(fails, "PUT with a body that is not JSON", (api) => api.put("/v2/topics/t", "{not json"), 400, BODY("Request body could not be parsed."));
  test(fails, "PUT with a JSON array body", (api) => api.put("/v2/topics/t", "[1,2]"), 400, BODY("Document type not supported."));
  test(fails, "PUT with metadata over 65536 bytes", (api) => api.put("/v2/topics/t", `{"a": "${"x".repeat(65530)}"}`), 400, API("Queue metadata is too large. Max size: 65536"));
  test(fails, "PUT with a too-short default message ttl", (api) => api.put("/v2/topics/t", { _default_message_ttl: 30 }), 400, API("_default_message_ttl can not exceed 1209600 seconds, and must be at least 60 seconds long."));
  test(fails, "PUT without Client-ID", (api) => api.put("/v2/topics/t", undefined, { "Client-ID": undefined }), 400, error("Missing header value", 'The "Client-ID" header is required.'));

  // --- listing ---------------------------------------------------------------

  it("an empty project lists no topics and no links", async (t, api) => {
    const res = await api.get("/v2/topics");
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    t.is(res.text, '{"topics": [], "links": []}');
  });

  it("GET /v2/topics lists topics by name with a next link", async (t, api) => {
    await api.put("/v2/topics/t2");
    await api.put("/v2/topics/t1");
    t.is(
      (await api.get("/v2/topics")).text,
      '{"topics": [{"name": "t1", "href": "/v2/topics/t1"}, {"name": "t2", "href": "/v2/topics/t2"}], "links": [{"rel": "next", "href": "/v2/topics?marker=t2"}]}',
    );
  });

  it("detailed listing shows the metadata with the topic defaults between name and href", async (t, api) => {
    await api.put("/v2/topics/t1", { node: 31 });
    await api.put("/v2/topics/t2");
    const res = await api.get("/v2/topics?detailed=true&limit=1");
    sameJson(t, res, {
      topics: [{ name: "t1", metadata: { node: 31, ...DEFAULTS }, href: "/v2/topics/t1" }],
      links: [{ rel: "next", href: "/v2/topics?limit=1&detailed=true&marker=t1" }],
    });
  });

  it("the next link repeats marker, limit, detailed and name, but not with_count or filters", async (t, api) => {
    await api.put("/v2/topics/ma");
    await api.put("/v2/topics/mb");
    const res = await api.get("/v2/topics?with_count=true&name=m&limit=1&detailed=false&foo=bar");
    t.is(res.text, '{"topics": [{"name": "ma", "href": "/v2/topics/ma"}], "links": [{"rel": "next", "href": "/v2/topics?limit=1&detailed=false&name=m&marker=ma"}]}');
  });

  it("following next links pages through every topic and ends on an empty page", async (t, api) => {
    for (const name of ["a1", "a2", "a3", "a4", "a5"]) await api.put(`/v2/topics/${name}`);
    const seen: string[] = [];
    let href = "/v2/topics?limit=2";
    for (let i = 0; i < 10; i++) {
      const page = (await api.get(href)).json();
      if (page.topics.length === 0) {
        t.deepEqual(page.links, []);
        break;
      }
      seen.push(...page.topics.map((q: { name: string }) => q.name));
      href = page.links[0].href;
    }
    t.deepEqual(seen, ["a1", "a2", "a3", "a4", "a5"]);
  });

  const LIMIT = API("Limit must be at least 1 and no greater than 20.");
  test(fails, "GET /v2/topics?limit=0", (api) => api.get("/v2/topics?limit=0"), 400, LIMIT);
  test(fails, "GET /v2/topics?limit=21", (api) => api.get("/v2/topics?limit=21"), 400, LIMIT);
  test(fails, "GET /v2/topics?limit=x", (api) => api.get("/v2/topics?limit=x"), 400, error("Invalid parameter", 'The "limit" parameter is invalid. The value must be an integer.'));

  // --- PATCH -----------------------------------------------------------------

  it("PATCH applies a JSON-patch document and answers the metadata with the topic defaults", async (t, api) => {
    await api.put("/v2/topics/t", { a: 1 });
    const res = await api.patch(
      "/v2/topics/t",
      [
        { op: "replace", path: "/metadata/_default_message_ttl", value: 300 },
        { op: "add", path: "/metadata/owner", value: "team-a" },
        { op: "remove", path: "/metadata/a" },
      ],
      PATCH_TYPE,
    );
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    sameJson(t, res, { _default_message_ttl: 300, owner: "team-a", _max_messages_post_size: 262144, _default_message_delay: 0 });
    t.is((await api.get("/v2/topics/t")).text, res.text);
  });

  it("PATCH on an unknown topic answers 404 naming the topic and the project", async (t, api) => {
    const res = await api.patch("/v2/topics/xyz", [{ op: "add", path: "/metadata/a", value: 1 }], PATCH_TYPE);
    t.is(res.status, 404);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, error("Not found", `Topic xyz does not exist for project ${api.project}`));
  });

  const PATCH_415 = `{"title": "Accepted media type for PATCH: {'Accept-Patch': 'application/openstack-messaging-v2.0-json-patch'}."}`;
  test(fails, "PATCH with Content-Type application/json", (api) => api.patch("/v2/topics/t", [], { "Content-Type": "application/json" }), 415, PATCH_415);
  test(fails, "PATCH with an empty body", (api) => api.send({ method: "PATCH", path: "/v2/topics/t", headers: PATCH_TYPE, body: "" }), 400, BODY("PATCH body could not be empty for update."));
  test(fails, "PATCH with an object body", (api) => api.patch("/v2/topics/t", { op: "add" }, PATCH_TYPE), 400, BODY("Document type not supported."));

  it("a failing PATCH operation saves nothing: 409", async (t, api) => {
    await api.put("/v2/topics/t", { a: 1 });
    const res = await api.patch("/v2/topics/t", [{ op: "add", path: "/metadata/b", value: 2 }, { op: "remove", path: "/metadata/nope" }], PATCH_TYPE);
    t.is(res.status, 409);
    t.is(res.text, error("Resource conflict", "Can't remove non-existent object nope."));
    t.deepEqual((await api.get("/v2/topics/t")).json(), { a: 1, ...DEFAULTS });
  });

  it("PATCH re-validates the reserved attributes: 400", async (t, api) => {
    await api.put("/v2/topics/t");
    const res = await api.patch("/v2/topics/t", [{ op: "add", path: "/metadata/_default_message_delay", value: 901 }], PATCH_TYPE);
    t.is(res.status, 400);
    t.is(res.text, BODY("The TTL can not exceed 900 seconds, and must be at least 0 seconds long."));
  });

  // --- delete, stats, purge --------------------------------------------------

  it("DELETE answers 204 and the topic and its messages are gone", async (t, api) => {
    await api.put("/v2/topics/t", { a: 1 });
    await api.post("/v2/topics/t/messages", { messages: [{ body: 1 }] });
    const res = await api.delete("/v2/topics/t");
    t.is(res.status, 204);
    t.is(res.text, "");
    t.is(res.headers["content-type"], undefined);
    t.is((await api.get("/v2/topics")).text, '{"topics": [], "links": []}');
    t.is((await api.get("/v2/topics/t/stats")).text, '{"messages": {"total": 0}}');
    t.deepEqual((await api.get("/v2/topics/t")).json(), DEFAULTS);
  });

  it("DELETE of an unknown topic answers 204", async (t, api) => {
    t.is((await api.delete("/v2/topics/nothere")).status, 204);
  });

  it("stats of an unknown topic count nothing", async (t, api) => {
    const res = await api.get("/v2/topics/nothere/stats");
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    t.is(res.text, '{"messages": {"total": 0}}');
  });

  it("stats count the messages and show the oldest and newest under /v2/topics", async (t, api) => {
    const post = await api.post("/v2/topics/t/messages", { messages: [{ body: 1 }, { body: 2 }, { body: 3 }] });
    const ids = (post.json().resources as string[]).map((href) => href.slice(href.lastIndexOf("/") + 1));
    const res = await api.get("/v2/topics/t/stats");
    t.is(res.status, 200);
    const stats = res.json().messages;
    t.deepEqual(Object.keys(stats), ["total", "oldest", "newest"]);
    t.is(stats.total, 3);
    for (const [which, id] of [["oldest", ids[0]], ["newest", ids[2]]] as const) {
      t.deepEqual(Object.keys(stats[which]), ["age", "created", "href"]);
      t.is(stats[which].href, `/v2/topics/t/messages/${id}`);
      t.regex(stats[which].created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      t.true(Number.isInteger(stats[which].age) && stats[which].age >= 0 && stats[which].age < 5);
    }
  });

  it("purge without a body removes every message: 204", async (t, api) => {
    await api.post("/v2/topics/t/messages", { messages: [{ body: 1 }, { body: 2 }] });
    const res = await api.post("/v2/topics/t/purge");
    t.is(res.status, 204);
    t.is(res.text, "");
    t.is((await api.get("/v2/topics/t/stats")).text, '{"messages": {"total": 0}}');
  });

  it("purge of subscriptions only keeps the messages", async (t, api) => {
    await api.post("/v2/topics/t/messages", { messages: [{ body: 1 }] });
    t.is((await api.post("/v2/topics/t/purge", { resource_types: ["subscriptions"] })).status, 204);
    t.is((await api.get("/v2/topics/t/stats")).json().messages.total, 1);
  });

  test(fails, "purge with an unknown resource type", (api) => api.post("/v2/topics/t/purge", { resource_types: ["x"] }), 400, API("Resource types must be a sub set of {'subscriptions', 'messages'}."));
  test(fails, "purge without resource_types", (api) => api.post("/v2/topics/t/purge", {}), 400, API('Post body must contain key "resource_types".'));

  // --- routing -----------------------------------------------------------------

  it("unrouted methods answer 405 with Allow, and OPTIONS lists the routed ones", async (t, api) => {
    const post = await api.post("/v2/topics/t", {});
    t.is(post.status, 405);
    t.is(post.headers["allow"], "DELETE, GET, PATCH, PUT, OPTIONS");
    t.is(post.text, '{"title": "405 Method Not Allowed"}');
    t.is((await api.send({ method: "HEAD", path: "/v2/topics/t" })).status, 405);
    t.is((await api.send({ method: "DELETE", path: "/v2/topics" })).headers["allow"], "GET, OPTIONS");
    const options = await api.send({ method: "OPTIONS", path: "/v2/topics/t/messages" });
    t.is(options.status, 200);
    t.is(options.headers["allow"], "DELETE, GET, POST");
  });

  it("topic claims are not routed: 404", async (t, api) => {
    for (const [method, path] of [
      ["POST", "/v2/topics/t/claims"],
      ["GET", "/v2/topics/t/claims/c1"],
      ["GET", "/v2/topics/t/"],
    ] as const) {
      const res = await api.send({ method, path });
      t.is(res.status, 404, `${method} ${path}`);
      t.is(res.text, '{"title": "404 Not Found"}');
    }
  });
}
