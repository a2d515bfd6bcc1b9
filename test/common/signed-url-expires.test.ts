/**
 * Expiry texts read as upstream reads them (signed-urls.md §1): Python's
 * int() test, the iso8601 package's grammar and errors, normalisation to
 * naive UTC.
 */
import test from "ava";
import { formatExpires, isPyIntText, parseExpires } from "../../common/signed-url-expires.ts";

const ok = (text: string) => {
  const e = parseExpires(text);
  return e.ok ? e.text : `error: ${e.message}`;
};

test("timezones are normalised to naive UTC, fractions dropped", (t) => {
  t.is(ok("2030-01-01T02:00:00+02:00"), "2030-01-01T00:00:00");
  t.is(ok("2030-01-01T00:00:00.123Z"), "2030-01-01T00:00:00");
  t.is(ok("2029-12-31T21:30:00-02:30"), "2030-01-01T00:00:00");
  t.is(ok("2030-01-01T00:00:00-0130"), "2030-01-01T01:30:00");
  t.is(ok("2030-01-01T05:00:00+05"), "2030-01-01T00:00:00");
  t.is(ok("2030-01-01T00:00:00"), "2030-01-01T00:00:00");
  const e = parseExpires("2030-01-01T00:00:00.123456Z");
  t.true(e.ok && e.ms === Date.UTC(2030, 0, 1, 0, 0, 0, 123));
});

test("the iso8601 package's shorter forms parse", (t) => {
  t.is(ok("2030-06"), "2030-06-01T00:00:00");
  t.is(ok("2030-6-7"), "2030-06-07T00:00:00");
  t.is(ok("2030-06-07 08:09"), "2030-06-07T08:09:00");
  t.is(ok("20300607T0809"), "2030-06-07T08:09:00");
  t.is(ok("2030-06-07T08"), "2030-06-07T08:00:00");
  t.is(ok("2030-06-07T08:09:05,5"), "2030-06-07T08:09:05");
  t.is(ok("2030-06-07T08:09:05\n"), "2030-06-07T08:09:05");
});

test("integer-like texts are refused with upstream's text, as Python's int() accepts them", (t) => {
  for (const text of ["1700000000", " 12 ", "+5", "-5", "1_000", "\u0661\u0662", "2030", "20300101"]) {
    t.true(isPyIntText(text), text);
    t.is(ok(text), `error: \`expires\` should be date format, for example 2016-01-01T00:00:00, not integer value: ${text}`);
  }
  for (const text of ["1__0", "_1", "1_", "", " ", "1.0", "0x10", "1".repeat(4301)]) t.false(isPyIntText(text), text);
});

test("unparsable texts are refused with iso8601's text and Python's repr", (t) => {
  t.is(ok("notadate"), "error: Unable to parse date string 'notadate'");
  t.is(ok(""), "error: Unable to parse date string ''");
  t.is(ok("it's"), `error: Unable to parse date string "it's"`);
  t.is(ok("a\tb\\"), "error: Unable to parse date string 'a\\tb\\\\'");
  t.is(ok("2030-01x"), "error: Unable to parse date string '2030-01x'");
  t.is(ok("2030-01-01T"), "error: Unable to parse date string '2030-01-01T'");
  t.is(ok("2030-01-01T00:00:00 "), "error: Unable to parse date string '2030-01-01T00:00:00 '");
});

test("out-of-range fields get Python's datetime texts, in its order", (t) => {
  t.is(ok("0000-01-01"), "error: year 0 is out of range");
  t.is(ok("2030-13-01"), "error: month must be in 1..12");
  t.is(ok("2030-00-01"), "error: month must be in 1..12");
  t.is(ok("2030-02-29"), "error: day is out of range for month");
  t.is(ok("2032-02-29"), "2032-02-29T00:00:00");
  t.is(ok("2030-01-01T24:00"), "error: hour must be in 0..23");
  t.is(ok("2030-01-01T23:60"), "error: minute must be in 0..59");
  t.is(ok("2030-01-01T23:59:60"), "error: second must be in 0..59");
  t.is(
    ok("2030-13-01T00:00:00+25:00"),
    "error: offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=1, seconds=3600).",
  );
  t.is(
    ok("2030-01-01T00:00:00-24:00"),
    "error: offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not datetime.timedelta(days=-1).",
  );
  t.is(ok("0001-01-01T00:00:00+01:00"), "error: date value out of range");
  t.is(ok("9999-12-31T23:00:00-02:00"), "error: date value out of range");
});

test("expiries are formatted as UTC seconds without a zone", (t) => {
  t.is(formatExpires(Date.UTC(2023, 6, 6, 4, 35, 56, 999)), "2023-07-06T04:35:56");
});
