/**
 * JSON read as Python's json.loads reads it, and printed as Python prints it
 * (expected texts taken from CPython 3.11: repr() and json.dumps(ensure_ascii=False)).
 */
import test from "ava";
import { parsePyJson, pyDumps, pyFloatRepr, pyRepr, pyStr, type PyValue } from "../../../core/src/service/py-value.ts";

const parse = (text: string): PyValue | null => parsePyJson(Buffer.from(text, "utf8"));

test("integers and floats stay apart, integers exactly", (t) => {
  t.is(pyRepr(parse("[1, 1.0, 1e2, -0, -0.0, 123456789012345678, 9223372036854775807]")!), "[1, 1.0, 100.0, 0, -0.0, 123456789012345678, 9223372036854775807]");
});

test("objects keep Python's dict order: a repeated key keeps its place and takes its last value", (t) => {
  const doc = parse('{"b": 1, "a": 2, "b": 3, "1": 4}')!;
  t.is(pyRepr(doc), "{'b': 3, 'a': 2, '1': 4}");
  t.is(pyDumps(doc), '{"b": 3, "a": 2, "1": 4}');
});

test("NaN and the infinities are read, dumped as JSON's extensions and printed as Python floats", (t) => {
  const doc = parse('{"n": NaN, "i": Infinity, "m": -Infinity}')!;
  t.is(pyDumps(doc), '{"n": NaN, "i": Infinity, "m": -Infinity}');
  t.is(pyRepr(doc), "{'n': nan, 'i': inf, 'm': -inf}");
});

test("floats print with Python's shortest repr", (t) => {
  const cases: ReadonlyArray<readonly [number, string]> = [
    [0.1, "0.1"], [100, "100.0"], [1e-5, "1e-05"], [0.0001, "0.0001"], [1e16, "1e+16"], [1234567890123456.7, "1234567890123456.8"],
    [2.5e-7, "2.5e-07"], [1.5e300, "1.5e+300"], [-0, "-0.0"], [12345678901234567, "1.2345678901234568e+16"],
  ];
  for (const [x, repr] of cases) t.is(pyFloatRepr(x), repr, String(x));
});

test("strings print as Python's repr and dump with only JSON's escapes", (t) => {
  const doc = parse('{"s": "\\u00e9\\u0001\\n\\t\\"\\\\/ \\u2028 \\ud83d\\ude00", "q": "it\'s"}')!;
  t.is(pyRepr(doc), `{'s': 'é\\x01\\n\\t"\\\\/ \\u2028 😀', 'q': "it's"}`);
  t.is(pyDumps(doc), '{"s": "é\\u0001\\n\\t\\"\\\\/ \u2028 😀", "q": "it\'s"}');
  t.is(pyRepr(parse(`["both ' and \\""]`)!), `['both \\' and "']`);
});

test("str() of a value is the text of a string and the repr of anything else", (t) => {
  t.deepEqual((parse('["a", 5, 1.5, null, true, {"k": [1]}]') as PyValue[]).map(pyStr), ["a", "5", "1.5", "None", "True", "{'k': [1]}"]);
});

test("documents Zaqar calls unparseable are refused", (t) => {
  for (const text of ["", " ", "5", '"x"', "null", "{", "[1,]", "{'a': 1}", '{"a": 1} x', "\ufeff{}", '{"a": "\u0001"}', "[1e]", "[01]", '{"a": 9223372036854775808}', "[-9223372036854775809]", "[".repeat(1000)]) {
    t.is(parse(text), null, JSON.stringify(text.slice(0, 20)));
  }
  t.is(parsePyJson(new Uint8Array([0x5b, 0xc3, 0x28, 0x5d])), null);
  t.deepEqual(pyRepr(parse(" [ -9223372036854775808 , {} ] \n")!), "[-9223372036854775808, {}]");
});
