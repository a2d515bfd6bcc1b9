/**
 * POST /v2/queues/{q}/share over REST (signed-urls.md §1), defined once and
 * run on each store (share.test.ts: memory, share.redis.test.ts): the exact
 * 200 answer, every validation text, and a round trip through the
 * verifier the edges use. Signatures are recomputed here from the spec's
 * formula with node:crypto.
 */
import { createHmac } from "node:crypto";
import type { TestFn } from "ava";
import { createManualClock } from "../../core/src/clock.ts";
import { signedHttpRequest, verifySignedRequest, type SignedRequest } from "../../common/signed-url.ts";
import type { TestCoreOptions } from "../helpers/core.ts";
import { API, BODY, ERROR_HEADERS, errorText, queueName, useEdge, type Api, type WireResponse } from "./harness.ts";

export const SECRET = "share-secret-\u00e9";
/** The core's time in these tests: 2031-06-15T10:20:30.400Z. */
export const NOW = Date.UTC(2031, 5, 15, 10, 20, 30, 400);

/** signed-urls.md §2 from the spec: sorted lists joined with ",", a literal backslash-n between the parts. */
function specSignature(paths: string[], methods: string[], project: string, expires: string): string {
  const body = `${[...paths].sort().join(",")}\\n${[...methods].sort().join(",")}\\n${project}\\n${expires}`;
  return createHmac("sha256", Buffer.from(SECRET, "utf8")).update(body, "utf8").digest("hex");
}

/** Zaqar's 200 answer text, keys in its order, Python's separators. */
function shareText(project: string, paths: string[], methods: string[], expires: string): string {
  const list = (xs: string[]) => `[${xs.map((x) => JSON.stringify(x)).join(", ")}]`;
  const signature = specSignature(paths, methods, project, expires);
  return `{"paths": ${list(paths)}, "methods": ${list(methods)}, "project": ${JSON.stringify(project)}, "expires": "${expires}", "signature": "${signature}"}`;
}

const share = (api: Api, queue: string, body?: string | object, headers?: Record<string, string>): Promise<WireResponse> =>
  api.post(`/v2/queues/${queue}/share`, body, headers);

export function defineShareFlows(test: TestFn<unknown>, core: () => TestCoreOptions): void {
  const signing = useEdge(test, {
    get core() {
      return { ...core(), clock: createManualClock(NOW), env: { ZAQAR_SIGNED_URL_SECRET: SECRET } };
    },
  });
  const unsigned = useEdge(test, {
    get core() {
      return { ...core(), clock: createManualClock(NOW) };
    },
  });

  const succeeds = test.macro(async (t, body: object, paths: string[], methods: string[], expires: string) => {
    const api = signing.api();
    const q = queueName();
    const res = await share(api, q, body);
    t.is(res.status, 200, res.text);
    t.is(res.headers["content-type"], "application/json");
    t.is(res.headers["location"], undefined);
    const full = paths.map((p) => `/v2/queues/${q}/${p}`);
    t.is(res.text, shareText(api.project, full, methods, expires));
  });

  test("an empty document signs GET on the queue's messages for 24 hours", succeeds, {}, ["messages"], ["GET"], "2031-06-16T10:20:30");
  test("paths and methods are answered sorted", succeeds,
    { paths: ["subscriptions", "messages", "claims"], methods: ["PUT", "GET", "POST", "PATCH"], expires: "2032-09-01T00:00:00" },
    ["claims", "messages", "subscriptions"], ["GET", "PATCH", "POST", "PUT"], "2032-09-01T00:00:00");
  test("an expiry with a zone is normalised to naive UTC", succeeds, { expires: "2032-01-01T02:00:00+02:00" }, ["messages"], ["GET"], "2032-01-01T00:00:00");
  test("an expiry with a fraction is cut to seconds", succeeds, { expires: "2032-01-01T00:00:00.123Z" }, ["messages"], ["GET"], "2032-01-01T00:00:00");
  test("methods are not validated", succeeds, { methods: ["FOO"] }, ["messages"], ["FOO"], "2031-06-16T10:20:30");
  test("empty lists and a null expiry take the defaults", succeeds, { paths: [], methods: [], expires: null }, ["messages"], ["GET"], "2031-06-16T10:20:30");
  test("a repeated path is signed twice, as upstream", succeeds, { paths: ["messages", "messages"] }, ["messages", "messages"], ["GET"], "2031-06-16T10:20:30");
  test("a paths object counts as its keys, as Python reads it", succeeds, { paths: { claims: 1, messages: 0 } }, ["claims", "messages"], ["GET"], "2031-06-16T10:20:30");

  const fails = test.macro(async (t, body: string | object | undefined, expected: string, headers?: Record<string, string>) => {
    const res = await share(signing.api(), queueName(), body, headers);
    t.is(res.status, 400);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, expected);
  });

  test("no body at all is refused", fails, undefined, BODY("Request body can not be empty"));
  test("an empty body is refused", fails, "", BODY("Request body could not be parsed."), { "Content-Length": "0" });
  test("a body that is not JSON is refused", fails, "{", BODY("Request body could not be parsed."));
  test("a JSON scalar is refused", fails, "5", BODY("Request body could not be parsed."));
  test("a JSON array is refused as a document type", fails, "[]", BODY("Document type not supported."));
  test("unknown keys are refused, as a Python set", fails, { foo: 1, bar: 2, paths: ["x"] }, API("Unknown keys: {'foo', 'bar'}"));
  test("an unknown path is refused", fails, { paths: ["foo"] }, API("Invalid paths: {'foo'}"));
  test("unknown paths are shown as a Python set of reprs", fails, { paths: ["messages", "foo", 1, null, true, "foo"] }, API("Invalid paths: {'foo', 1, None}"));
  test("a paths string is read as its characters", fails, { paths: "messages" }, API("Invalid paths: {'m', 'e', 's', 'a', 'g'}"));
  test("a paths number is refused", fails, { paths: 5 }, API("`paths` should be a list of strings"));
  test("a nested paths list is refused", fails, { paths: [["messages"]] }, API("`paths` should be a list of strings"));
  test("methods that are not a list are refused", fails, { methods: "GET" }, API("`methods` should be a list"));
  test("methods that are not strings are refused", fails, { methods: ["GET", 1] }, API("`methods` should be a list of strings"));
  test("an integer-like expiry text is refused", fails, { expires: "1700000000" },
    API("`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 1700000000"));
  test("an integer expiry is refused", fails, { expires: 1700000000 },
    API("`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: 1700000000"));
  test("a boolean expiry is refused as Python's int", fails, { expires: true },
    API("`expires` should be date format, for example 2016-01-01T00:00:00, not integer value: True"));
  test("an unparsable expiry is refused", fails, { expires: "notadate" }, API("Unable to parse date string 'notadate'"));
  test("an impossible date is refused with Python's text", fails, { expires: "2032-02-30T00:00:00" }, API("day is out of range for month"));
  test("an expiry that is a list is refused", fails, { expires: [] }, API("`expires` should be date format, for example 2016-01-01T00:00:00"));
  test("a past expiry is refused", fails, { expires: "2031-06-15T10:20:30" }, API("`expires` is lower than the current time"));
  test("an invalid queue name is refused", async (t) => {
    const res = await share(signing.api(), "bad%20name", {});
    t.is(res.status, 400);
    t.is(res.text, errorText("Invalid queue identification", "The format of the submitted queue name or project id is not valid."));
  });
  test("share answers only POST", async (t) => {
    const res = await signing.api().get(`/v2/queues/${queueName()}/share`);
    t.is(res.status, 405);
    t.is(res.headers["allow"], "POST, OPTIONS");
  });

  test("without a secret, sharing is refused", async (t) => {
    const res = await share(unsigned.api(), queueName(), {});
    t.is(res.status, 400);
    t.is(res.text, API("The `key` can't be None"));
  });
  test("without a secret, document and paths errors still come first, methods and expiry errors after", async (t) => {
    const api = unsigned.api();
    t.is((await share(api, queueName(), { foo: 1 })).text, API("Unknown keys: {'foo'}"));
    t.is((await share(api, queueName(), { paths: ["foo"] })).text, API("Invalid paths: {'foo'}"));
    t.is((await share(api, queueName(), "[]")).text, BODY("Document type not supported."));
    t.is((await share(api, queueName(), { methods: "GET", expires: "x" })).text, API("The `key` can't be None"));
  });

  test("a URL shared by the core verifies at the edge's verifier, on its paths and methods only", async (t) => {
    const api = signing.api();
    const q = queueName();
    const res = await share(api, q, { paths: ["messages", "claims"], methods: ["POST", "GET"] });
    t.is(res.status, 200);
    const doc = res.json() as { paths: string[]; methods: string[]; project: string; expires: string; signature: string };
    // What a client (python-zaqarclient's signed-url auth) sends back.
    const headers = {
      "url-signature": doc.signature,
      "url-expires": doc.expires,
      "url-methods": doc.methods.join(","),
      "url-paths": doc.paths.join(","),
      "x-project-id": doc.project,
    };
    const request = (method: string, path: string) => signedHttpRequest(method, path, headers) as SignedRequest;
    t.true(verifySignedRequest(request("GET", `/v2/queues/${q}/messages`), SECRET, NOW));
    t.true(verifySignedRequest(request("POST", `/v2/queues/${q}/claims`), SECRET, NOW));
    t.true(verifySignedRequest(request("GET", `/v2/queues/${q}/messages/abc`), SECRET, NOW));
    t.false(verifySignedRequest(request("DELETE", `/v2/queues/${q}/messages`), SECRET, NOW));
    t.false(verifySignedRequest(request("GET", `/v2/queues/${q}/stats`), SECRET, NOW));
    t.false(verifySignedRequest(request("GET", `/v2/queues/${q}x/messages`), SECRET, NOW));
    t.false(verifySignedRequest({ ...request("GET", `/v2/queues/${q}/messages`), project: "another" }, SECRET, NOW));
    t.false(verifySignedRequest(request("GET", `/v2/queues/${q}/messages`), SECRET, NOW + 86_400_000));
    t.false(verifySignedRequest(request("GET", `/v2/queues/${q}/messages`), "another secret", NOW));
  });
}
