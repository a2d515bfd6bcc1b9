/**
 * Signed (pre-signed) URLs (../shared/spec/signed-urls.md): the signature
 * upstream Zaqar's create_signed_url computes, and the verification of signed
 * requests on HTTP (§3) and WebSocket (§4, websocket.md §4).
 *
 * The core signs (POST /v2/queues/{q}/share, subscription confirmation
 * links); the edges verify, before any other hook. Both use this one module,
 * so they can never disagree on the algorithm. Process-neutral: imports
 * nothing of ours outside common/.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { parseExpires } from "./signed-url-expires.ts";

export { formatExpires, parseExpires, type Expiry } from "./signed-url-expires.ts";

/** What a signature covers. */
export interface SignedUrlFacts {
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  /** The project id ("None" stands for no project, as upstream's Python str(None)). */
  readonly project: string;
  /** "YYYY-MM-DDTHH:MM:SS", UTC (formatExpires). */
  readonly expires: string;
}

/**
 * Upstream builds the HMAC input with a Python raw string, so its separator
 * is the two characters backslash and "n" (0x5C 0x6E), not a newline.
 */
const SEPARATOR = "\\n";

/** Python's sorted() of strs: by code point (JS's default sort compares UTF-16 units). */
export function pySorted(items: readonly string[]): string[] {
  return [...items].sort((a, b) => {
    const x = [...a];
    const y = [...b];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
      if (d !== 0) return d;
    }
    return x.length - y.length;
  });
}

/** Lowercase hex HMAC-SHA256 (key: the secret's UTF-8) of the sorted paths, sorted methods, project and expiry. */
export function urlSignature(secretKey: string, facts: SignedUrlFacts): string {
  const body = [pySorted(facts.paths).join(","), pySorted(facts.methods).join(","), facts.project, facts.expires].join(SEPARATOR);
  return createHmac("sha256", Buffer.from(secretKey, "utf8")).update(body, "utf8").digest("hex");
}

/**
 * The signing secret from a process's environment: ZAQAR_SIGNED_URL_SECRET,
 * or its older name ZAQAR_SIGNED_URL_SECRET_KEY. When both are set,
 * ZAQAR_SIGNED_URL_SECRET wins (an empty value counts as unset). Neither: undefined (sharing is
 * refused and every signed request fails, as upstream without secret_key).
 */
export function readSignedUrlSecret(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const value = env["ZAQAR_SIGNED_URL_SECRET"] || env["ZAQAR_SIGNED_URL_SECRET_KEY"];
  return value === undefined || value === "" ? undefined : value;
}

/** The facts of a signed request, from its headers (HTTP) or frame headers (WebSocket). */
export interface SignedRequest {
  /** The request's method (HTTP) or the action's (WebSocket). */
  readonly method: string;
  /** The request path, without the query string. */
  readonly path: string;
  readonly project: string | undefined;
  readonly signature: string | undefined;
  readonly expires: string | undefined;
  readonly methods: readonly string[] | undefined;
  readonly paths: readonly string[] | undefined;
}

/**
 * The only paths a Zaqar server ever signs: share's
 * /v2/queues/<name>/{messages,claims,subscriptions} and the confirmation
 * links' /v2/{queues,topics}/<name>/subscriptions/<id>/confirm (names of the
 * queue-name characters, at most 256 of them, well above any sensible
 * max_queue_name_length (default 64); ids of at most 64 safe characters).
 *
 * Why bound them: upstream runs every URL-Paths entry through re.search as a
 * regular expression, and URL-Paths is the client's text, not ours. A
 * pattern such as "(a+)+$" would cost exponential time (ReDoS) and "(" would
 * throw, before the signature is even checked. Refusing anything else first
 * changes no outcome a client could have had: the signature covers the
 * paths, so a path the server never signed can never verify anyway.
 */
const SIGNABLE_PATH =
  /^\/v2\/(?:queues\/[A-Za-z0-9_.-]{1,256}\/(?:messages|claims|subscriptions)|(?:queues|topics)\/[A-Za-z0-9_.-]{1,256}\/subscriptions\/[A-Za-z0-9_-]{1,64}\/confirm)$/;

const isStringList = (v: unknown): v is readonly string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

/** Constant-time equality of two texts (crypto.timingSafeEqual on equal lengths; another length is simply unequal). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Whether a signed request is authorised (signed-urls.md §3 steps 1–5):
 * method listed, a signed path matches (unanchored search, as upstream's
 * re.search: "/v2/queues/q/messages" also covers "/v2/queues/q/messages/<id>"),
 * expiry parsable and in the future, signature equal (constant time,
 * crypto.timingSafeEqual on equal-length buffers; a wrong length is simply
 * false). A missing secret is false. Never throws on any input.
 *
 * The signed path is searched for as literal text, not as a regex: for every
 * path SIGNABLE_PATH admits that is re.search's result, except that a "." in
 * a queue name matches only a dot (upstream's regex would let a URL signed
 * for queue "a.b" reach queue "axb" too).
 */
export function verifySignedRequest(req: SignedRequest, secret: string | undefined, now: number): boolean {
  try {
    if (typeof secret !== "string" || secret === "") return false;
    const { method, path, project, signature, expires, methods, paths } = req;
    if (typeof signature !== "string" || typeof expires !== "string" || typeof method !== "string" || typeof path !== "string") return false;
    if (!isStringList(methods) || !isStringList(paths)) return false;
    if (project !== undefined && typeof project !== "string") return false;
    if (!methods.includes(method)) return false;
    if (!paths.every((p) => SIGNABLE_PATH.test(p))) return false;
    if (!paths.some((p) => path.includes(p))) return false;
    const expiry = parseExpires(expires);
    if (!expiry.ok || expiry.ms < now) return false;
    const expected = urlSignature(secret, { paths, methods, project: project ?? "None", expires: expiry.text });
    return sameText(signature, expected);
  } catch {
    return false;
  }
}

type HeaderValue = string | string[] | undefined;

/** A header by name, case-insensitively (node:http lower-cases names; other callers may not); repeats joined with ",". */
function header(headers: Readonly<Record<string, HeaderValue>>, name: string): string | undefined {
  let value: HeaderValue = Object.hasOwn(headers, name) ? headers[name] : undefined;
  if (value === undefined) {
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === name) {
        value = headers[key];
        break;
      }
    }
  }
  if (Array.isArray(value)) return value.join(",");
  return typeof value === "string" ? value : undefined;
}

/** HTTP: the SignedRequest of a request with a URL-Signature header (URL-Methods/URL-Paths split on ","), or undefined when the header is absent. */
export function signedHttpRequest(
  method: string,
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): SignedRequest | undefined {
  if (headers === null || typeof headers !== "object") return undefined;
  const signature = header(headers, "url-signature");
  if (signature === undefined) return undefined;
  const methods = header(headers, "url-methods");
  const paths = header(headers, "url-paths");
  return {
    method,
    path,
    project: header(headers, "x-project-id"),
    signature,
    expires: header(headers, "url-expires"),
    methods: methods === undefined ? undefined : methods.split(","),
    paths: paths === undefined ? undefined : paths.split(","),
  };
}

/** The HTTP method each message action stands for (websocket.md §4); other actions cannot be signed. */
const WS_ACTION_METHODS: Readonly<Record<string, string>> = Object.freeze({
  message_list: "GET",
  message_get: "GET",
  message_get_many: "GET",
  message_post: "POST",
  message_delete: "DELETE",
  message_delete_many: "DELETE",
});

/** Queue names of the characters the core accepts (validate.ts; the core judges the length); nothing else can be a signed queue. */
const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

/**
 * WebSocket (websocket.md §4): for a frame whose headers carry URL-Signature:
 * the action's method (message_list/get/get_many → GET, message_post → POST,
 * message_delete/delete_many → DELETE; any other action → not allowed),
 * URL-Methods/URL-Paths as JSON arrays (anything else → invalid), and the path
 * /v2/queues/<queue_name from the body>/messages so the queue IS checked
 * against the signed paths (upstream's security gap, closed). Undefined when
 * there is no URL-Signature; null when the frame can never pass.
 */
export function signedWsRequest(
  action: string,
  headers: Readonly<Record<string, unknown>>,
  body: Readonly<Record<string, unknown>>,
): SignedRequest | null | undefined {
  try {
    if (headers === null || typeof headers !== "object" || !Object.hasOwn(headers, "URL-Signature")) return undefined;
    const method = typeof action === "string" && Object.hasOwn(WS_ACTION_METHODS, action) ? WS_ACTION_METHODS[action] : undefined;
    if (method === undefined) return null;
    const { "URL-Signature": signature, "URL-Expires": expires, "URL-Methods": methods, "URL-Paths": paths } = headers;
    const project = Object.hasOwn(headers, "X-Project-ID") ? headers["X-Project-ID"] : undefined;
    if (typeof signature !== "string" || typeof expires !== "string") return null;
    if (!isStringList(methods) || !isStringList(paths)) return null;
    if (project !== undefined && typeof project !== "string") return null;
    const queue = body !== null && typeof body === "object" && Object.hasOwn(body, "queue_name") ? body["queue_name"] : undefined;
    if (typeof queue !== "string" || !QUEUE_NAME.test(queue)) return null;
    return { method, path: `/v2/queues/${queue}/messages`, project, signature, expires, methods: [...methods], paths: [...paths] };
  } catch {
    return null;
  }
}
