/**
 * The length of Python 3's str() of a JSON value, without building the text.
 *
 * Zaqar's WebSocket transport limits a message post by `len(str(messages))`
 * and queue_create metadata by `len(str(metadata))`: the character count
 * (code points, not UTF-8 bytes) of the repr of what json.loads returned.
 * Matches Python 3.11 except for the approximations noted below.
 */

/** Printable ASCII other than `'` and `\`: such a string's repr is the string in single quotes. */
const PLAIN = /^[\x20-\x26\x28-\x5b\x5d-\x7e]*$/;
/** Printable ASCII: nothing in the string can be non-printable or astral. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/**
 * Code points that str.isprintable() rejects: categories Cc, Cf, Cs (lone
 * surrogates), Co, Cn, Zl, Zp and Zs other than the ASCII space. V8 knows a
 * newer Unicode than Python 3.11 (14.0): a character assigned since (about 15000
 * code points under Node 20's Unicode 17, e.g. newer emoji) is escaped by Python
 * as unassigned but counted here as printable, 5 (BMP) or 9 characters short.
 */
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]|[^\P{Zs} ]/gu;
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

function countChar(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function countMatches(s: string, re: RegExp): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(s) !== null) n++;
  return n;
}

/** Extra characters the escape of a non-printable code point adds to the one it replaces. */
function escapeExtra(cp: number): number {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d) return 1; // \t \n \r
  if (cp < 0x100) return 3; // \xNN
  if (cp < 0x10000) return 5; // \uNNNN
  return 9; // \UNNNNNNNN
}

/** len(repr(s)) for a Python str. */
function strReprLength(s: string): number {
  if (PLAIN.test(s)) return s.length + 2;
  let n = s.length + 2 + countChar(s, "\\");
  // Python quotes with " only when the string has ' and no "; otherwise each ' is escaped.
  if (s.includes("'") && s.includes('"')) n += countChar(s, "'");
  if (PRINTABLE_ASCII.test(s)) return n;
  n -= countMatches(s, SURROGATE_PAIR); // an astral character is one code point
  NON_PRINTABLE.lastIndex = 0;
  for (let m = NON_PRINTABLE.exec(s); m !== null; m = NON_PRINTABLE.exec(s)) {
    n += escapeExtra(m[0].codePointAt(0) as number);
  }
  return n;
}

/** len(repr(i)) for a Python int holding an integral double. */
function intReprLength(x: number): number {
  // Below 1e21 String() writes every digit; above it switches to exponent form.
  return Math.abs(x) < 1e21 ? String(x).length : BigInt(x).toString().length;
}

/**
 * len(repr(f)) for a Python float. Both languages pick the shortest digits that
 * round-trip, so only the layout differs: Python writes an exponent (sign and at
 * least two digits) when the decimal exponent is < -4 or >= 16.
 */
function floatReprLength(x: number): number {
  if (Number.isNaN(x)) return 3; // nan
  if (!Number.isFinite(x)) return x > 0 ? 3 : 4; // inf, -inf
  const [mantissa = "", exponent = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.length - (mantissa.includes(".") ? 1 : 0);
  const exp = Number(exponent);
  const sign = x < 0 ? 1 : 0;
  if (exp < -4 || exp >= 16) {
    return sign + digits + (digits > 1 ? 1 : 0) + 2 + Math.max(2, String(Math.abs(exp)).length); // d.ddde-05
  }
  if (exp < 0) return sign + 2 + (-exp - 1) + digits; // 0.000ddd
  return sign + (digits > exp + 1 ? digits + 1 : exp + 3); // ddd.ddd, or ddd.0 when integral
}

/**
 * len(str(value)) in Python 3 for a value JSON.parse produced: the character
 * count (code points) of its repr.
 *
 * For a container (the callers' case) that is the repr; a top-level string
 * counts its own code points, without quotes or escapes, as str() does.
 *
 * Approximation: JSON.parse cannot tell `1.0` from `1`, so every number for
 * which Number.isInteger holds is counted as a Python int (`1`, not `1.0`;
 * `15000000000000000`, not `1.5e+16`, since every double >= 2**53 is integral).
 * Other numbers are counted as Python floats.
 *
 * Walks containers with an explicit stack, so deeply nested input cannot
 * overflow the call stack.
 */
export function pyReprLength(value: unknown): number {
  // str() of a str is the string itself; only inside containers is it repr'd.
  if (typeof value === "string") return value.length - countMatches(value, SURROGATE_PAIR);
  let total = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === null) total += 4; // None
    else if (typeof v === "string") total += strReprLength(v);
    else if (typeof v === "number") total += Number.isInteger(v) ? intReprLength(v) : floatReprLength(v);
    else if (typeof v === "boolean") total += v ? 4 : 5;
    else if (typeof v === "bigint") total += v.toString().length;
    else if (Array.isArray(v)) {
      total += v.length === 0 ? 2 : 2 * v.length; // brackets, and ", " between items
      for (const item of v) pending.push(item);
    } else if (typeof v === "object") {
      const keys = Object.keys(v);
      total += keys.length === 0 ? 2 : 4 * keys.length; // braces, ": " per item, ", " between items
      const record = v as Record<string, unknown>;
      for (const key of keys) {
        total += strReprLength(key);
        pending.push(record[key]);
      }
    } else {
      throw new TypeError(`pyReprLength: not a JSON value (${typeof v})`);
    }
  }
  return total;
}
