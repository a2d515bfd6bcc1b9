/**
 * The admin API's documents checked with Zaqar's schemas. The expected texts
 * are what Zaqar's wsgi_utils.validate answers for the same document and
 * schema under Python's jsonschema (4.10.3, Debian's, and 4.26.0 agree on
 * every case): `'{0}: {1}'.format(ex.args, ex.message)`.
 */
import test from "ava";
import { FLAVOR_CREATE, FLAVOR_PATCH, POOL_CREATE, POOL_PATCH, readFlavorCreate, readFlavorPatch, readPoolCreate, readPoolPatch } from "../../../core/src/service/catalog-docs.ts";
import { schemaFailure, validate, type Schema } from "../../../core/src/service/json-schema.ts";
import { parsePyJson } from "../../../core/src/service/py-value.ts";

const part = (name: string): Schema => POOL_PATCH.find(([k]) => k === name)![1];
const schemas: Readonly<Record<string, Schema>> = {
  create: POOL_CREATE,
  fcreate: FLAVOR_CREATE,
  fpatch: FLAVOR_PATCH,
  pw: part("weight"),
  pu: part("uri"),
  pf: part("flavor"),
  po: part("options"),
};

/** [schema, document, Zaqar's description or null when valid]. */
const CASES: ReadonlyArray<readonly [string, string, string | null]> = [
  ["create", "{}", "(\"'uri' is a required property\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'uri' is a required property"],
  ["create", "[]", "(\"[] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): [] is not of type 'object'"],
  ["create", "[1, \"a\"]", "(\"[1, 'a'] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): [1, 'a'] is not of type 'object'"],
  ["create", "{\"weight\": \"x\", \"uri\": 5}", "(\"'x' is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'x' is not of type 'integer'"],
  ["create", "{\"weight\": 1, \"uri\": 5}", "(\"5 is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 5 is not of type 'string'"],
  ["create", "{\"weight\": true, \"uri\": \"u\"}", "(\"True is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): True is not of type 'integer'"],
  ["create", "{\"weight\": 1.0, \"uri\": \"u\"}", "(\"1.0 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 1.0 is not of type 'integer'"],
  ["create", "{\"weight\": 1e2, \"uri\": \"u\"}", "(\"100.0 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 100.0 is not of type 'integer'"],
  ["create", "{\"weight\": -1, \"uri\": \"u\"}", "('-1 is less than the minimum of 0', <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): -1 is less than the minimum of 0"],
  ["create", "{\"weight\": 4294967296, \"uri\": \"u\"}", "('4294967296 is greater than the maximum of 4294967295', <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 4294967296 is greater than the maximum of 4294967295"],
  ["create", "{\"weight\": 9223372036854775807, \"uri\": \"u\"}", "('9223372036854775807 is greater than the maximum of 4294967295', <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 9223372036854775807 is greater than the maximum of 4294967295"],
  ["create", "{\"weight\": 4294967295, \"uri\": \"u\"}", null],
  ["create", "{\"weight\": 1}", "(\"'uri' is a required property\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'uri' is a required property"],
  ["create", "{\"uri\": \"u\"}", "(\"'weight' is a required property\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'weight' is a required property"],
  ["create", "{\"weight\": null, \"uri\": \"u\"}", "(\"None is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): None is not of type 'integer'"],
  ["create", "{\"weight\": 1, \"uri\": null}", "(\"None is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): None is not of type 'string'"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"flavor\": null}", "(\"None is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): None is not of type 'string'"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"flavor\": 7, \"uri\": 8}", "(\"7 is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 7 is not of type 'string'"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"options\": []}", "(\"[] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): [] is not of type 'object'"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"options\": \"x\"}", "(\"'x' is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'x' is not of type 'object'"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"zz\": 1, \"b\": 1, \"é\": 2, \"Z\": 3}", "(\"Additional properties are not allowed ('Z', 'b', 'zz', 'é' were unexpected)\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): Additional properties are not allowed ('Z', 'b', 'zz', 'é' were unexpected)"],
  ["create", "{\"weight\": 1, \"uri\": \"u\", \"group\": \"g\"}", "(\"Additional properties are not allowed ('group' was unexpected)\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): Additional properties are not allowed ('group' was unexpected)"],
  ["create", "{\"weight\": 1, \"uri\": \"it's \\\"q\\\"\"}", null],
  ["create", "{\"weight\": \"it's\", \"uri\": \"u\"}", "('\"it\\'s\" is not of type \\'integer\\'', <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): \"it's\" is not of type 'integer'"],
  ["create", "{\"weight\": {\"b\": [1, {\"1\": 2.5e-7}], \"a\": \"x\"}, \"uri\": \"u\"}", "(\"{'b': [1, {'1': 2.5e-07}], 'a': 'x'} is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): {'b': [1, {'1': 2.5e-07}], 'a': 'x'} is not of type 'integer'"],
  ["create", "{\"weight\": 1.5e300, \"uri\": \"u\"}", "(\"1.5e+300 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 1.5e+300 is not of type 'integer'"],
  ["create", "{\"weight\": -0.0, \"uri\": \"u\"}", "(\"-0.0 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): -0.0 is not of type 'integer'"],
  ["create", "{\"weight\": 12345678901234567.0, \"uri\": \"u\"}", "(\"1.2345678901234568e+16 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 1.2345678901234568e+16 is not of type 'integer'"],
  ["create", "{\"weight\": 0.0001, \"uri\": \"u\"}", "(\"0.0001 is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 0.0001 is not of type 'integer'"],
  ["create", "{\"weight\": NaN, \"uri\": \"u\"}", "(\"nan is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): nan is not of type 'integer'"],
  ["create", "{\"weight\": -Infinity, \"uri\": \"u\"}", "(\"-inf is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): -inf is not of type 'integer'"],
  ["fcreate", "{}", "('{} is not valid under any of the given schemas', <unset>, (), None, [<ValidationError: \"'pool_list' is a required property\">], <unset>, <unset>, <unset>, (), None): {} is not valid under any of the given schemas"],
  ["fcreate", "{\"capabilities\": {}, \"x\": [1.0, true, null]}", "(\"{'capabilities': {}, 'x': [1.0, True, None]} is not valid under any of the given schemas\", <unset>, (), None, [<ValidationError: \"'pool_list' is a required property\">], <unset>, <unset>, <unset>, (), None): {'capabilities': {}, 'x': [1.0, True, None]} is not valid under any of the given schemas"],
  ["fcreate", "{\"pool_list\": \"a\"}", "(\"'a' is not of type 'array'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'a' is not of type 'array'"],
  ["fcreate", "{\"pool_list\": [], \"extra\": 1}", "(\"Additional properties are not allowed ('extra' was unexpected)\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): Additional properties are not allowed ('extra' was unexpected)"],
  ["fcreate", "{\"pool_list\": [\"a\"], \"capabilities\": []}", "(\"[] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): [] is not of type 'object'"],
  ["fcreate", "[]", "(\"[] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): [] is not of type 'object'"],
  ["fpatch", "{\"pool_list\": {\"a\": 1}}", "(\"{'a': 1} is not of type 'array'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): {'a': 1} is not of type 'array'"],
  ["fpatch", "[\"pool_list\"]", "(\"['pool_list'] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ['pool_list'] is not of type 'object'"],
  ["pw", "{\"weight\": \"1\"}", "(\"'1' is not of type 'integer'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): '1' is not of type 'integer'"],
  ["pu", "{\"uri\": [\"u\"]}", "(\"['u'] is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ['u'] is not of type 'string'"],
  ["pf", "{\"flavor\": false}", "(\"False is not of type 'string'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): False is not of type 'string'"],
  ["po", "{\"options\": 1}", "(\"1 is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 1 is not of type 'object'"],
  ["pw", "[\"weight\"]", "(\"['weight'] is not of type 'object'\", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ['weight'] is not of type 'object'"],
];

const bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");

test("each document fails with the message jsonschema gives, or passes", (t) => {
  for (const [name, doc, expected] of CASES) {
    const value = parsePyJson(bytes(doc));
    if (value === null) throw new Error(`unparseable case ${doc}`);
    const found = validate(value, schemas[name]!);
    t.is(found === null ? null : schemaFailure(found).description, expected, `${name} ${doc}`);
  }
});

test("a uri or flavor of 256 characters is too long; 255 pass", (t) => {
  const long = "é".repeat(256);
  const quoted = `'${long}' is too long`;
  t.is(
    schemaFailure(validate(parsePyJson(bytes(JSON.stringify({ weight: 1, uri: long })))!, POOL_CREATE)!).description,
    `("${quoted}", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ${quoted}`,
  );
  t.is(validate(parsePyJson(bytes(JSON.stringify({ weight: 1, uri: "u", flavor: "x".repeat(255) })))!, POOL_CREATE), null);
});

test("a pool document is answered with its fields: flavor null when absent or empty, options as json.dumps writes them", (t) => {
  t.deepEqual(readPoolCreate(bytes('{"uri": "memory:", "weight": 0}')), { uri: "memory:", weight: 0, flavor: null, options: "{}" });
  t.deepEqual(readPoolCreate(bytes('{"uri": "u", "weight": 4294967295, "flavor": "", "options": {"b":1.50,"a":[]}}')), {
    uri: "u", weight: 4294967295, flavor: null, options: '{"b": 1.5, "a": []}',
  });
  t.deepEqual(readPoolPatch(bytes('{"flavor": "", "x": 1}')), { flavor: null });
  t.deepEqual(readPoolPatch(bytes('{"weight": 3, "uri": "u", "flavor": "g", "options": {}}')), { weight: 3, uri: "u", flavor: "g", options: "{}" });
});

test("a pool PATCH must name one of its fields (a list naming one fails the object check instead)", (t) => {
  const none = "One of `uri`, `weight`, `flavor`, or `options` needs to be specified";
  t.is(t.throws(() => readPoolPatch(bytes("{}")))?.message, none);
  t.is(t.throws(() => readPoolPatch(bytes('["x"]')))?.message, none);
  t.regex(t.throws(() => readPoolPatch(bytes('["options"]')))?.message ?? "", /\['options'\] is not of type 'object'$/);
});

test("flavor documents answer their pool_list as sent", (t) => {
  t.deepEqual(readFlavorCreate(bytes('{"pool_list": ["a", "b", "a"], "capabilities": {"x": 1}}')), ["a", "b", "a"]);
  t.deepEqual(readFlavorPatch(bytes('{"pool_list": [], "other": 1}')), []);
  t.is(t.throws(() => readFlavorPatch(bytes('{"pools": []}')))?.message, "`pool_list` needs to be specified");
  t.is(t.throws(() => readFlavorPatch(bytes("[]")))?.message, "`pool_list` needs to be specified");
  for (const text of ["", "nope", "1", '{"pool_list": [1e999999999999999999999]}x']) {
    t.is(t.throws(() => readFlavorCreate(bytes(text)))?.message, "JSON could not be parsed.", text);
  }
});
