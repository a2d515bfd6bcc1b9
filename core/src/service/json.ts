/**
 * JSON request documents, read with Zaqar's rules and texts.
 *
 * Zaqar (Python) rejects a document that is not an object or array as
 * unparseable, and rejects integers outside signed 64-bit anywhere in it.
 */
import { pyStrRepr } from "../../../common/python-repr.ts";
import { ZaqarError } from "../errors.ts";

export { pyStrRepr };

const decoder = new TextDecoder("utf-8", { fatal: true });

export const unparseable = (): ZaqarError => new ZaqarError("INVALID_BODY", "Request body could not be parsed.");
export const wrongDocumentType = (): ZaqarError => new ZaqarError("INVALID_BODY", "Document type not supported.");

/** Parses a request document: an object or an array, or INVALID_BODY. */
export function parseDocument(bytes: Uint8Array): unknown {
  return readDocument(bytes).value;
}

/** parseDocument, also answering the document's text. */
export function readDocument(bytes: Uint8Array): { value: unknown; text: string } {
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
  return { value, text };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const INTEGER = /^-?\d+$/;

/** Index just past the JSON string that opens at `start` (text is valid JSON). */
export function stringEnd(text: string, start: number): number {
  let q = text.indexOf('"', start + 1);
  for (;;) {
    if (q < 0) return text.length;
    let k = q - 1;
    while (text.charCodeAt(k) === 0x5c /* \ */) k--;
    if (((q - 1 - k) & 1) === 0) return q + 1; // an even run of backslashes: the quote is real
    q = text.indexOf('"', q + 1);
  }
}

/** Characters that can continue a number literal. */
const isNumberChar = (c: number): boolean => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;

/**
 * True when the JSON text holds an integer literal outside signed 64-bit.
 * Strings are jumped over whole (indexOf), so digits inside them never count
 * and a document of long strings costs little; only literals of 19 or more
 * characters can be out of range, and only those are converted.
 */
export function hasOversizedInteger(text: string): boolean {
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = stringEnd(text, i);
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      const start = i++;
      while (i < n && isNumberChar(text.charCodeAt(i))) i++;
      if (i - start >= 19) {
        const literal = text.slice(start, i);
        if (INTEGER.test(literal)) {
          const v = BigInt(literal);
          if (v > INT64_MAX || v < INT64_MIN) return true;
        }
      }
    } else i++;
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


/** Python's repr of a list of strings, e.g. ['a', 'b'] (Zaqar puts it in some error texts). */
export const pyListRepr = (items: readonly string[]): string => `[${items.map(pyStrRepr).join(", ")}]`;
