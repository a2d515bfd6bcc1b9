/**
 * Response JSON, built by string concatenation in Python's json.dumps style
 * (", " and ": " separators, non-ASCII kept), so bodies match Zaqar's byte for
 * byte. Message bodies and queue metadata arrive from the core as JSON text and
 * are spliced in as is, never parsed; only strings the edge produces itself
 * (ids, hrefs) are escaped, with JSON.stringify.
 */
import { pyFiniteFloatRepr } from "../../common/python-repr.ts";
import type { Message } from "../../proto/gen/zaqar/v1/message_types_pb.ts";
import { encodeValue, toQueryString } from "./http/query.ts";

/** A JSON text the core sent (message body, metadata), as a string to splice. */
export function rawJson(bytes: Uint8Array): string {
  if (bytes.byteLength === 0) return "null";
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

export const str: (value: string) => string = JSON.stringify;

/** "/v2/queues/<q>" (queue names are plain ASCII by the core's rules). */
export const queuePath = (queue: string): string => `/v2/queues/${queue}`;

/**
 * A message as Zaqar's format_message_v1_1 shows it: id, href (with
 * ?claim_id= while claimed), ttl, age, body, and checksum when there is one.
 */
export function messageJson(m: Message, messagesPath: string, claimId: string): string {
  const href = claimId === "" ? `${messagesPath}/${m.id}` : `${messagesPath}/${m.id}?claim_id=${encodeValue(claimId)}`;
  const checksum = m.checksum === "" ? "" : `, "checksum": ${str(m.checksum)}`;
  return `{"id": ${str(m.id)}, "href": ${str(href)}, "ttl": ${m.ttl}, "age": ${m.age}, "body": ${rawJson(m.body)}${checksum}}`;
}

/** A list of messages, each with its own claim (claimId "" = the message's own). */
export function messagesJson(list: readonly Message[], messagesPath: string, claimId = ""): string {
  let out = "[";
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as Message;
    if (i > 0) out += ", ";
    out += messageJson(m, messagesPath, claimId === "" ? m.claimId : claimId);
  }
  return `${out}]`;
}

/** A popped message (Zaqar passes the storage record through: no href, claim fields shown). */
export function poppedJson(m: Message): string {
  const checksum = m.checksum === "" ? "" : `, "checksum": ${str(m.checksum)}`;
  const claim = m.claimId === "" ? "null" : str(m.claimId);
  return `{"id": ${str(m.id)}, "age": ${m.age}, "ttl": ${m.ttl}, "body": ${rawJson(m.body)}, "claim_id": ${claim}, "claim_count": ${m.claimCount}${checksum}}`;
}

/** The `links` array of a page: [] when the page is empty, else one "next" link. */
export function linksJson(
  empty: boolean,
  path: string,
  pairs: ReadonlyArray<readonly [string, string | number | boolean]>,
): string {
  if (empty) return "[]";
  return `[{"rel": "next", "href": ${str(path + toQueryString(pairs))}}]`;
}

/**
 * Sets `name` in ordered query pairs the way a Python dict assignment does:
 * an existing key keeps its position, a new one goes last.
 */
export function setPair(
  pairs: Array<[string, string | number | boolean]>,
  name: string,
  value: string | number | boolean,
): void {
  for (const pair of pairs) {
    if (pair[0] === name) {
      pair[1] = value;
      return;
    }
  }
  pairs.push([name, value]);
}

/** A float as Python's json.dumps writes it (its repr; NaN and Infinity spelled as JSON extensions). */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  return pyFiniteFloatRepr(x);
}


/**
 * A JSON text with Python json.dumps's spacing: no whitespace between tokens
 * but one space after each "," and ":". A lexical pass over the text the core
 * sent (strings copied untouched), for documents the core keeps compact but
 * Zaqar shows re-serialised (subscription options).
 */
export function pySpaced(json: string): string {
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      out += json.slice(from, i);
      from = i + 1;
    } else if (c === 0x2c || c === 0x3a) {
      out += `${json.slice(from, i + 1)} `;
      from = i + 1;
    }
  }
  return out + json.slice(from);
}

/** Python json.dumps of a plain JSON value (integers only; use pyFloat for floats). */
export function pyJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return str(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) parts.push(`${str(k)}: ${pyJson(v)}`);
  return `{${parts.join(", ")}}`;
}
