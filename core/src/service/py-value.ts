/**
 * JSON documents as Python's json.loads reads them, for the admin API's
 * documents, whose error texts print Python reprs of what was sent
 * (jsonschema's "5.0 is not of type 'integer'", "Pool {'a': 1} does not
 * exist") and whose options Zaqar answers re-serialised by json.dumps.
 *
 * JavaScript's JSON.parse loses what those need: whether a number was an
 * integer literal (5 vs 5.0), integers beyond 2^53, and the key order of
 * objects with integer-like keys. This parser keeps them: integers are
 * bigints, floats numbers, objects Maps in Python dict order (a repeated key
 * keeps its first position and takes its last value).
 */
import { pyFiniteFloatRepr, pyStrRepr } from "../../../common/python-repr.ts";

export { pyStrRepr };

export type PyValue = null | boolean | string | PyInt | PyFloat | PyValue[] | PyDict;
export interface PyInt {
  readonly int: bigint;
}
export interface PyFloat {
  readonly float: number;
}
export type PyDict = Map<string, PyValue>;

export const isPyInt = (v: PyValue): v is PyInt => typeof v === "object" && v !== null && "int" in v;
export const isPyFloat = (v: PyValue): v is PyFloat => typeof v === "object" && v !== null && "float" in v;
export const isPyDict = (v: PyValue): v is PyDict => v instanceof Map;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Deeper documents fail in Python too (RecursionError). */
const MAX_DEPTH = 900;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

class Unparseable extends Error {}

/**
 * json.loads of the text with Zaqar's read_json rules: the document must be
 * an object or an array, integers must fit in signed 64 bits. Answers null
 * for anything Zaqar would call unparseable (bad UTF-8 included).
 */
export function parsePyJson(bytes: Uint8Array): PyValue[] | PyDict | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
  let i = 0;
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const fail = (): never => {
    throw new Unparseable();
  };

  function string(): string {
    let out = "";
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) fail();
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\\") {
        const e = text[i + 1] as string;
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail();
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          const r = ESCAPES[e];
          if (r === undefined) fail();
          out += r;
          i += 2;
        }
      } else {
        if ((c as string).charCodeAt(0) < 0x20) fail(); // strict: no raw control characters
        out += c;
        i++;
      }
    }
  }

  function value(depth: number): PyValue {
    if (depth > MAX_DEPTH) fail();
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const dict: PyDict = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return dict;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const key = string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        dict.set(key, value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return dict;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      const list: PyValue[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return list;
      }
      for (;;) {
        list.push(value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return list;
        } else fail();
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null], ["NaN", { float: NaN }], ["Infinity", { float: Infinity }], ["-Infinity", { float: -Infinity }]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m === null) return fail();
    i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = BigInt(m[0]);
      if (n < INT64_MIN || n > INT64_MAX) fail();
      return { int: n };
    }
    return { float: Number(m[0]) };
  }

  try {
    const doc = value(0);
    ws();
    if (i !== text.length) return null;
    return Array.isArray(doc) || isPyDict(doc) ? doc : null;
  } catch (err) {
    if (err instanceof Unparseable) return null;
    throw err;
  }
}

/** Python's repr() of a float. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  return pyFiniteFloatRepr(x);
}


/** Python's repr() of the value. */
export function pyRepr(v: PyValue): string {
  if (v === null) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "string") return pyStrRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (isPyDict(v)) return `{${[...v].map(([k, x]) => `${pyStrRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  if (isPyInt(v)) return v.int.toString();
  return pyFloatRepr(v.float);
}

/** Python's str() of the value (a str is itself; anything else its repr). */
export const pyStr = (v: PyValue): string => (typeof v === "string" ? v : pyRepr(v));

const DUMP_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A str as json.dumps(ensure_ascii=False) writes it (lone surrogates escaped, so the text stays valid UTF-8). */
function dumpString(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/[\u0000-\u001f"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => DUMP_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** json.dumps(value, ensure_ascii=False): how Zaqar answers a document it stored. */
export function pyDumps(v: PyValue): string {
  if (v === null) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "string") return dumpString(v);
  if (Array.isArray(v)) return `[${v.map(pyDumps).join(", ")}]`;
  if (isPyDict(v)) return `{${[...v].map(([k, x]) => `${dumpString(k)}: ${pyDumps(x)}`).join(", ")}}`;
  if (isPyInt(v)) return v.int.toString();
  if (Number.isNaN(v.float)) return "NaN";
  if (!Number.isFinite(v.float)) return v.float > 0 ? "Infinity" : "-Infinity";
  return pyFloatRepr(v.float);
}
