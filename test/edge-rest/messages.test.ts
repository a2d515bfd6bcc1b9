/**
 * Messages over REST (rest-messages-claims.md §1–3, §6): post, list, get and
 * get by ids, with exact statuses, headers and bodies.
 */
import anyTest, { type TestFn } from "ava";
import { API, BODY, ERROR_HEADERS, UUID, errorText as error, OTHER_CLIENT_ID, useEdge, type Api, type WireRequest } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);


test("POST answers 201 with the ids in location and the hrefs in request order", async (t) => {
  const api = env.api();
  const res = await api.post("/v2/queues/demo/messages", {
    messages: [{ ttl: 300, body: { event: "demo", n: 0 } }, { ttl: 300, body: { event: "demo", n: 1 } }, { body: "plain" }],
  });
  t.is(res.status, 201);
  t.is(res.headers["content-type"], "application/json");
  const location = res.headers["location"] as string;
  t.true(location.startsWith("/v2/queues/demo/messages?ids="));
  const ids = location.slice(location.lastIndexOf("=") + 1).split(",");
  t.is(ids.length, 3);
  t.is(res.text, `{"resources": [${ids.map((id) => `"/v2/queues/demo/messages/${id}"`).join(", ")}]}`);
  t.is(res.headers["content-length"], String(Buffer.byteLength(res.text)));
  const listed = (await api.get("/v2/queues/demo/messages?echo=true")).json().messages;
  t.deepEqual(listed.map((m: { id: string }) => m.id), ids);
  t.deepEqual(listed.map((m: { body: unknown }) => m.body), [{ event: "demo", n: 0 }, { event: "demo", n: 1 }, "plain"]);
});

test("POST to an unknown queue creates it", async (t) => {
  const api = env.api();
  t.is((await api.post("/v2/queues/autocreated/messages", { messages: [{ ttl: 300, body: 1 }] })).status, 201);
  t.is((await api.get("/v2/queues")).json().queues[0].name, "autocreated");
});

test("POST accepts more than 20 messages", async (t) => {
  const messages = Array.from({ length: 100 }, (_, n) => ({ ttl: 300, body: { n } }));
  const res = await env.api().post("/v2/queues/demo/messages", { messages });
  t.is(res.status, 201);
  t.is(res.json().resources.length, 100);
});

test("bodies keep non-ASCII characters as raw UTF-8", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ body: { text: "héllo ✓ 😀" } }]);
  const res = await api.get(`/v2/queues/demo/messages/${id}`);
  t.true(res.bytes.includes(Buffer.from("héllo ✓ 😀", "utf8")));
  t.deepEqual(res.json().body, { text: "héllo ✓ 😀" });
});

test("a body of exactly 262144 bytes is accepted", async (t) => {
  const prefix = '{"messages": [{"ttl": 300, "body": "';
  const suffix = '"}]}';
  const body = prefix + "x".repeat(262144 - prefix.length - suffix.length) + suffix;
  t.is(Buffer.byteLength(body), 262144);
  t.is((await env.api().post("/v2/queues/demo/messages", body)).status, 201);
});

const postError = test.macro({
  async exec(t, _what: string, req: Partial<WireRequest> & { queue?: string }, status: number, expected: string, setup?: (api: Api) => Promise<unknown>) {
    const api = env.api();
    if (setup) await setup(api);
    const res = await api.send({ method: "POST", path: `/v2/queues/${req.queue ?? "demo"}/messages`, ...req });
    t.is(res.status, status);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  },
  title: (_ = "", what: string, _req: unknown, status: number) => `POST messages ${what} answers ${status}`,
});

const one = { messages: [{ ttl: 300, body: { event: "demo" } }] };
test(postError, "without Client-ID", { body: one, headers: { "Client-ID": undefined } }, 400, error("Missing header value", 'The "Client-ID" header is required.'));
test(postError, "with a non-UUID Client-ID", { body: one, headers: { "Client-ID": "not-a-uuid" } }, 400, error("Wrong UUID value", "Malformed hexadecimal UUID."));
test(postError, "without X-Project-ID", { body: one, headers: { "X-Project-ID": undefined } }, 400, error("Project-Id Missing", "The header X-PROJECT-ID was missing"));
test(postError, "with ttl 59", { body: { messages: [{ ttl: 59, body: 1 }] } }, 400, API("The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long."));
test(postError, "with ttl 1209601", { body: { messages: [{ ttl: 1209601, body: 1 }] } }, 400, API("The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long."));
test(postError, "with a string ttl", { body: { messages: [{ ttl: "60", body: 1 }] } }, 400, BODY('The value of the "ttl" field must be a int.'));
test(postError, "with a body over 262144 bytes", { body: `{"messages": [{"ttl": 300, "body": "${"x".repeat(262144)}"}]}` }, 400, API("Message collection size is too large. Max size 262144"));
test(postError, "with a body over the edge's safety cap", { body: `{"messages": [{"ttl": 300, "body": "${"x".repeat(5 * 1024 * 1024)}"}]}` }, 400, API("Message collection size is too large. Max size 262144"));
test(
  postError,
  "over the queue's own size limit",
  { queue: "small", body: `{"messages": [{"ttl": 300, "body": "${"x".repeat(70000)}"}]}` },
  400,
  API("Message collection size is too large. The max size for current queue is 65536. It is calculated by max size = min(max_messages_post_size_config: 262144, max_messages_post_size_queue: 65536)."),
  (api) => api.put("/v2/queues/small", { _max_messages_post_size: 65536 }),
);
test(postError, "with an empty list", { body: { messages: [] } }, 400, API("No messages to enqueu."));
test(postError, "with a bare list", { body: [{ ttl: 60, body: 1 }] }, 400, API("No messages were found in the request body."));
test(postError, "without a body field", { body: { messages: [{ ttl: 60 }] } }, 400, BODY('Missing "body" field.'));
test(postError, "with messages that is not a list", { body: { messages: { ttl: 60, body: 1 } } }, 400, BODY("Document type not supported."));
test(postError, "with a message that is not an object", { body: { messages: ["x"] } }, 400, BODY("Document type not supported."));
test(postError, "with malformed JSON", { body: '{"messages": [' }, 400, BODY("Request body could not be parsed."));
test(postError, "with a JSON string document", { body: '"x"' }, 400, BODY("Request body could not be parsed."));
test(postError, "with an integer beyond 64 bits", { body: '{"messages": [{"ttl": 300, "body": 99999999999999999999}]}' }, 400, BODY("JSON contains integer that is too large."));
test(postError, "with no body at all", {}, 400, BODY("Request body can not be empty"));
test(postError, "with Content-Length: 0", { body: "" }, 400, BODY("Request body could not be parsed."));
test(postError, "to an invalid queue name", { queue: "bad%20name!", body: one }, 400, error("Invalid queue identification", "The format of the submitted queue name or project id is not valid."));

test("a delay on an ordinary queue is ignored", async (t) => {
  const api = env.api();
  t.is((await api.post("/v2/queues/demo/messages", { messages: [{ body: 1, delay: 901 }] })).status, 201);
  t.is((await api.get("/v2/queues/demo/messages?echo=true")).json().messages.length, 1);
});

test("a chunked body is read whole", async (t) => {
  const res = await env.api().send({ method: "POST", path: "/v2/queues/demo/messages", body: one, chunked: true });
  t.is(res.status, 201);
});

// --- listing -----------------------------------------------------------------

test("a client does not see its own messages unless echo is on", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  const res = await api.get("/v2/queues/demo/messages");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.text, '{"messages": [], "links": []}');
});

test("echo=true&limit=2 lists the first two messages with Zaqar's next link", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ ttl: 300, body: { event: "demo", n: 0 } }, { ttl: 300, body: { event: "demo", n: 1 } }, { ttl: 300, body: 2 }]);
  const res = await api.get("/v2/queues/demo/messages?echo=true&limit=2");
  t.is(res.status, 200);
  const page = res.json();
  t.deepEqual(Object.keys(page), ["messages", "links"]);
  t.is(page.messages.length, 2);
  for (const [i, m] of page.messages.entries()) {
    t.deepEqual(Object.keys(m), ["id", "href", "ttl", "age", "body"]);
    t.like(m, { id: ids[i], href: `/v2/queues/demo/messages/${ids[i]}`, ttl: 300, body: { event: "demo", n: i } });
    t.true(m.age >= 0 && m.age < 5);
  }
  const href: string = page.links[0].href;
  t.is(page.links.length, 1);
  t.is(page.links[0].rel, "next");
  t.true(href.startsWith("/v2/queues/demo/messages?limit=2&echo=true&include_delayed=true&marker="), href);
  const next = (await api.get(href)).json();
  t.deepEqual(next.messages.map((m: { id: string }) => m.id), [ids[2]]);
});

test("another client sees the messages; the link forces include_delayed", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const res = await api.as(OTHER_CLIENT_ID).get("/v2/queues/demo/messages");
  const page = res.json();
  t.deepEqual(page.messages.map((m: { id: string }) => m.id), ids);
  t.regex(page.links[0].href, /^\/v2\/queues\/demo\/messages\?include_delayed=true&marker=[^&]+$/);
});

test("the next link keeps Zaqar's parameter order and a given marker's place", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ body: 1 }, { body: 2 }, { body: 3 }]);
  const first = (await api.get("/v2/queues/demo/messages?echo=true&limit=1")).json();
  const marker = new URL(first.links[0].href, "http://x").searchParams.get("marker") as string;
  const res = await api.get(`/v2/queues/demo/messages?include_delayed=false&include_claimed=false&limit=1&marker=${marker}&echo=true`);
  const page = res.json();
  t.deepEqual(page.messages.map((m: { id: string }) => m.id), [ids[1]]);
  t.regex(page.links[0].href, /^\/v2\/queues\/demo\/messages\?marker=[^&]+&limit=1&echo=true&include_claimed=false&include_delayed=true$/);
});

test("claimed messages are listed only with include_claimed, with the claim in their href", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ body: 1 }, { body: 2 }]);
  const claim = await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  const plain = (await api.get("/v2/queues/demo/messages?echo=true")).json();
  t.deepEqual(plain.messages.map((m: { id: string }) => m.id), [ids[1]]);
  const all = (await api.get("/v2/queues/demo/messages?include_claimed=true&echo=true")).json();
  t.deepEqual(
    all.messages.map((m: { href: string }) => m.href),
    [`/v2/queues/demo/messages/${ids[0]}?claim_id=${claim.id}`, `/v2/queues/demo/messages/${ids[1]}`],
  );
});

test("a delayed queue hides delayed messages and does not force include_delayed", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/slow", { _default_message_delay: 60 });
  const ids = await api.postMessages("slow", [{ body: 1 }, { body: 2, delay: 0 }]);
  const res = await api.get("/v2/queues/slow/messages?echo=true");
  const page = res.json();
  t.deepEqual(page.messages.map((m: { id: string }) => m.id), [ids[1]]);
  t.regex(page.links[0].href, /^\/v2\/queues\/slow\/messages\?echo=true&marker=[^&]+$/);
  const delayed = (await api.get("/v2/queues/slow/messages?echo=true&include_delayed=true")).json();
  t.deepEqual(delayed.messages.map((m: { id: string }) => m.id), ids);
});

test("listing an unknown queue answers an empty page", async (t) => {
  t.is((await env.api().get("/v2/queues/nothere/messages?echo=true")).text, '{"messages": [], "links": []}');
});

test("listing with an unknown marker answers 200", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  t.is((await api.get("/v2/queues/demo/messages?echo=true&marker=nonsense")).status, 200);
});

const listError = test.macro({
  async exec(t, path: string, status: number, expected: string) {
    const res = await env.api().get(path);
    t.is(res.status, status);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  },
  title: (_ = "", path: string, status: number) => `GET ${path} answers ${status}`,
});

const LIMIT = API("Limit must be at least 1 and may not be greater than 20.");
test(listError, "/v2/queues/demo/messages?limit=21", 400, LIMIT);
test(listError, "/v2/queues/demo/messages?limit=0", 400, LIMIT);
test(listError, "/v2/queues/bad!/messages", 400, error("Invalid queue identification", "The format of the submitted queue name or project id is not valid."));
test(listError, `/v2/queues/demo/messages?ids=${Array.from({ length: 21 }, (_, i) => `m${i}`).join(",")}`, 400, LIMIT);

// --- get one, get by ids -------------------------------------------------------

test("GET a message answers its representation", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ ttl: 300, body: { event: "demo", n: 0 } }]);
  const res = await api.get(`/v2/queues/demo/messages/${id}`);
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json");
  const m = res.json();
  t.deepEqual(Object.keys(m), ["id", "href", "ttl", "age", "body"]);
  t.like(m, { id, href: `/v2/queues/demo/messages/${id}`, ttl: 300, body: { event: "demo", n: 0 } });
  t.regex(id as string, UUID);
});

test("GET a claimed message shows the claim in its href", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ ttl: 300, body: 1 }]);
  const claim = await api.claim("demo");
  const m = (await api.get(`/v2/queues/demo/messages/${id}`)).json();
  t.is(m.href, `/v2/queues/demo/messages/${id}?claim_id=${claim.id}`);
});

test("GET an unknown message answers 404", async (t) => {
  const api = env.api();
  await api.postMessages("demo", [{ body: 1 }]);
  const res = await api.get("/v2/queues/demo/messages/5c3e6f2f3fd5b34b0d1a1a1a");
  t.is(res.status, 404);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.text, error("Not found", `Message 5c3e6f2f3fd5b34b0d1a1a1a does not exist in queue demo for project ${api.project}`));
});

test("GET a message of another project answers 404", async (t) => {
  const api = env.api();
  const [id] = await api.postMessages("demo", [{ body: 1 }]);
  const res = await env.api().get(`/v2/queues/demo/messages/${id}`);
  t.is(res.status, 404);
  t.is(res.json().title, "Not found");
});

test("GET ?ids= answers the messages found, without links", async (t) => {
  const api = env.api();
  const ids = await api.postMessages("demo", [{ body: 1 }, { body: 2 }, { body: 3 }]);
  await api.claim("demo", { ttl: 300, grace: 60 }, "?limit=1");
  const res = await api.get(`/v2/queues/demo/messages?ids=${ids[0]},nope&ids=${ids[2]}`);
  t.is(res.status, 200);
  const page = res.json();
  t.deepEqual(Object.keys(page), ["messages"]);
  t.deepEqual(page.messages.map((m: { id: string }) => m.id), [ids[0], ids[2]]);
  t.regex(page.messages[0].href, /\?claim_id=[0-9a-f-]{36}$/);
});

test("GET ?ids= with none found answers 404 with a Python list", async (t) => {
  const api = env.api();
  const res = await api.get("/v2/queues/notthere/messages?ids=a,b,c");
  t.is(res.status, 404);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.text, error("Not found", `No messages with IDs: ['a', 'b', 'c'] found in the queue notthere for project ${api.project}.`));
});

test("an empty ids= is a plain listing", async (t) => {
  t.is((await env.api().get("/v2/queues/demo/messages?ids=")).text, '{"messages": [], "links": []}');
});
