/**
 * The stored text of each posted message body, cut from the request document
 * instead of re-serialised.
 *
 * Storage keeps a body as JSON.stringify(parsed body). Re-serialising costs
 * more than parsing did (V8 stringifies long strings slowly), and the body's
 * own span of the document already is that text whenever it is written the
 * way JSON.stringify writes:
 *
 * - no whitespace between tokens;
 * - strings with no escapes but \" \\ \b \f \n \r \t (the text was decoded
 *   from strict UTF-8, so it holds no lone surrogates to escape);
 * - numbers exactly as String(number) prints them (no 1.0, 1e3, -0, 0.50);
 * - no keys that start with a digit (V8 lists integer-like keys first);
 * - no duplicate keys in one object (JSON.parse keeps the last value at the
 *   first key's place), checked by counting keys in the span and in the
 *   parsed value.
 *
 * Anything else gets no span, and the caller stringifies that body.
 */

import { stringEnd } from "./json.ts";

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON's four whitespace characters. */
const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
/** Characters that can continue a number literal. */
const isNumberChar = (c: number): boolean => isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
/** Escapes JSON.stringify writes itself: \" \\ \b \f \n \r \t. */
const isShortEscape = (c: number): boolean =>
  c === QUOTE || c === BACKSLASH || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74;

/** Walks a validated JSON text, noting whether what it walks is in JSON.stringify's form. */
class Walker {
  readonly text: string;
  pos = 0;
  /** Set while walking a body: only then is the form checked. */
  tracking = false;
  /** Everything walked since tracking began is in JSON.stringify's form. */
  canonical = true;
  /** Object keys walked since tracking began. */
  keys = 0;
  /** The last key read by key(): its characters between the quotes, and whether it has escapes. */
  keyStart = 0;
  keyEnd = 0;
  keyEscaped = false;
  /** Index of the next backslash at or after the last string walked (text.length when none). */
  #backslash = -1;

  constructor(text: string) {
    this.text = text;
  }

  #next(from: number): number {
    const b = this.text.indexOf("\\", from);
    return b < 0 ? this.text.length : b;
  }

  ws(): void {
    while (isWs(this.text.charCodeAt(this.pos))) {
      this.pos++;
      this.canonical = false;
    }
  }

  /** Walks a string; answers whether it holds any escape. */
  string(): boolean {
    const start = this.pos;
    const end = stringEnd(this.text, start);
    // One search finds the next backslash for many strings: most have none.
    let b = this.#backslash;
    if (b < start) b = this.#next(start);
    const escaped = b < end;
    while (b < end) {
      if (!isShortEscape(this.text.charCodeAt(b + 1))) this.canonical = false;
      b = this.#next(b + 2);
    }
    this.#backslash = b;
    this.pos = end;
    return escaped;
  }

  number(): void {
    const start = this.pos;
    while (isNumberChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (!this.tracking || !this.canonical) return;
    const literal = this.text.slice(start, this.pos);
    if (String(Number(literal)) !== literal) this.canonical = false;
  }

  value(): void {
    const c = this.text.charCodeAt(this.pos);
    if (c === QUOTE) this.string();
    else if (c === 0x7b /* { */) this.object();
    else if (c === 0x5b /* [ */) this.array();
    else if (c === 0x74 /* t */ || c === 0x6e /* n */) this.pos += 4;
    else if (c === 0x66 /* f */) this.pos += 5;
    else this.number();
  }

  /** At "{" or "[" (after whitespace): steps in; false, not moving, for any other value. */
  open(bracket: number): boolean {
    this.ws();
    if (this.text.charCodeAt(this.pos) !== bracket) return false;
    this.pos++;
    this.ws();
    return true;
  }

  /** After a member or element: true, past it, at the closing bracket; false, past it, at a comma. */
  close(): boolean {
    this.ws();
    const c = this.text.charCodeAt(this.pos++);
    if (c === 0x2c /* , */) this.ws();
    return c !== 0x2c;
  }

  /** True, past it, when the container just opened is empty. */
  empty(bracket: number): boolean {
    if (this.text.charCodeAt(this.pos) !== bracket) return false;
    this.pos++;
    return true;
  }

  /** Reads a member's key and its colon, leaving the walker on the value. */
  key(): void {
    this.keys++;
    this.keyStart = this.pos + 1;
    if (isDigit(this.text.charCodeAt(this.keyStart))) this.canonical = false;
    this.keyEscaped = this.string();
    this.keyEnd = this.pos - 1;
    this.ws();
    this.pos++; // :
    this.ws();
  }

  /** The last key read is exactly `name` (written without escapes). */
  keyIs(name: string): boolean {
    return !this.keyEscaped && this.keyEnd - this.keyStart === name.length && this.text.startsWith(name, this.keyStart);
  }

  object(): void {
    this.open(0x7b);
    if (this.empty(0x7d)) return;
    do {
      this.key();
      this.value();
    } while (!this.close());
  }

  array(): void {
    this.open(0x5b);
    if (this.empty(0x5d)) return;
    do this.value();
    while (!this.close());
  }
}

/** Keys in a parsed JSON value, all levels (for the duplicate-key check). */
function countKeys(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += countKeys(item);
    return n;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) n += 1 + countKeys(record[key]);
  return n;
}

interface Span {
  readonly text: string;
  /** Object keys written inside the span. */
  readonly keys: number;
}

/** What a walk of the document found: each element's last "body" span, or untrusted. */
interface Found {
  spans: Array<Span | undefined> | null;
  /** An escaped key might spell "messages" or "body": then nothing is vouched for. */
  trusted: boolean;
}

/** Walks one element of "messages": the span of its last "body" (JSON.parse keeps the last). */
function elementSpan(w: Walker, found: Found): Span | undefined {
  if (!w.open(0x7b)) {
    w.value();
    return undefined;
  }
  let span: Span | undefined;
  if (w.empty(0x7d)) return undefined;
  do {
    w.key();
    if (w.keyEscaped) found.trusted = false;
    if (!w.keyIs("body")) {
      w.value();
      continue;
    }
    w.tracking = true;
    w.canonical = true;
    w.keys = 0;
    const start = w.pos;
    w.value();
    w.tracking = false;
    span = w.canonical ? { text: w.text.slice(start, w.pos), keys: w.keys } : undefined;
  } while (!w.close());
  return span;
}

/**
 * Walks an object down `path` (keys, the last naming the messages array),
 * recording the spans of the array JSON.parse keeps: at every level the last
 * member of a name wins, so meeting a name again forgets what the earlier one
 * gave.
 */
function walkTo(w: Walker, found: Found, path: readonly string[]): void {
  if (!w.open(0x7b)) {
    w.value();
    return;
  }
  if (w.empty(0x7d)) return;
  const [name, ...rest] = path as [string, ...string[]];
  do {
    w.key();
    if (w.keyEscaped) found.trusted = false;
    if (!w.keyIs(name)) {
      w.value();
      continue;
    }
    found.spans = null;
    if (rest.length > 0) {
      walkTo(w, found, rest);
      continue;
    }
    if (!w.open(0x5b)) {
      w.value();
      continue;
    }
    const spans: Array<Span | undefined> = [];
    if (!w.empty(0x5d)) {
      do spans.push(elementSpan(w, found));
      while (!w.close());
    }
    found.spans = spans;
  } while (!w.close());
}

/** The document's top-level "messages" (REST). */
export const REST_MESSAGES: readonly string[] = ["messages"];
/** A WebSocket message_post frame's body.messages. */
export const FRAME_MESSAGES: readonly string[] = ["body", "messages"];

/**
 * For a message-post document `text` whose parsed messages array (at `path`)
 * is `items`: the JSON.stringify text of each items[i].body, cut from `text`,
 * or undefined where that cannot be shown (the caller then stringifies it).
 * `text` must be a document JSON.parse accepted.
 */
export function bodyTexts(text: string, items: readonly unknown[], path: readonly string[] = REST_MESSAGES): Array<string | undefined> {
  const out = new Array<string | undefined>(items.length).fill(undefined);
  const w = new Walker(text);
  const found: Found = { spans: null, trusted: true };
  w.ws();
  if (w.text.charCodeAt(w.pos) !== 0x7b) return out;
  walkTo(w, found, path);
  if (!found.trusted || found.spans === null || found.spans.length !== items.length) return out;
  for (let i = 0; i < items.length; i++) {
    const span = found.spans[i];
    const item = items[i];
    if (span === undefined || item === null || typeof item !== "object") continue;
    if (countKeys((item as Record<string, unknown>)["body"]) === span.keys) out[i] = span.text;
  }
  return out;
}
