/** Python-compatible renderings the edge produces itself (float repr, str repr). */
import test from "ava";
import { pyFloat } from "../../edge-rest/src/render.ts";

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

