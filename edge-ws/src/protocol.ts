/**
 * Zaqar's WebSocket framing (websocket.md §1–2, §5): decoding a frame (text
 * JSON or binary MessagePack), the `request` echo, and the JSON-schema shape
 * checks of `{action, headers, body}`. Shape only: what the values mean is the
 * core's business.
 */
import { decode as unpack, encode as pack } from "@msgpack/msgpack";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The `request` member of every answer. */
export interface Echo {
  readonly action: Json;
  readonly body: Json;
  readonly headers: Json;
  readonly api: "v2";
}

/** One answer frame (before encoding). */
export interface Answer {
  readonly request: Echo;
  readonly body: unknown;
  readonly headers: { readonly status: number };
}

export const NULL_ECHO: Echo = Object.freeze({ action: null, body: {}, headers: {}, api: "v2" });

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The echo of a decoded object: action (null when absent), body and headers ({} when absent). */
export function echoOf(payload: JsonObject): Echo {
  return {
    action: payload["action"] === undefined ? null : payload["action"],
    body: payload["body"] === undefined ? {} : payload["body"],
    headers: payload["headers"] === undefined ? {} : payload["headers"],
    api: "v2",
  };
}

export type Decoded = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/** Python json's "Expecting value: line L column C (char N)" for a text that does not start a JSON value. */
function expectingValue(text: string): string | null {
  let i = 0;
  while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  const c = text[i];
  if (c !== undefined && /[[{"\-0-9tfn]/.test(c)) return null;
  const before = text.slice(0, i);
  const line = before.split("\n").length;
  const column = i - (before.lastIndexOf("\n") + 1) + 1;
  return `Expecting value: line ${line} column ${column} (char ${i})`;
}

export function decodeFrame(data: Buffer, binary: boolean): Decoded {
  if (binary) {
    try {
      return { ok: true, value: unpack(data) };
    } catch {
      return { ok: false, error: "Can't decode binary (MessagePack) request. FormatError: " };
    }
  }
  const text = data.toString("utf8");
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const message = expectingValue(text) ?? (err as Error).message;
    return { ok: false, error: `Can't decode text (JSON) request. JSONDecodeError: ${message}` };
  }
}

const ECHO_KEYS = new Set(["action", "headers", "body"]);
const ANSWER_HEAD = Buffer.from('{"request":');

/**
 * The `request` echo of a text frame cut from the frame's own bytes (up to,
 * not including, its closing brace; encodeRawAnswer closes it),
 * so that a large request (a message post) is not stringified again to be
 * echoed. Only for a frame of exactly action, headers and body: its text with
 * `"api":"v2"` added is then the echo, member for member (a client's JSON
 * parser reads the same object; spacing and member order are the client's).
 * Undefined otherwise, and the echo is built from the parsed value.
 */
export function rawEcho(data: Buffer, payload: JsonObject): Buffer | undefined {
  let n = 0;
  for (const key in payload) {
    if (!ECHO_KEYS.has(key)) return undefined;
    n++;
  }
  if (n !== ECHO_KEYS.size) return undefined;
  let end = data.length - 1;
  while (end > 0 && data[end] !== 0x7d /* } */) end--; // JSON.parse accepted it: only whitespace follows the last "}"
  return data.subarray(0, end);
}

/** A text answer around an echo from rawEcho, as bytes to send in a text frame. */
export function encodeRawAnswer(echo: Buffer, status: number, body: unknown): Buffer {
  const tail = Buffer.from(`,"api":"v2"},"body":${JSON.stringify(body)},"headers":{"status":${status}}}`);
  return Buffer.concat([ANSWER_HEAD, echo, tail]);
}

/** An answer in the encoding of the request it answers. */
export function encodeAnswer(answer: unknown, binary: boolean): Buffer | string {
  if (!binary) return JSON.stringify(answer);
  const bytes = pack(answer, { ignoreUndefined: true });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Python's str() of an action value, for "<action> is not a valid action". */
export function pyStr(v: Json | undefined): string {
  if (v === undefined || v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return v;
  return JSON.stringify(v).replaceAll(",", ", ").replaceAll(":", ": ");
}

type FieldType = "string" | "integer" | "boolean" | "object" | "array";

/** The body schema of one action: its required fields and the types of those it knows. */
export interface BodySchema {
  /** Body may be absent (queue_list only). */
  readonly optional?: boolean;
  readonly required: readonly string[];
  readonly types: Readonly<Record<string, FieldType>>;
}

/** Headers of the common schema: all strings when present; these two always required. */
const HEADER_NAMES = ["User-Agent", "Date", "Accept", "Client-ID", "X-Project-ID", "X-Auth-Token"];
const REQUIRED_HEADERS = ["Client-ID", "X-Project-ID"];

function hasType(v: Json, type: FieldType): boolean {
  switch (type) {
    case "string":
      return typeof v === "string";
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "boolean":
      return typeof v === "boolean";
    case "object":
      return isObject(v);
    case "array":
      return Array.isArray(v);
  }
}

/** True when the frame passes the action's JSON schema (draft 4, additional properties allowed). */
export function matchesSchema(payload: JsonObject, schema: BodySchema, requiredHeaders: readonly string[] = REQUIRED_HEADERS): boolean {
  const headers = payload["headers"];
  if (!isObject(headers)) return false;
  for (const name of requiredHeaders) if (headers[name] === undefined) return false;
  for (const name of HEADER_NAMES) {
    const v = headers[name];
    if (v !== undefined && typeof v !== "string") return false;
  }
  const body = payload["body"];
  if (body === undefined) return schema.optional === true;
  if (!isObject(body)) return false;
  for (const name of schema.required) if (body[name] === undefined) return false;
  for (const [name, type] of Object.entries(schema.types)) {
    const v = body[name];
    if (v !== undefined && !hasType(v, type)) return false;
  }
  return true;
}
