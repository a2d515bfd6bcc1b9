/**
 * Routing (Falcon's exact behaviour) and the request pre-processing hooks, in
 * the spec's order: form-encoded reject → Accept → Client-ID → X-Project-ID.
 */
import { readFileSync } from "node:fs";
import anyTest, { type TestFn } from "ava";
import { CLIENT_ID, ERROR_HEADERS, useEdge, type WireRequest } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const ADMIN_RELS = ["rel/pools", "rel/pool", "rel/flavors", "rel/flavor", "rel/health"];

test("GET / answers the versions document with 300", async (t) => {
  const res = await env.api().get("/", { "Client-ID": undefined, "X-Project-ID": undefined });
  t.is(res.status, 300);
  t.is(res.headers["content-type"], "application/json");
  t.is(res.headers["content-length"], "668");
  t.deepEqual(res.json(), fixture("versions-document.json"));
});

test("GET /v2/ answers the home document as application/json-home, cacheable for a day", async (t) => {
  const res = await env.api().get("/v2/");
  t.is(res.status, 200);
  t.is(res.headers["content-type"], "application/json-home");
  t.is(res.headers["cache-control"], "max-age=86400");
  const expected = fixture("home-document.json");
  for (const rel of ADMIN_RELS) delete expected.resources[rel];
  t.deepEqual(res.json(), expected);
  t.deepEqual(Object.keys(res.json().resources), Object.keys(expected.resources));
  // Zaqar serialises it with 4-space indentation.
  t.true(res.text.startsWith('{\n    "resources": {\n        "rel/queues": {'));
});

test("GET /v2/ with a malformed Client-ID answers the core's 400", async (t) => {
  const res = await env.api().get("/v2/", { "Client-ID": "not-a-uuid" });
  t.is(res.status, 400);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.text, '{"title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."}');
});

test("Client-ID is accepted in every form Python's uuid.UUID parses", async (t) => {
  for (const id of [CLIENT_ID.toUpperCase(), `{${CLIENT_ID}}`, `urn:uuid:${CLIENT_ID}`, CLIENT_ID.replaceAll("-", "")]) {
    const res = await env.api().get("/v2/queues", { "Client-ID": id });
    t.is(res.status, 200, id);
  }
});

const NOT_FOUND = '{"title": "404 Not Found"}';

const notFound = test.macro({
  async exec(t, method: string, path: string) {
    const res = await env.api().send({ method, path });
    t.is(res.status, 404);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.headers["content-length"], "26");
    t.is(res.text, NOT_FOUND);
  },
  title: (_ = "", method: string, path: string) => `${method} ${path} is not routed: 404 {"title": "404 Not Found"}`,
});

test(notFound, "GET", "/v2");
test(notFound, "GET", "/v2//");
test(notFound, "GET", "/v2/queues/q/");
test(notFound, "GET", "/v2/ping/");
test(notFound, "GET", "/v2/nothing");
test(notFound, "GET", "/V2/ping");
test(notFound, "GET", "/v2/queues/a%2Fb");
test(notFound, "GET", "/v2/queues/a%2fb/messages");
test(notFound, "PUT", "/v2/queues/a%2Fb");
test(notFound, "GET", "/v2/queues/q/messages/a%2Fb");
test(notFound, "GET", "/v2/queues/%zz");
test(notFound, "GET", "/v2/health");
test(notFound, "GET", "/v2/pools");
test(notFound, "GET", "/v2/flavors");
test(notFound, "GET", "/v2/topics/t1/subscriptions/");
test(notFound, "GET", "/v2/topics/t1/");
test(notFound, "GET", "/v2/queues/q/subscriptions/");
test(notFound, "GET", "/v2/queues/q/subscriptions/s/confirm/");
test(notFound, "GET", "/v2/queues/q/messages/");
test(notFound, "PUT", "/v2/queues/");
test(notFound, "GET", "/v2/queues/q/claims/");
test(notFound, "DELETE", "/v2/topics/t1/messages/");
test(notFound, "GET", "/v2/queues/q/subscriptions/a%2Fb");
test(notFound, "POST", "/v2/queues/q/share/");
test(notFound, "GET", "/v1/queues");
test(notFound, "GET", "/v1.1/queues");

test("an unknown path answers 404 before any hook runs", async (t) => {
  const res = await env.api().get("/v2/nothing", { "Client-ID": undefined, "X-Project-ID": undefined });
  t.is(res.status, 404);
  t.is(res.text, NOT_FOUND);
});

test("a percent-encoded path routes on its decoded form", async (t) => {
  const ping = await env.api().get("/v2/%70ing");
  t.is(ping.status, 204);
  const bad = await env.api().put("/v2/queues/bad%20name!");
  t.is(bad.status, 400);
  t.is(bad.text, '{"title": "Invalid queue identification", "description": "The format of the submitted queue name or project id is not valid."}');
});

const methodNotAllowed = test.macro({
  async exec(t, method: string, path: string, allow: string) {
    const res = await env.api().send({ method, path, ...(method === "POST" ? { body: {} } : {}) });
    t.is(res.status, 405);
    t.like(res.headers, { ...ERROR_HEADERS, allow, "content-length": "35" });
    t.is(res.text, method === "HEAD" ? "" : '{"title": "405 Method Not Allowed"}');
  },
  title: (_ = "", method: string, path: string, allow: string) => `${method} ${path} answers 405 with allow: ${allow}`,
});

test(methodNotAllowed, "POST", "/v2/queues/demo", "DELETE, GET, PATCH, PUT, OPTIONS");
test(methodNotAllowed, "HEAD", "/v2/queues/demo", "DELETE, GET, PATCH, PUT, OPTIONS");
test(methodNotAllowed, "POST", "/v2/queues", "GET, OPTIONS");
test(methodNotAllowed, "PUT", "/v2/queues/q/messages", "DELETE, GET, POST, OPTIONS");
test(methodNotAllowed, "PATCH", "/v2/queues/q/messages/m", "DELETE, GET, OPTIONS");
test(methodNotAllowed, "GET", "/v2/queues/q/claims", "POST, OPTIONS");
test(methodNotAllowed, "POST", "/v2/queues/q/claims/c", "DELETE, GET, PATCH, OPTIONS");
test(methodNotAllowed, "DELETE", "/v2/queues/q/stats", "GET, OPTIONS");
test(methodNotAllowed, "GET", "/v2/queues/q/purge", "POST, OPTIONS");
test(methodNotAllowed, "PUT", "/v2/queues/q/subscriptions", "GET, POST, OPTIONS");
test(methodNotAllowed, "PUT", "/v2/queues/q/subscriptions/s", "DELETE, GET, PATCH, OPTIONS");
test(methodNotAllowed, "POST", "/v2/queues/q/subscriptions/s/confirm", "PUT, OPTIONS");
test(methodNotAllowed, "POST", "/v2/topics/t1/subscriptions/s/confirm", "PUT, OPTIONS");
test(methodNotAllowed, "POST", "/v2/ping", "GET, HEAD, OPTIONS");
test(methodNotAllowed, "HEAD", "/v2/", "GET, OPTIONS");
test(methodNotAllowed, "HEAD", "/", "GET, OPTIONS");

const options = test.macro({
  async exec(t, path: string, allow: string) {
    const res = await env.api().send({ method: "OPTIONS", path });
    t.is(res.status, 200);
    t.is(res.headers["allow"], allow);
    t.is(res.headers["content-length"], "0");
    t.is(res.text, "");
  },
  title: (_ = "", path: string, allow: string) => `OPTIONS ${path} answers 200 with allow: ${allow}`,
});

test(options, "/v2/queues/demo", "DELETE, GET, PATCH, PUT");
test(options, "/v2/queues", "GET");
test(options, "/v2/queues/q/messages", "DELETE, GET, POST");
test(options, "/v2/ping", "GET, HEAD");

// --- hooks -----------------------------------------------------------------

const FORM_ERROR =
  '{"title": "Invalid Content-Type", "description": "Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is `application/json`; specify proper client-side media type with the \\"Content-Type\\" header."}';
const MISSING_CLIENT_ID = '{"title": "Missing header value", "description": "The \\"Client-ID\\" header is required."}';
const PROJECT_MISSING = '{"title": "Project-Id Missing", "description": "The header X-PROJECT-ID was missing"}';
const PROJECT_EMPTY =
  '{"title": "Empty project header not allowed", "description": "X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry."}';

const hookError = test.macro({
  async exec(t, _what: string, req: WireRequest, status: number, body: string) {
    const res = await env.api().send(req);
    t.is(res.status, status);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.headers["content-length"], String(Buffer.byteLength(body)));
    // HEAD answers carry the length of the body they do not send.
    t.is(res.text, req.method === "HEAD" ? "" : body);
  },
  title: (_ = "", what: string, req: WireRequest, status: number) => `${what}: ${req.method} ${req.path} answers ${status}`,
});

const form = { "Content-Type": "application/x-www-form-urlencoded" };
test(hookError, "a form-encoded body is refused", { method: "POST", path: "/v2/queues/q/messages", headers: form, body: "a=1" }, 400, FORM_ERROR);
test(hookError, "a form-encoded content type is matched case-insensitively", { method: "PUT", path: "/v2/queues/q", headers: { "Content-Type": "Application/X-WWW-Form-URLEncoded" }, body: "" }, 400, FORM_ERROR);
test(hookError, "the form check runs before the Accept check", { method: "POST", path: "/v2/queues/q/messages", headers: { ...form, Accept: "application/json" }, body: "a=1" }, 400, FORM_ERROR);
test(hookError, "the form check runs before the Client-ID check", { method: "POST", path: "/v2/queues/q/messages", headers: { ...form, "Client-ID": undefined }, body: "a=1" }, 400, FORM_ERROR);
test(hookError, "the form check applies to GET /", { method: "GET", path: "/", headers: { ...form, "Client-ID": undefined }, body: "" }, 400, FORM_ERROR);
test(hookError, "Client-ID is required on /v2/", { method: "GET", path: "/v2/", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "Client-ID is required on /v2/ping", { method: "GET", path: "/v2/ping", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "Client-ID is required on HEAD /v2/ping", { method: "HEAD", path: "/v2/ping", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "Client-ID is required on queue listing", { method: "GET", path: "/v2/queues", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "Client-ID is required before a 405", { method: "HEAD", path: "/v2/queues/q", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "Client-ID is required before OPTIONS", { method: "OPTIONS", path: "/v2/queues/q", headers: { "Client-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "the Client-ID check runs before the project check", { method: "GET", path: "/v2/queues", headers: { "Client-ID": undefined, "X-Project-ID": undefined } }, 400, MISSING_CLIENT_ID);
test(hookError, "X-Project-ID is required", { method: "POST", path: "/v2/queues/demo/messages", headers: { "X-Project-ID": undefined }, body: { messages: [{ ttl: 300, body: 1 }] } }, 400, PROJECT_MISSING);
test(hookError, "X-Project-ID is required on /v2/", { method: "GET", path: "/v2/", headers: { "X-Project-ID": undefined } }, 400, PROJECT_MISSING);
test(hookError, "X-Project-ID may not be empty", { method: "GET", path: "/v2/queues", headers: { "X-Project-ID": "" } }, 400, PROJECT_EMPTY);
test(hookError, "a malformed Client-ID is refused", { method: "POST", path: "/v2/queues/demo/messages", headers: { "Client-ID": "not-a-uuid" }, body: { messages: [{ ttl: 300, body: 1 }] } }, 400, '{"title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."}');
test(hookError, "an empty Client-ID is a malformed UUID", { method: "GET", path: "/v2/queues", headers: { "Client-ID": "" } }, 400, '{"title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."}');
test(hookError, "the Client-ID format is checked before the queue name", { method: "PUT", path: "/v2/queues/bad!", headers: { "Client-ID": "nope" } }, 400, '{"title": "Wrong UUID value", "description": "Malformed hexadecimal UUID."}');
test(hookError, "an over-long project id is a bad queue identification", { method: "PUT", path: "/v2/queues/q", headers: { "X-Project-ID": "p".repeat(257) } }, 400, '{"title": "Invalid queue identification", "description": "The format of the submitted queue name or project id is not valid."}');

test("a form content type without a body length passes the form check", async (t) => {
  const res = await env.api().send({ method: "PUT", path: "/v2/queues/formless", headers: form, body: "", chunked: true });
  t.is(res.status, 201);
});

test("a project id with spaces is valid", async (t) => {
  const res = await env.api().put("/v2/queues/q1", undefined, { "X-Project-ID": `JAM Project ${Math.random()}` });
  t.is(res.status, 201);
});

const notAcceptable = test.macro({
  async exec(t, accept: string, path: string = "/v2/queues") {
    const res = await env.api().get(path, { Accept: accept });
    t.is(res.status, 406);
    t.like(res.headers, { ...ERROR_HEADERS, "content-length": "0" });
    t.is(res.text, "");
  },
  title: (_ = "", accept: string, path: string = "/v2/queues") => `GET ${path} with Accept: ${accept} answers 406 with an empty body`,
});

test(notAcceptable, "text/html");
test(notAcceptable, "application/xml");
test(notAcceptable, "application/json;q=0");
test(notAcceptable, "application/json;q=0, text/*");
test(notAcceptable, "Application/JSON");
test(notAcceptable, "garbage");
test(notAcceptable, "text/html", "/");

const acceptable = test.macro({
  async exec(t, accept: string) {
    const res = await env.api().get("/v2/queues", { Accept: accept });
    t.is(res.status, 200);
  },
  title: (_ = "", accept: string) => `Accept: ${JSON.stringify(accept)} admits JSON`,
});

test(acceptable, "application/json");
test(acceptable, "*/*");
test(acceptable, "*");
test(acceptable, "");
test(acceptable, "application/*");
test(acceptable, "text/plain, */*;q=0.1");
test(acceptable, "text/html, application/json;q=0.5");
test(acceptable, "application/json; charset=utf-8");

test("the Accept check runs before the Client-ID check", async (t) => {
  const res = await env.api().get("/v2/queues", { Accept: "text/html", "Client-ID": undefined });
  t.is(res.status, 406);
  t.is(res.text, "");
});

test("errors carry no body when the client does not accept JSON", async (t) => {
  const res = await env.api().get("/v2/nothing", { Accept: "text/html" });
  t.is(res.status, 404);
  t.like(res.headers, { ...ERROR_HEADERS, "content-length": "0" });
  t.is(res.text, "");
});

// --- query parsing -----------------------------------------------------------

const invalidParam = test.macro({
  async exec(t, path: string, name: string, kind: "int" | "bool") {
    const problem = kind === "int" ? "The value must be an integer." : 'The value of the parameter must be \\"true\\" or \\"false\\".';
    const res = await env.api().get(path);
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, `{"title": "Invalid parameter", "description": "The \\"${name}\\" parameter is invalid. ${problem}"}`);
  },
  title: (_ = "", path: string) => `GET ${path} answers 400 Invalid parameter`,
});

test(invalidParam, "/v2/queues?limit=x", "limit", "int");
test(invalidParam, "/v2/queues?limit=1.5", "limit", "int");
test(invalidParam, "/v2/queues?limit=1e3", "limit", "int");
test(invalidParam, "/v2/queues?limit=2&limit=x", "limit", "int");
test(invalidParam, "/v2/queues?detailed=TRUE", "detailed", "bool");
test(invalidParam, "/v2/queues?detailed=maybe", "detailed", "bool");
test(invalidParam, "/v2/queues?with_count=2", "with_count", "bool");
test(invalidParam, "/v2/queues/q/messages?echo=Yes", "echo", "bool");
test(invalidParam, "/v2/queues/q/messages?include_claimed=x", "include_claimed", "bool");
test(invalidParam, "/v2/queues/q/messages?include_delayed=x", "include_delayed", "bool");
test(invalidParam, "/v2/queues/q/messages?limit=ten", "limit", "int");
test(invalidParam, "/v2/queues?limit=x&detailed=x", "limit", "int");

test("boolean query values accept exactly Falcon's spellings", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/a");
  for (const value of ["true", "True", "t", "yes", "y", "1", "on"]) {
    const res = await api.get(`/v2/queues?detailed=${value}`);
    t.is(res.status, 200, value);
    t.truthy(res.json().queues[0].metadata, value);
  }
  for (const value of ["false", "False", "f", "no", "n", "0", "off"]) {
    const res = await api.get(`/v2/queues?detailed=${value}`);
    t.is(res.status, 200, value);
    t.is(res.json().queues[0].metadata, undefined, value);
  }
});

test("integer query values accept Python int() spellings", async (t) => {
  const api = env.api();
  for (const q of ["a", "b", "c"]) await api.put(`/v2/queues/${q}`);
  for (const value of ["2", "+2", "%202%20", "02"]) {
    const res = await api.get(`/v2/queues?limit=${value}`);
    t.is(res.status, 200, value);
    t.is(res.json().queues.length, 2, value);
    t.is(res.json().links[0].href, "/v2/queues?limit=2&marker=b", value);
  }
});

test("a blank query value counts as absent", async (t) => {
  const api = env.api();
  await api.put("/v2/queues/a");
  const res = await api.get("/v2/queues?limit=&detailed=&marker=");
  t.is(res.status, 200);
  t.is(res.text, '{"queues": [{"name": "a", "href": "/v2/queues/a"}], "links": [{"rel": "next", "href": "/v2/queues?marker=a"}]}');
});

test("a repeated query parameter uses its last value", async (t) => {
  const api = env.api();
  for (const q of ["a", "b", "c"]) await api.put(`/v2/queues/${q}`);
  const res = await api.get("/v2/queues?limit=1&limit=2");
  t.is(res.json().queues.length, 2);
});

test("a huge integer is out of range, not malformed", async (t) => {
  const res = await env.api().get("/v2/queues?limit=99999999999999999999");
  t.is(res.status, 400);
  t.is(res.text, '{"title": "Invalid API request", "description": "Limit must be at least 1 and no greater than 20."}');
});
