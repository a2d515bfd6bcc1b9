/**
 * JSON as Python's json.dumps writes it by default (", " and ": " between
 * tokens, every non-ASCII character escaped): what upstream Zaqar sends to
 * subscribers, and so what they may compare byte for byte.
 */

const hex4 = (code: number): string => `\\u${code.toString(16).padStart(4, "0")}`;

const SHORT: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };

/** A str as json.dumps(ensure_ascii=True) writes it. */
export function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    const code = s.charCodeAt(i);
    if (code >= 0x20 && code <= 0x7e && ch !== '"' && ch !== "\\") out += ch;
    else out += SHORT[ch] ?? hex4(code); // UTF-16 units: astral characters become surrogate pairs, as in Python
  }
  return `${out}"`;
}

/** json.dumps(value) for the JSON values this service builds (integers, strings, booleans, null, arrays, objects). */
export function pyDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return pyString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(", ")}]`;
  if (typeof value === "object") {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${pyString(k)}: ${pyDumps(v)}`);
    return `{${parts.join(", ")}}`;
  }
  return "null";
}
