/**
 * POST /v2/queues/{q}/share (../shared/spec/signed-urls.md §1): reads the
 * share document with Zaqar's rules, in Zaqar's order, and signs it with
 * common/signed-url.ts. No storage is touched: the queue is neither created
 * nor looked up.
 *
 * Order and texts follow upstream (wsgi v2_0/urls.py, then common/urls.py
 * create_signed_url): body, unknown keys, paths, the secret, methods,
 * expires. Where Zaqar 15 fails with a 500 (a Python TypeError escaping),
 * this answers 400 Invalid API request instead, in upstream's phrasing:
 * - a truthy `paths` that is not iterable (a number, true), or a list holding
 *   a list or an object (unhashable): "`paths` should be a list of strings";
 * - a `methods` list holding a non-string (sorted/join fail):
 *   "`methods` should be a list of strings";
 * - an `expires` that is a list or an object (int() fails):
 *   "`expires` should be date format, for example 2016-01-01T00:00:00";
 * - a document that is a JSON array: 400 Invalid request body
 *   "Document type not supported." (the spec's choice).
 * A `paths` object counts as its keys, as Python's set() and list() read it.
 */
import { create } from "@bufbuild/protobuf";
import { formatExpires, parseExpires, pySorted, urlSignature } from "../../../common/signed-url.ts";
import { pyStrRepr } from "../../../common/python-repr.ts";
import { integerExpiresText } from "../../../common/signed-url-expires.ts";
import { ShareQueueResponseSchema } from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { ZaqarError } from "../errors.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { isPlainObject, pyTruthy, readDocument, unparseable, wrongDocumentType } from "./json.ts";
import { invalid, queueScope } from "./validate.ts";

/** What a share signs, before signing. */
export interface ShareRequest {
  /** Full paths (/v2/queues/<queue>/<name>), in the client's order, repeats kept. */
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  /** Unix ms of the expiry (seconds precision is what gets signed). */
  readonly expiresMs: number;
  /** The signing secret (sharing is refused without one). */
  readonly secret: string;
}

const KNOWN_KEYS = new Set(["paths", "methods", "expires"]);
const VALID_PATHS = new Set(["messages", "subscriptions", "claims"]);
const DAY_MS = 86_400_000;

/** Python's str() of a JSON scalar (None, True, 1, 1.5, 1e-05); strings are the caller's. */
function pyScalar(value: unknown): string {
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    // JSON.parse cannot tell 1.0 from 1: integral numbers are shown as Python ints.
    if (Number.isInteger(value)) return Math.abs(value) < 1e21 ? String(value) : BigInt(value).toString();
    const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
    const exp = Number(exponent);
    // Python switches to exponent form below 1e-4 (JS only below 1e-6), with at least two exponent digits.
    return exp < -4 ? `${mantissa}e-${String(-exp).padStart(2, "0")}` : String(value);
  }
  return String(value);
}

/** repr() of a hashable JSON value inside a Python set. */
const setItemRepr = (value: unknown): string => (typeof value === "string" ? pyStrRepr(value) : pyScalar(value));

/** A Python set's repr of these items, deduplicated by Python equality (1 == 1.0 == True), in first-seen order. */
function pySetRepr(items: readonly unknown[]): string {
  const seen = new Set<unknown>();
  const shown: string[] = [];
  for (const item of items) {
    const key = typeof item === "boolean" ? Number(item) : item;
    if (seen.has(key)) continue;
    seen.add(key);
    shown.push(setItemRepr(item));
  }
  return `{${shown.join(", ")}}`;
}

/** Python's iteration of a `paths` value: a list's items, a str's characters, a dict's keys; null when not iterable. */
function iterate(value: unknown): unknown[] | null {
  if (Array.isArray(value)) return value;
  if (typeof value === "string") return [...value];
  if (isPlainObject(value)) return Object.keys(value);
  return null;
}

const badPaths = (): ZaqarError => invalid("`paths` should be a list of strings");

function readPaths(value: unknown, base: string): string[] {
  if (!pyTruthy(value)) return [`${base}/messages`];
  const items = iterate(value);
  if (items === null || items.some((item) => item !== null && typeof item === "object")) throw badPaths();
  const unknown = items.filter((item) => typeof item !== "string" || !VALID_PATHS.has(item));
  if (unknown.length > 0) throw invalid(`Invalid paths: ${pySetRepr(unknown)}`);
  return (items as string[]).map((name) => `${base}/${name}`);
}

function readMethods(value: unknown): string[] {
  if (!pyTruthy(value)) return ["GET"];
  if (!Array.isArray(value)) throw invalid("`methods` should be a list");
  if (!value.every((m) => typeof m === "string")) throw invalid("`methods` should be a list of strings");
  return value as string[];
}

function readExpires(value: unknown, now: number): number {
  if (value === null || value === undefined) return now + DAY_MS;
  if (typeof value === "number" || typeof value === "boolean") throw invalid(integerExpiresText(pyScalar(value)));
  if (typeof value !== "string") throw invalid("`expires` should be date format, for example 2016-01-01T00:00:00");
  const expiry = parseExpires(value);
  if (!expiry.ok) throw invalid(expiry.message);
  if (expiry.ms < now) throw invalid("`expires` is lower than the current time");
  return expiry.ms;
}

/**
 * The share document's request, or Zaqar's error. `body` undefined: the
 * client sent none; `base`: the queue's path (/v2/queues/<queue>).
 */
export function readShareRequest(body: Uint8Array | undefined, base: string, secret: string | null, now: number): ShareRequest {
  if (body === undefined) throw new ZaqarError("INVALID_BODY", "Request body can not be empty");
  if (body.length === 0) throw unparseable();
  const doc = readDocument(body).value;
  if (!isPlainObject(doc)) throw wrongDocumentType();
  const unknownKeys = Object.keys(doc).filter((key) => !KNOWN_KEYS.has(key));
  if (unknownKeys.length > 0) throw invalid(`Unknown keys: ${pySetRepr(unknownKeys)}`);
  const paths = readPaths(doc["paths"], base);
  if (secret === null) throw invalid("The `key` can't be None");
  const methods = readMethods(doc["methods"]);
  return { paths, methods, expiresMs: readExpires(doc["expires"], now), secret };
}

export function createShareHandlers(deps: ServiceDeps): Pick<Handlers, "shareQueue"> {
  const { limits, clock, notification } = deps;
  return {
    async shareQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const share = readShareRequest(req.body, `/v2/queues/${scope.queue}`, notification.signedUrlSecretKey, clock.now());
      const facts = {
        paths: pySorted(share.paths),
        methods: pySorted(share.methods),
        project: scope.project,
        expires: formatExpires(share.expiresMs),
      };
      return create(ShareQueueResponseSchema, { ...facts, signature: urlSignature(share.secret, facts) });
    },
  };
}
