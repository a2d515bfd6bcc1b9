/**
 * Reading subscription request documents with Zaqar's checks, texts and
 * order (../shared/spec/rest-subscriptions-notifications.md §2): create,
 * PATCH and confirm.
 *
 * Where Zaqar 15 crashes (503/500) the spec asks for a 400, and gets one:
 * an array document on create, an empty or non-string subscriber, ttl 0 or
 * null. Two checks are ours: a webhook subscriber must be a URL with a host
 * and a mailto: subscriber must name an address (Zaqar accepts "http://" and
 * "mailto:" and then fails every delivery), and a ttl must fit the int32 of
 * the Subscription message (about 68 years; Zaqar's only bound is the year
 * 9999).
 */
import { ZaqarError } from "../errors.ts";
import type { NewSubscription } from "../storage/driver.ts";
import { isPlainObject, isPyInt, parseDocument, pyIntValue, pyListRepr, pyTruthy, wrongDocumentType } from "./json.ts";
import { validateRetryPolicy } from "./retry-policy.ts";
import { invalid } from "./validate.ts";

/** Zaqar's [transport] subscriber_types, in its order (the error text lists them). */
export const SUBSCRIBER_TYPES: readonly string[] = ["http", "https", "mailto", "trust+http", "trust+https"];
const MIN_SUBSCRIPTION_TTL = 60;
/** 9999-12-31T23:59:59Z in Unix seconds: Python's datetime.max, whole seconds. */
const DATETIME_MAX_SECONDS = 253402300799;
const INT32_MAX = 2147483647;

const typeText = `The subscriber type of subscription must be supported in the list ${pyListRepr(SUBSCRIBER_TYPES)}.`;
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The URI scheme as Python's urlparse finds it (lowercased), or "" when there is none. */
export function subscriberScheme(uri: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri);
  return match ? (match[1] as string).toLowerCase() : "";
}

/** The mailto: address and query of a subscriber (Python urlparse: path and query, no fragment). */
export function mailtoParts(subscriber: string): { readonly address: string; readonly query: string } {
  let rest = subscriber.slice("mailto:".length);
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  return q < 0 ? { address: rest, query: "" } : { address: rest.slice(0, q), query: rest.slice(q + 1) };
}

function checkSubscriber(value: unknown): string {
  if (typeof value !== "string" || value === "") throw invalid(typeText);
  const scheme = subscriberScheme(value);
  if (!SUBSCRIBER_TYPES.includes(scheme)) throw invalid(typeText);
  if (scheme === "mailto") {
    const { address } = mailtoParts(value);
    const at = address.indexOf("@");
    if (CONTROL.test(value) || /\s/.test(address) || at <= 0 || at === address.length - 1) {
      throw invalid("The subscriber must be a mailto: URI with an email address.");
    }
    return value;
  }
  const target = scheme.startsWith("trust+") ? value.slice("trust+".length) : value;
  let host = "";
  try {
    host = new URL(target).hostname;
  } catch {
    // not a URL: host stays empty
  }
  if (CONTROL.test(value) || host === "") throw invalid("The subscriber must be a valid http or https URL with a host.");
  return value;
}

function checkOptions(value: unknown): string {
  if (pyTruthy(value) && !isPlainObject(value)) throw invalid("Options must be a dict.");
  validateRetryPolicy(value, "INVALID_REQUEST");
  // A falsy non-object (null, [], 0, "") is stored as {}: options are always an object.
  return isPlainObject(value) ? JSON.stringify(value) : "{}";
}

function checkTtl(value: unknown, nowMs: number): number {
  if (!isPyInt(value)) throw invalid("TTL must be an integer.");
  const ttl = pyIntValue(value);
  if (ttl < MIN_SUBSCRIPTION_TTL) {
    throw invalid(`The TTL for a subscription must be at least ${MIN_SUBSCRIPTION_TTL} seconds long.`);
  }
  if (Math.floor(nowMs / 1000) + ttl > DATETIME_MAX_SECONDS) {
    throw invalid("The TTL seconds for a subscription plus current time must be less than 9999-12-31 23:59:59.999999.");
  }
  if (ttl > INT32_MAX) throw invalid(`The TTL for a subscription may not exceed ${INT32_MAX} seconds.`);
  return ttl;
}

/** A request document; no body or an empty one counts as {}. */
export const documentOf = (body: Uint8Array | undefined): unknown =>
  body === undefined || body.length === 0 ? {} : parseDocument(body);

/** The create document (already parsed: the queue is created between parsing and validating). */
export function readSubscriptionCreate(doc: unknown, nowMs: number, defaultTtl: number): NewSubscription {
  if (!isPlainObject(doc)) throw wrongDocumentType();
  if (!("subscriber" in doc)) throw invalid("Missing parameter subscriber in body.");
  const subscriber = checkSubscriber(doc["subscriber"]);
  const options = checkOptions(doc["options"]);
  const ttl = doc["ttl"] === null || doc["ttl"] === undefined ? defaultTtl : checkTtl(doc["ttl"], nowMs);
  return { subscriber, ttl, options };
}

export interface SubscriptionChanges {
  readonly subscriber?: string;
  readonly ttl?: number;
  readonly options?: string;
}

/**
 * The PATCH document. As in Zaqar's Redis store, null values count as
 * absent, and a document naming none of the three fields fails (Zaqar's
 * assertion) after validation.
 */
export function readSubscriptionPatch(body: Uint8Array | undefined, nowMs: number, id: string): SubscriptionChanges {
  const doc = documentOf(body);
  if (!pyTruthy(doc)) throw invalid("No subscription to create.");
  if (!isPlainObject(doc)) throw invalid("Subscriptions must be a dict.");
  const given = (key: string): boolean => doc[key] !== null && doc[key] !== undefined;
  const subscriber = given("subscriber") ? checkSubscriber(doc["subscriber"]) : undefined;
  const options = given("options") ? checkOptions(doc["options"]) : undefined;
  const ttl = given("ttl") ? checkTtl(doc["ttl"], nowMs) : undefined;
  if (subscriber === undefined && options === undefined && ttl === undefined) {
    throw new ZaqarError("SUBSCRIPTION_NOT_UPDATED", `Subscription ${id} could not be updated.`);
  }
  return {
    ...(subscriber !== undefined ? { subscriber } : {}),
    ...(ttl !== undefined ? { ttl } : {}),
    ...(options !== undefined ? { options } : {}),
  };
}

/** The confirm document's `confirmed`: a JSON boolean. */
export function readConfirmation(body: Uint8Array | undefined): boolean {
  const doc = documentOf(body);
  if (!isPlainObject(doc)) throw wrongDocumentType();
  const confirmed = doc["confirmed"];
  if (typeof confirmed !== "boolean") throw invalid("The 'confirmed' should be boolean.");
  return confirmed;
}
