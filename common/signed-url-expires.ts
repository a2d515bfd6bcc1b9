/**
 * A signed URL's expiry text, read as upstream Zaqar reads it
 * (../shared/spec/signed-urls.md §1, §3): Python's int() test first (an
 * integer-like text is refused), then oslo's parse_isotime (the iso8601
 * package: its grammar and its error texts), then normalisation to naive UTC
 * and "%Y-%m-%dT%H:%M:%S".
 *
 * Process-neutral (the core's share handler and the edges' verifiers both
 * read expiries here, so they can never disagree); imports nothing outside common/.
 */
import { pyStrRepr } from "./python-repr.ts";

export { pyStrRepr };

export type Expiry =
  /** `ms`: the instant (Unix ms, fraction below the millisecond dropped); `text`: its "%Y-%m-%dT%H:%M:%S" in UTC. */
  | { readonly ok: true; readonly ms: number; readonly text: string }
  /** `integer`: Python's int() accepts the text; `invalid`: it does not parse as a date (message: upstream's text). */
  | { readonly ok: false; readonly kind: "integer" | "invalid"; readonly message: string };

/** Upstream's refusal of an integer expiry; `shown` is Python's str() of the value. */
export const integerExpiresText = (shown: string): string =>
  `\`expires\` should be date format, for example 2016-01-01T00:00:00, not integer value: ${shown}`;

/** Python's str.isspace() characters, which int() strips around its digits. */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** What Python's int(text) accepts: optional sign, decimal digits (any script) with single underscores between them. */
const PY_INT = new RegExp(`^[${PY_SPACE}]*[+-]?\\p{Nd}+(?:_\\p{Nd}+)*[${PY_SPACE}]*$`, "u");
/** Python 3.11's int() refuses texts of more digits than this (sys.get_int_max_str_digits()). */
const PY_INT_MAX_DIGITS = 4300;

/** Whether Python's int() accepts the text. */
export function isPyIntText(text: string): boolean {
  if (!PY_INT.test(text)) return false;
  let digits = 0;
  for (const ch of text) if (/\p{Nd}/u.test(ch)) digits++;
  return digits <= PY_INT_MAX_DIGITS;
}

/**
 * The iso8601 package's grammar (version 1.x/2.x, used by Zaqar 15): YYYY,
 * YYYY-M[M], YYYY-M[M]-D[D] or YYYYMMDD, then optionally " " or "T", HH,
 * [:]MM, [:]S[S][.,fraction] and Z or ±HH[[:]MM]. Python's re.match with a
 * final `$` (which also matches before one trailing newline), ASCII digits.
 */
const ISO8601 = new RegExp(
  "^(?<year>[0-9]{4})" +
    "(?:(?:-(?<monthdash>[0-9]{1,2})|(?<month>[0-9]{2})(?!\\n?$))" +
    "(?:(?:-(?<daydash>[0-9]{1,2})|(?<day>[0-9]{2}))" +
    "(?:[ T](?<hour>[0-9]{2})(?::?(?<minute>[0-9]{2}))?(?::?(?<second>[0-9]{1,2})(?:[.,](?<fraction>[0-9]+))?)?" +
    "(?<tz>Z|(?<tzsign>[-+])(?<tzhour>[0-9]{2}):?(?<tzminute>[0-9]{2})?)?)?)?)?\\n?$",
);


/** Python's repr() of a datetime.timedelta of whole seconds. */
function timedeltaRepr(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86400);
  const seconds = totalSeconds - days * 86400;
  const parts = [...(days !== 0 ? [`days=${days}`] : []), ...(seconds !== 0 ? [`seconds=${seconds}`] : [])];
  return `datetime.timedelta(${parts.length === 0 ? "0" : parts.join(", ")})`;
}

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Unix ms of a proleptic Gregorian UTC time (years 0..99 too, which Date.UTC would move to the 1900s). */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number, ms: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(h, m, s, ms);
  return d.getTime();
}

/** datetime.min and datetime.max, the range normalisation must stay in. */
const MIN_MS = utcMs(1, 1, 1, 0, 0, 0, 0);
const MAX_MS = utcMs(9999, 12, 31, 23, 59, 59, 999);

const invalid = (message: string): Expiry => ({ ok: false, kind: "invalid", message });

/** The checks of Python's datetime(...) constructor, in its order; null when the fields make a date. */
function datetimeError(year: number, month: number, day: number, hour: number, minute: number, second: number): string | null {
  if (year < 1) return `year ${year} is out of range`;
  if (month < 1 || month > 12) return "month must be in 1..12";
  const days = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > days) return "day is out of range for month";
  if (hour > 23) return "hour must be in 0..23";
  if (minute > 59) return "minute must be in 0..59";
  if (second > 59) return "second must be in 0..59";
  return null;
}

/** "%Y-%m-%dT%H:%M:%S" of a Unix ms time, in UTC (seconds truncated). */
export function formatExpires(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/**
 * Reads an expiry text. The caller compares `ms` with the current time
 * (upstream: "`expires` is lower than the current time" when it is earlier).
 */
export function parseExpires(text: string): Expiry {
  if (isPyIntText(text)) return { ok: false, kind: "integer", message: integerExpiresText(text) };
  const m = ISO8601.exec(text);
  const g = m?.groups;
  if (!g) return invalid(`Unable to parse date string ${pyStrRepr(text)}`);
  const num = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : Number(v));
  const year = Number(g["year"]);
  const month = num(g["month"] ?? g["monthdash"], 1);
  const day = num(g["day"] ?? g["daydash"], 1);
  const hour = num(g["hour"], 0);
  const minute = num(g["minute"], 0);
  const second = num(g["second"], 0);
  // Decimal("0.<digits>") * 1000000 truncated: the first six digits are the microseconds.
  const ms = Math.floor(Number((g["fraction"] ?? "").slice(0, 6).padEnd(6, "0")) / 1000);
  // Python evaluates the tzinfo argument (datetime.timezone's range check) before datetime's own checks.
  let offsetSeconds = 0;
  if (g["tzsign"] !== undefined) {
    const sign = g["tzsign"] === "-" ? -1 : 1;
    offsetSeconds = sign * (Number(g["tzhour"]) * 3600 + num(g["tzminute"], 0) * 60);
    if (offsetSeconds <= -86400 || offsetSeconds >= 86400) {
      return invalid(
        "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), " +
          `not ${timedeltaRepr(offsetSeconds)}.`,
      );
    }
  }
  const wrong = datetimeError(year, month, day, hour, minute, second);
  if (wrong !== null) return invalid(wrong);
  // oslo's normalize_time: subtract the offset and drop the zone (OverflowError outside datetime's range).
  const at = utcMs(year, month, day, hour, minute, second, ms) - offsetSeconds * 1000;
  if (at < MIN_MS || at > MAX_MS) return invalid("date value out of range");
  return { ok: true, ms: at, text: formatExpires(at) };
}
