/** Python-compatible JSON helpers used in Zaqar's texts and checks. */
import test from "ava";
import { hasOversizedInteger, pyListRepr, pyStrRepr, pyTruthy } from "../../../core/src/service/json.ts";

test("pyStrRepr quotes like Python", (t) => {
  t.is(pyStrRepr("a"), "'a'");
  t.is(pyStrRepr("it's"), '"it\'s"');
  t.is(pyStrRepr(`a'b"c`), "'a\\'b\"c'");
  t.is(pyStrRepr("a\\b\n"), "'a\\\\b\\n'");
  t.is(pyStrRepr("é"), "'é'");
  t.is(pyListRepr(["a", "b", "c"]), "['a', 'b', 'c']");
  t.is(pyListRepr([]), "[]");
});

test("integers outside signed 64-bit are found, digits inside strings are not", (t) => {
  t.false(hasOversizedInteger('{"a": 9223372036854775807, "b": -9223372036854775808}'));
  t.true(hasOversizedInteger('{"a": 9223372036854775808}'));
  t.true(hasOversizedInteger('[1, -9223372036854775809]'));
  t.false(hasOversizedInteger('{"s": "99999999999999999999999"}'));
  t.false(hasOversizedInteger('{"s": "\\"99999999999999999999999"}'));
  t.false(hasOversizedInteger('{"f": 99999999999999999999999.5, "e": 1e400}'));
});

test("Python truthiness of JSON values", (t) => {
  for (const v of [null, false, 0, "", [], {}]) t.false(pyTruthy(v), JSON.stringify(v));
  for (const v of [true, 1, -1, "x", [0], { a: 0 }]) t.true(pyTruthy(v), JSON.stringify(v));
});
