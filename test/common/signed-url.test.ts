/**
 * Signed URLs (signed-urls.md §2–§4): the signature, the secret's settings,
 * and the verification of signed HTTP requests and WebSocket frames.
 * Expected signatures are computed here from the spec's formula with
 * node:crypto, independently of the code under test.
 */
import { createHmac, randomUUID } from "node:crypto";
import test from "ava";
import {
  readSignedUrlSecret,
  signedHttpRequest,
  signedWsRequest,
  urlSignature,
  verifySignedRequest,
  type SignedRequest,
} from "../../common/signed-url.ts";

const KEY = "signing-secret";
const NOW = Date.UTC(2030, 0, 1, 0, 0, 0);
const LATER = "2030-01-02T00:00:00";

/** signed-urls.md §2 written from the spec: sorted lists, a literal backslash-n separator. */
function specSignature(key: string, paths: string[], methods: string[], project: string, expires: string): string {
  const body = `${[...paths].sort().join(",")}\\n${[...methods].sort().join(",")}\\n${project}\\n${expires}`;
  return createHmac("sha256", key).update(body).digest("hex");
}

/** A correctly signed request for queue `q` of a fresh project, with overrides. */
function signed(over: Partial<SignedRequest> = {}, queue = "q"): SignedRequest {
  const project = `p-${randomUUID()}`;
  const paths = [`/v2/queues/${queue}/messages`, `/v2/queues/${queue}/claims`];
  const methods = ["GET", "POST"];
  return {
    method: "GET",
    path: `/v2/queues/${queue}/messages`,
    project,
    signature: specSignature(KEY, paths, methods, project, LATER),
    expires: LATER,
    methods,
    paths,
    ...over,
  };
}

test("the signature matches the spec's test vector (a literal backslash-n separator)", (t) => {
  const facts = { paths: ["/v2/queues/shared/messages"], methods: ["GET"], project: "p1", expires: "2030-01-01T00:00:00" };
  t.is(urlSignature("test", facts), "da857fd0daebb7fa44f8dc622a1d32fcb23c2d32292b35f97bf32e361908152f");
  const input = "/v2/queues/shared/messages\\nGET\\np1\\n2030-01-01T00:00:00";
  t.is(Buffer.byteLength(input), 56);
  t.is(createHmac("sha256", "test").update(input).digest("hex"), urlSignature("test", facts));
});

test("the signature sorts paths and methods by code point, as Python does", (t) => {
  const a = urlSignature("k", { paths: ["/b", "/a"], methods: ["PUT", "GET"], project: "p", expires: LATER });
  t.is(a, specSignature("k", ["/a", "/b"], ["GET", "PUT"], "p", LATER));
  // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 unit.
  const astral = urlSignature("k", { paths: ["/a"], methods: ["\u{1F600}", "\uFF5E"], project: "p", expires: LATER });
  const body = `/a\\n\uFF5E,\u{1F600}\\np\\n${LATER}`;
  t.is(astral, createHmac("sha256", "k").update(body).digest("hex"));
});

test("the secret is ZAQAR_SIGNED_URL_SECRET, with ZAQAR_SIGNED_URL_SECRET_KEY as an alias it overrides", (t) => {
  t.is(readSignedUrlSecret({}), undefined);
  t.is(readSignedUrlSecret({ ZAQAR_SIGNED_URL_SECRET: "" }), undefined);
  t.is(readSignedUrlSecret({ ZAQAR_SIGNED_URL_SECRET: "a" }), "a");
  t.is(readSignedUrlSecret({ ZAQAR_SIGNED_URL_SECRET_KEY: "b" }), "b");
  t.is(readSignedUrlSecret({ ZAQAR_SIGNED_URL_SECRET: "a", ZAQAR_SIGNED_URL_SECRET_KEY: "b" }), "a");
  t.is(readSignedUrlSecret({ ZAQAR_SIGNED_URL_SECRET: "", ZAQAR_SIGNED_URL_SECRET_KEY: "b" }), "b");
});

test("a signed request is accepted on its paths, their sub-paths, and for each listed method", (t) => {
  const req = signed();
  t.true(verifySignedRequest(req, KEY, NOW));
  t.true(verifySignedRequest({ ...req, path: "/v2/queues/q/messages/5f9a3c" }, KEY, NOW));
  t.true(verifySignedRequest({ ...req, path: "/v2/queues/q/claims/c1" }, KEY, NOW));
  t.true(verifySignedRequest({ ...req, method: "POST" }, KEY, NOW));
});

test("methods and paths listed in another order are accepted", (t) => {
  const req = signed();
  t.true(verifySignedRequest({ ...req, methods: ["POST", "GET"], paths: [...(req.paths ?? [])].reverse() }, KEY, NOW));
});

test("an equivalent spelling of the expiry is accepted (normalised to naive UTC before signing)", (t) => {
  const req = signed();
  for (const expires of ["2030-01-02T02:00:00+02:00", "2030-01-02T00:00:00.123Z", "2030-01-02 00:00:00", "20300102T000000Z"]) {
    t.true(verifySignedRequest({ ...req, expires }, KEY, NOW), expires);
  }
});

test("a signature with one hex character changed is refused", (t) => {
  const req = signed();
  const sig = req.signature as string;
  for (const i of [0, 31, 63]) {
    const c = sig[i] === "0" ? "1" : "0";
    t.false(verifySignedRequest({ ...req, signature: sig.slice(0, i) + c + sig.slice(i + 1) }, KEY, NOW), String(i));
  }
  t.false(verifySignedRequest({ ...req, signature: sig.toUpperCase() }, KEY, NOW));
});

test("signatures of the wrong length are refused", (t) => {
  const req = signed();
  const sig = req.signature as string;
  for (const signature of ["", sig.slice(0, 63), `${sig}0`, sig.repeat(2), "é".repeat(32), undefined]) {
    t.false(verifySignedRequest({ ...req, signature }, KEY, NOW), String(signature));
  }
});

test("another project, or none, is refused", (t) => {
  const req = signed();
  t.false(verifySignedRequest({ ...req, project: `p-${randomUUID()}` }, KEY, NOW));
  t.false(verifySignedRequest({ ...req, project: undefined }, KEY, NOW));
});

test("a request without a project verifies only against a signature over the text None, as upstream", (t) => {
  const req = signed({ project: undefined });
  const signature = specSignature(KEY, [...(req.paths ?? [])], [...(req.methods ?? [])], "None", LATER);
  t.true(verifySignedRequest({ ...req, signature }, KEY, NOW));
});

test("a method not listed is refused", (t) => {
  const req = signed();
  for (const method of ["DELETE", "PUT", "PATCH", "get", "HEAD"]) t.false(verifySignedRequest({ ...req, method }, KEY, NOW), method);
  t.false(verifySignedRequest({ ...req, methods: undefined }, KEY, NOW));
  t.false(verifySignedRequest({ ...req, methods: ["GET", "POST", "DELETE"], method: "DELETE" }, KEY, NOW));
});

test("another queue and a path not signed are refused", (t) => {
  const req = signed();
  for (const path of ["/v2/queues/other/messages", "/v2/queues/q/stats", "/v2/queues/q", "/v2/queues/q/subscriptions", "/v2/queues/qq/messages", "/v2/queues"]) {
    t.false(verifySignedRequest({ ...req, path }, KEY, NOW), path);
  }
  t.false(verifySignedRequest({ ...req, paths: undefined }, KEY, NOW));
});

test("a path signed for a queue with a dot reaches that queue only (the dot is not a regex wildcard)", (t) => {
  const req = signed({}, "a.b");
  t.true(verifySignedRequest(req, KEY, NOW));
  t.false(verifySignedRequest({ ...req, path: "/v2/queues/axb/messages" }, KEY, NOW));
});

test("a missing, past, integer or unparsable expiry is refused, and so is a changed one", (t) => {
  const req = signed();
  for (const expires of [undefined, "", "2029-12-31T23:59:59", "1893456000", "2030", "notadate", "2030-01-02T00:00:01", "2030-02-30T00:00:00"]) {
    t.false(verifySignedRequest({ ...req, expires }, KEY, NOW), String(expires));
  }
  // Expired exactly now is still valid (upstream refuses only "lower than the current time").
  t.true(verifySignedRequest(req, KEY, Date.UTC(2030, 0, 2)));
  t.false(verifySignedRequest(req, KEY, Date.UTC(2030, 0, 2) + 1));
});

test("without a secret, or with another one, every signed request is refused", (t) => {
  const req = signed();
  t.false(verifySignedRequest(req, undefined, NOW));
  t.false(verifySignedRequest(req, "", NOW));
  t.false(verifySignedRequest(req, `${KEY}x`, NOW));
});

test("paths the server never signs are refused before any regex work, even when signed with the secret", (t) => {
  for (const bad of ["", "(", "(a+)+$", ".*", "/v2/queues/q/messages|.*", "/v2/queues/q/messages/x", `/v2/queues/${"a".repeat(300)}/messages`]) {
    const req = signed({ paths: [bad], path: "/v2/queues/q/messages" });
    const signature = specSignature(KEY, [bad], [...(req.methods ?? [])], req.project as string, LATER);
    t.false(verifySignedRequest({ ...req, signature }, KEY, NOW), bad);
  }
});

test("a confirmation link's path verifies for PUT on that path only", (t) => {
  const project = `p-${randomUUID()}`;
  const path = "/v2/topics/t1/subscriptions/0b8f6d0e-2f6c-4c47-9a9f-1d2c3b4a5e6f/confirm";
  const signature = specSignature(KEY, [path], ["PUT"], project, LATER);
  const req: SignedRequest = { method: "PUT", path, project, signature, expires: LATER, methods: ["PUT"], paths: [path] };
  t.true(verifySignedRequest(req, KEY, NOW));
  t.false(verifySignedRequest({ ...req, method: "GET" }, KEY, NOW));
  t.false(verifySignedRequest({ ...req, path: "/v2/topics/t1/subscriptions" }, KEY, NOW));
});

test("signedHttpRequest reads the URL-* headers (names in any case) and splits the lists on commas", (t) => {
  t.is(signedHttpRequest("GET", "/v2/queues/q/messages", { "x-project-id": "p" }), undefined);
  const req = signedHttpRequest("GET", "/v2/queues/q/messages", {
    "url-signature": "abc",
    "URL-Expires": LATER,
    "url-methods": "GET,POST",
    "url-paths": "/v2/queues/q/messages,/v2/queues/q/claims",
    "X-Project-Id": "p",
  });
  t.deepEqual(req, {
    method: "GET",
    path: "/v2/queues/q/messages",
    project: "p",
    signature: "abc",
    expires: LATER,
    methods: ["GET", "POST"],
    paths: ["/v2/queues/q/messages", "/v2/queues/q/claims"],
  });
  const bare = signedHttpRequest("GET", "/x", { "url-signature": "" });
  t.deepEqual(bare, { method: "GET", path: "/x", project: undefined, signature: "", expires: undefined, methods: undefined, paths: undefined });
  t.false(verifySignedRequest(bare as SignedRequest, KEY, NOW));
});

test("signedHttpRequest of a client's headers verifies end to end", (t) => {
  const good = signed();
  const headers = {
    "url-signature": good.signature,
    "url-expires": good.expires,
    "url-methods": (good.methods ?? []).join(","),
    "url-paths": (good.paths ?? []).join(","),
    "x-project-id": good.project,
  };
  t.true(verifySignedRequest(signedHttpRequest("POST", "/v2/queues/q/messages", headers) as SignedRequest, KEY, NOW));
  t.false(verifySignedRequest(signedHttpRequest("DELETE", "/v2/queues/q/messages", headers) as SignedRequest, KEY, NOW));
});

/** WebSocket frame headers carrying a good signature for queue q. */
function wsHeaders(methods: string[] = ["GET", "POST", "DELETE"]): Record<string, unknown> {
  const project = `p-${randomUUID()}`;
  const paths = ["/v2/queues/q/messages"];
  return {
    "Client-ID": randomUUID(),
    "X-Project-ID": project,
    "URL-Signature": specSignature(KEY, paths, methods, project, LATER),
    "URL-Expires": LATER,
    "URL-Methods": methods,
    "URL-Paths": paths,
  };
}

test("signedWsRequest maps the message actions to methods and the body's queue to a path", (t) => {
  const headers = wsHeaders();
  const expected: Record<string, string> = {
    message_list: "GET",
    message_get: "GET",
    message_get_many: "GET",
    message_post: "POST",
    message_delete: "DELETE",
    message_delete_many: "DELETE",
  };
  for (const [action, method] of Object.entries(expected)) {
    const req = signedWsRequest(action, headers, { queue_name: "q" });
    t.like(req, { method, path: "/v2/queues/q/messages", project: headers["X-Project-ID"] as string }, action);
    t.true(verifySignedRequest(req as SignedRequest, KEY, NOW), action);
  }
});

test("signedWsRequest refuses other actions, non-array lists and missing facts, and ignores unsigned frames", (t) => {
  const headers = wsHeaders();
  t.is(signedWsRequest("message_list", { "Client-ID": "c" }, { queue_name: "q" }), undefined);
  for (const action of ["queue_list", "queue_create", "queue_delete", "claim_create", "subscription_create", "authenticate", "", "__proto__", "toString"]) {
    t.is(signedWsRequest(action, headers, { queue_name: "q" }), null, action);
  }
  const variants: Record<string, unknown>[] = [
    { "URL-Methods": "GET,POST,DELETE" },
    { "URL-Paths": "/v2/queues/q/messages" },
    { "URL-Methods": ["GET", 1] },
    { "URL-Expires": undefined },
    { "URL-Expires": 1893456000 },
    { "URL-Signature": 5 },
    { "X-Project-ID": ["p"] },
  ];
  for (const over of variants) {
    const h = { ...headers, ...over };
    for (const key of Object.keys(over)) if (over[key] === undefined) delete h[key];
    t.is(signedWsRequest("message_list", h, { queue_name: "q" }), null, JSON.stringify(over));
  }
  for (const body of [{}, { queue_name: 5 }, { queue_name: "q/messages" }, { queue_name: "" }]) {
    t.is(signedWsRequest("message_list", headers, body), null, JSON.stringify(body));
  }
});

test("a frame whose body names another queue than the signed path is refused", (t) => {
  const headers = wsHeaders();
  const req = signedWsRequest("message_post", headers, { queue_name: "other", messages: [] });
  t.is(req?.path, "/v2/queues/other/messages");
  t.false(verifySignedRequest(req as SignedRequest, KEY, NOW));
});

test("a frame's method must be among the signed methods", (t) => {
  const headers = wsHeaders(["GET"]);
  t.true(verifySignedRequest(signedWsRequest("message_get", headers, { queue_name: "q" }) as SignedRequest, KEY, NOW));
  t.false(verifySignedRequest(signedWsRequest("message_post", headers, { queue_name: "q" }) as SignedRequest, KEY, NOW));
  t.false(verifySignedRequest(signedWsRequest("message_delete", headers, { queue_name: "q" }) as SignedRequest, KEY, NOW));
});
