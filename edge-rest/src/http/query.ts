/**
 * Query strings parsed the way Zaqar's Falcon app parses them
 * (auto_parse_qs_csv = True, keep_blank_qs_values = False), and Falcon's typed
 * getters with their exact "Invalid parameter" errors.
 */
import { invalidParam } from "../errors.ts";

/** Parsed query: a value per name, or a list when repeated or comma-separated. */
export type Query = Map<string, string | string[]>;

const EMPTY: Query = new Map();

/** Percent-decoding with '+' as space; invalid escapes stay as they are, bad UTF-8 becomes U+FFFD. */
export function decodeQueryComponent(raw: string): string {
  const s = raw.indexOf("+") < 0 ? raw : raw.replaceAll("+", " ");
  if (s.indexOf("%") < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    const bytes: number[] = [];
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
        bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
        i += 2;
      } else {
        for (const b of Buffer.from(s[i] as string, "utf8")) bytes.push(b);
      }
    }
    return Buffer.from(bytes).toString("utf8");
  }
}

/**
 * Falcon's parse_query_string: fields split on '&', name and value on the first
 * '='; blank values are dropped; a value with ',' becomes a list (split before
 * decoding, blank elements dropped); a repeated name accumulates a list.
 */
export function parseQuery(raw: string): Query {
  if (raw === "") return EMPTY;
  const params: Query = new Map();
  for (const field of raw.split("&")) {
    const eq = field.indexOf("=");
    if (eq < 0 || eq === field.length - 1) continue;
    const name = decodeQueryComponent(field.slice(0, eq));
    const value = field.slice(eq + 1);
    const old = params.get(name);
    if (value.indexOf(",") >= 0) {
      const items: string[] = [];
      for (const item of value.split(",")) if (item !== "") items.push(decodeQueryComponent(item));
      if (old === undefined) params.set(name, items);
      else if (Array.isArray(old)) old.push(...items);
      else params.set(name, [old, ...items]);
    } else {
      const decoded = decodeQueryComponent(value);
      if (old === undefined) params.set(name, decoded);
      else if (Array.isArray(old)) old.push(decoded);
      else params.set(name, [old, decoded]);
    }
  }
  return params;
}

/** Falcon get_param: the value, the last one of a list. */
export function getParam(q: Query, name: string): string | undefined {
  const v = q.get(name);
  if (v === undefined || !Array.isArray(v)) return v;
  return v[v.length - 1];
}

/** Falcon get_param_as_list. */
export function getList(q: Query, name: string): string[] | undefined {
  const v = q.get(name);
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

const INT = /^[+-]?\d+(?:_\d+)*$/;
const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

/**
 * Falcon get_param_as_int (Python int(): surrounding whitespace, a sign and
 * digit-separating underscores are fine). Values beyond int32 are clamped:
 * the core's range checks reject them with the same text either way.
 */
export function getInt(q: Query, name: string): number | undefined {
  const raw = getParam(q, name);
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (!INT.test(text)) throw invalidParam(name, "The value must be an integer.");
  const n = Number(text.replaceAll("_", ""));
  return n > INT32_MAX ? INT32_MAX : n < INT32_MIN ? INT32_MIN : n;
}

const TRUE = new Set(["true", "True", "t", "yes", "y", "1", "on"]);
const FALSE = new Set(["false", "False", "f", "no", "n", "0", "off"]);

/** Falcon get_param_as_bool: exactly these spellings, case included. */
export function getBool(q: Query, name: string): boolean | undefined {
  const raw = getParam(q, name);
  if (raw === undefined) return undefined;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw invalidParam(name, 'The value of the parameter must be "true" or "false".');
}

/** Percent-encodes all but RFC 3986 unreserved characters (Falcon's encode_value). */
export function encodeValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Falcon's to_query_str over ordered [name, value] pairs: booleans as
 * true/false, values percent-encoded. Answers "" for no pairs, else "?...".
 */
export function toQueryString(pairs: ReadonlyArray<readonly [string, string | number | boolean]>): string {
  let out = "";
  for (const [name, value] of pairs) {
    out += `${out === "" ? "?" : "&"}${name}=${typeof value === "string" ? encodeValue(value) : String(value)}`;
  }
  return out;
}
