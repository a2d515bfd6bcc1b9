/** Python-compatible renderings the edge produces itself (float repr, json.dumps spacing). */
import test from "ava";
import { pyFloat, pySpaced } from "../../edge-rest/src/render.ts";

const floats: Array<[number, string]> = [
  [0.0004534721374511719, "0.0004534721374511719"],
  [1.811981201171875e-5, "1.811981201171875e-05"],
  [0.00020122528076171875, "0.00020122528076171875"],
  [0.021, "0.021"],
  [1e-5, "1e-05"],
  [0.0001, "0.0001"],
  [1, "1.0"],
  [123.5, "123.5"],
  [1e16, "1e+16"],
  [1234567890123456.7, "1234567890123456.8"],
  [0, "0.0"],
];

for (const [value, repr] of floats) {
  test(`pyFloat(${value}) is Python's repr ${repr}`, (t) => {
    t.is(pyFloat(value), repr);
  });
}


const spaced: Array<[string, string]> = [
  ['{"k":"v"}', '{"k": "v"}'],
  ['{"k": "v"}', '{"k": "v"}'],
  ['{ "a" :1 ,\n\t"b":[1,2,{"c":null}] }', '{"a": 1, "b": [1, 2, {"c": null}]}'],
  ['{"s":"a, b: c","e":"q\\"uote, \\\\","t":"x"}', '{"s": "a, b: c", "e": "q\\"uote, \\\\", "t": "x"}'],
  ['{"u":"ünï, cödé","n":-1.5e3}', '{"u": "ünï, cödé", "n": -1.5e3}'],
  ["{}", "{}"],
];

for (const [compact, python] of spaced) {
  test(`pySpaced(${compact}) is ${python}`, (t) => {
    t.is(pySpaced(compact), python);
  });
}
