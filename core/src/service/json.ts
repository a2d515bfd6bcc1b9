/**
 * JSON request documents, read with Zaqar's rules and texts.
 *
 * Zaqar (Python) rejects a document that is not an object or array as
 * unparseable, and rejects integers outside signed 64-bit anywhere in it.
 */
import { ZaqarError } from "../errors.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

export const unparseable = (): ZaqarError => new ZaqarError("INVALID_BODY", "Request body could not be parsed.");
export const wrongDocumentType = (): ZaqarError => new ZaqarError("INVALID_BODY", "Document type not supported.");

/** Parses a request document: an object or an array, or INVALID_BODY. */
export function parseDocument(bytes: Uint8Array): unknown {
  let text: string;
  let value: unknown;
  try {
    text = decoder.decode(bytes);
    value = JSON.parse(text);
  } catch {
    throw unparseable();
  }
  if (value === null || typeof value !== "object") throw unparseable();
  if (hasOversizedInteger(text)) {
    throw new ZaqarError("INVALID_BODY", "JSON contains integer that is too large.");
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const LONG_DIGIT_RUN = /\d{19}/;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * True when the JSON text holds an integer literal outside signed 64-bit.
 * Cheap in the common case: only texts with a run of 19+ digits are scanned,
 * and the scan skips string contents so digits inside strings never count.
 */
export function hasOversizedInteger(text: string): boolean {
  if (!LONG_DIGIT_RUN.test(text)) return false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i++;
      while (i < n && text.charCodeAt(i) !== 0x22) i += text.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i++;
      continue;
    }
    if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i;
      i++;
      while (i < n && /[0-9.eE+-]/.test(text[i] as string)) i++;
      const literal = text.slice(start, i);
      if (/^-?\d+$/.test(literal)) {
        const v = BigInt(literal);
        if (v > INT64_MAX || v < INT64_MIN) return true;
      }
      continue;
    }
    i++;
  }
  return false;
}

/** Python's truthiness of a JSON value (Zaqar often tests `if value:`). */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Python's isinstance(value, int): JSON integers and booleans. */
export function isPyInt(value: unknown): value is number | boolean {
  return typeof value === "boolean" || (typeof value === "number" && Number.isInteger(value));
}

/** The integer value Python would compare (True is 1). */
export function pyIntValue(value: number | boolean): number {
  return typeof value === "boolean" ? (value ? 1 : 0) : value;
}

/** Python's repr() of a str (as in "No messages with IDs: ['a', 'b'] ..."). */
export function pyStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c === 0xad) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr of a list of strings, e.g. ['a', 'b'] (Zaqar puts it in some error texts). */
export const pyListRepr = (items: readonly string[]): string => `[${items.map(pyStrRepr).join(", ")}]`;
