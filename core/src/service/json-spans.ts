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
  /** Everything walked since the last reset is in JSON.stringify's form. */
  canonical = true;
  /** Object keys walked since the last reset. */
  keys = 0;
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

  string(): void {
    const start = this.pos;
    const end = stringEnd(this.text, start);
    // One search finds the next backslash for many strings: most have none.
    let b = this.#backslash;
    if (b < start) b = this.#next(start);
    while (b < end) {
      if (!isShortEscape(this.text.charCodeAt(b + 1))) this.canonical = false;
      b = this.#next(b + 2);
    }
    this.#backslash = b;
    this.pos = end;
  }

  number(): void {
    const start = this.pos;
    while (isNumberChar(this.text.charCodeAt(this.pos))) this.pos++;
    if (!this.canonical) return;
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

  object(): void {
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      this.keys++;
      if (isDigit(this.text.charCodeAt(this.pos + 1))) this.canonical = false;
      this.string();
      this.ws();
      this.pos++; // :
      this.ws();
      this.value();
      this.ws();
      if (this.text.charCodeAt(this.pos++) === 0x7d /* } */) return;
    }
  }

  array(): void {
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      this.value();
      this.ws();
      if (this.text.charCodeAt(this.pos++) === 0x5d /* ] */) return;
    }
  }

  /**
   * Walks an object member by member, calling `member` with each key (null
   * for a key written with escapes) after positioning on its value; `member`
   * must walk the value. False when the value here is not an object.
   */
  members(member: (key: string | null) => void): boolean {
    this.ws();
    if (this.text.charCodeAt(this.pos) !== 0x7b /* { */) return false;
    this.pos++;
    this.ws();
    if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      return true;
    }
    for (;;) {
      this.ws();
      const start = this.pos;
      this.string();
      const key = this.text.slice(start + 1, this.pos - 1);
      this.ws();
      this.pos++; // :
      this.ws();
      member(key.includes("\\") ? null : key);
      this.ws();
      if (this.text.charCodeAt(this.pos++) === 0x7d /* } */) return true;
    }
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

/** Walks a "messages" array (at "["), answering the span of each element's last "body". */
function messageSpans(w: Walker, untrusted: () => void): Array<Span | undefined> {
  const spans: Array<Span | undefined> = [];
  w.pos++;
  w.ws();
  if (w.text.charCodeAt(w.pos) === 0x5d /* ] */) {
    w.pos++;
    return spans;
  }
  for (;;) {
    let span: Span | undefined;
    const isObject = w.members((key) => {
      if (key === null) untrusted();
      if (key !== "body") return w.value();
      w.canonical = true;
      w.keys = 0;
      const start = w.pos;
      w.value();
      // A later "body" member replaces an earlier one, as in JSON.parse.
      span = w.canonical ? { text: w.text.slice(start, w.pos), keys: w.keys } : undefined;
    });
    if (!isObject) w.value();
    spans.push(span);
    w.ws();
    if (w.text.charCodeAt(w.pos++) === 0x5d /* ] */) return spans;
    w.ws();
  }
}

/**
 * For a message-post document `text` whose parsed "messages" array is `items`:
 * the JSON.stringify text of each items[i].body, cut from `text`, or undefined
 * where that cannot be shown (the caller then stringifies it). `text` must be
 * a document JSON.parse accepted.
 */
export function bodyTexts(text: string, items: readonly unknown[]): Array<string | undefined> {
  const out = new Array<string | undefined>(items.length).fill(undefined);
  const w = new Walker(text);
  let spans: Array<Span | undefined> | null = null;
  let trusted = true;
  const untrusted = (): void => {
    trusted = false;
  };
  const isObject = w.members((key) => {
    // An escaped key might spell "messages" or "body": then nothing is vouched for.
    if (key === null) untrusted();
    if (key !== "messages") return w.value();
    // The last "messages" member is the one JSON.parse kept.
    if (w.text.charCodeAt(w.pos) === 0x5b /* [ */) spans = messageSpans(w, untrusted);
    else {
      spans = null;
      w.value();
    }
  });
  const found = spans as Array<Span | undefined> | null;
  if (!isObject || !trusted || found === null || found.length !== items.length) return out;
  for (let i = 0; i < items.length; i++) {
    const span = found[i];
    const item = items[i];
    if (span === undefined || item === null || typeof item !== "object") continue;
    if (countKeys((item as Record<string, unknown>)["body"]) === span.keys) out[i] = span.text;
  }
  return out;
}
