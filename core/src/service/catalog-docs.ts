/**
 * The pool documents of the admin API (rest-admin-pools-flavors-health.md
 * §3), read with Zaqar's schemas (zaqar/common/api/schemas/pools.py) and
 * texts, and the flavor documents (§4, schemas/flavors.py).
 */
import { ZaqarError } from "../errors.ts";
import { requireValid, type Schema } from "./json-schema.ts";
import { isPyDict, isPyInt, parsePyJson, pyDumps, type PyDict, type PyValue } from "./py-value.ts";

const WEIGHT: Schema = [["type", "integer"], ["minimum", 0], ["maximum", 2 ** 32 - 1]];
const URI: Schema = [["type", "string"], ["maxLength", 255]]; // plus minLength 0 and format "uri", which check nothing
const FLAVOR: Schema = [["type", "string"], ["maxLength", 255]];
const OPTIONS: Schema = [["type", "object"]];

/** Zaqar's `create` schema for PUT /v2/pools/{pool}. */
export const POOL_CREATE: Schema = [
  ["type", "object"],
  ["properties", [["weight", WEIGHT], ["flavor", FLAVOR], ["uri", URI], ["options", OPTIONS]]],
  ["required", ["uri", "weight"]],
  ["additionalProperties", false],
];

/** PATCH validates the document against one small schema per field, in this order. */
export const POOL_PATCH: ReadonlyArray<readonly [string, Schema]> = [
  ["weight", [["type", "object"], ["properties", [["weight", WEIGHT]]]]],
  ["uri", [["type", "object"], ["properties", [["uri", URI]]]]],
  ["flavor", [["type", "object"], ["properties", [["flavor", FLAVOR]]]]],
  ["options", [["type", "object"], ["properties", [["options", OPTIONS]]]]],
];

/** Zaqar's `create` schema for PUT /v2/flavors/{flavor}. */
export const FLAVOR_CREATE: Schema = [
  ["type", "object"],
  ["properties", [["pool_list", [["type", "array"]]], ["capabilities", [["type", "object"]]]]],
  ["oneOf", [[["required", ["pool_list"]]]]],
  ["additionalProperties", false],
];

export const FLAVOR_PATCH: Schema = [["type", "object"], ["properties", [["pool_list", [["type", "array"]]]]]];

/** Zaqar's wsgi_utils.load: any body that is not a JSON object or array. */
const unparseable = (): ZaqarError => new ZaqarError("INVALID_BODY", "JSON could not be parsed.");

function load(body: Uint8Array): PyValue[] | PyDict {
  const doc = parsePyJson(body);
  if (doc === null) throw unparseable();
  return doc;
}

/** Python's `name in doc` for a dict (a key) or a list (an element). */
const holds = (doc: PyValue[] | PyDict, name: string): boolean => (isPyDict(doc) ? doc.has(name) : doc.includes(name));

export interface PoolDocument {
  readonly uri: string;
  readonly weight: number;
  /** null for none ("" counts as none). */
  readonly flavor: string | null;
  /** json.dumps of the options object; "{}" when absent. */
  readonly options: string;
}

/** A validated weight (an integer in 0..2^32-1). */
const weightOf = (v: PyValue | undefined): number => (v !== undefined && isPyInt(v) ? Number(v.int) : 0);

/** The PUT document, validated. */
export function readPoolCreate(body: Uint8Array): PoolDocument {
  const doc = load(body);
  requireValid(doc, POOL_CREATE);
  const d = doc as PyDict;
  const flavor = d.get("flavor") as string | undefined;
  const options = d.get("options");
  return {
    uri: d.get("uri") as string,
    weight: weightOf(d.get("weight")),
    flavor: flavor === undefined || flavor === "" ? null : flavor,
    options: options === undefined ? "{}" : pyDumps(options),
  };
}

export interface PoolPatch {
  readonly uri?: string;
  readonly weight?: number;
  readonly flavor?: string | null;
  readonly options?: string;
}

/** The PATCH document, validated: the fields it names ("flavor": "" takes the pool out of its flavor). */
export function readPoolPatch(body: Uint8Array): PoolPatch {
  const doc = load(body);
  if (!POOL_PATCH.some(([name]) => holds(doc, name))) {
    throw new ZaqarError("INVALID_BODY", "One of `uri`, `weight`, `flavor`, or `options` needs to be specified");
  }
  for (const [, schema] of POOL_PATCH) requireValid(doc, schema);
  const d = doc as PyDict;
  const flavor = d.get("flavor") as string | undefined;
  const options = d.get("options");
  return {
    ...(d.has("uri") ? { uri: d.get("uri") as string } : {}),
    ...(d.has("weight") ? { weight: weightOf(d.get("weight")) } : {}),
    ...(flavor === undefined ? {} : { flavor: flavor === "" ? null : flavor }),
    ...(options === undefined ? {} : { options: pyDumps(options) }),
  };
}

/** The pool_list of a flavor document: the elements as sent (any JSON values; names are strings). */
export type PoolList = readonly PyValue[];

/** The PUT document, validated. */
export function readFlavorCreate(body: Uint8Array): PoolList {
  const doc = load(body);
  requireValid(doc, FLAVOR_CREATE);
  return (doc as PyDict).get("pool_list") as PyValue[];
}

/** The PATCH document, validated. */
export function readFlavorPatch(body: Uint8Array): PoolList {
  const doc = load(body);
  if (!holds(doc, "pool_list")) throw new ZaqarError("INVALID_BODY", "`pool_list` needs to be specified");
  requireValid(doc, FLAVOR_PATCH);
  return (doc as PyDict).get("pool_list") as PyValue[];
}
