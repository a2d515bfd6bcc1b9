/**
 * The few JSON Schema (draft 4) checks Zaqar's admin API documents use, with
 * the messages of Python's jsonschema and Zaqar's way of answering them.
 *
 * Zaqar validates with `Draft4Validator(schema).validate(doc)`, which raises
 * the first error in the schema's keyword order (properties in their order),
 * and answers 400 "Invalid request body" with
 * `'{0}: {1}'.format(ex.args, ex.message)` (zaqar/transport/wsgi/utils.py):
 * the repr of the exception's ten constructor arguments, then the message.
 * jsonschema builds its errors with the message alone and fills the other
 * attributes later, so the arguments print as unset apart from the message
 * and, for oneOf, the list of the sub-schemas' errors. Formats ("uri") are
 * not checked: Zaqar passes no format checker.
 */
import { ZaqarError } from "../errors.ts";
import { isPyDict, isPyFloat, isPyInt, pyRepr, pyStrRepr, type PyValue } from "./py-value.ts";

export type JsonType = "object" | "array" | "string" | "integer";

/** A schema: its keywords in the order jsonschema visits them (the order of Zaqar's dicts). */
export type Schema = ReadonlyArray<Keyword>;
export type Keyword =
  | readonly ["type", JsonType]
  | readonly ["properties", ReadonlyArray<readonly [string, Schema]>]
  | readonly ["required", readonly string[]]
  | readonly ["additionalProperties", false]
  | readonly ["minimum", number]
  | readonly ["maximum", number]
  | readonly ["maxLength", number]
  | readonly ["oneOf", readonly Schema[]];

/** A validation error: the message, and the sub-errors of a oneOf. */
interface SchemaError {
  readonly message: string;
  readonly context: readonly SchemaError[];
}

function isType(v: PyValue, type: JsonType): boolean {
  switch (type) {
    case "object":
      return isPyDict(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return isPyInt(v); // draft 4: 1.0 is not an integer, and booleans never are
  }
}

const numberOf = (v: PyValue): number | bigint | null => (isPyInt(v) ? v.int : isPyFloat(v) ? v.float : null);
const error = (message: string, context: readonly SchemaError[] = []): SchemaError => ({ message, context });

/** Python's len() of a str: code points. */
const pyLen = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** The first error of `doc` against `schema`, as jsonschema's iter_errors finds it; null when valid. */
export function validate(doc: PyValue, schema: Schema): SchemaError | null {
  for (const keyword of schema) {
    const found = check(doc, keyword, schema);
    if (found !== null) return found;
  }
  return null;
}

function check(doc: PyValue, keyword: Keyword, schema: Schema): SchemaError | null {
  switch (keyword[0]) {
    case "type":
      return isType(doc, keyword[1]) ? null : error(`${pyRepr(doc)} is not of type ${pyStrRepr(keyword[1])}`);
    case "properties": {
      if (!isPyDict(doc)) return null;
      for (const [name, sub] of keyword[1]) {
        const value = doc.get(name);
        const found = value === undefined ? null : validate(value, sub);
        if (found !== null) return found;
      }
      return null;
    }
    case "required": {
      // jsonschema yields one error per missing property; the first is raised.
      const missing = isPyDict(doc) ? keyword[1].find((name) => !doc.has(name)) : undefined;
      return missing === undefined ? null : error(`${pyStrRepr(missing)} is a required property`);
    }
    case "additionalProperties":
      return additional(doc, schema);
    case "minimum": {
      const n = numberOf(doc);
      return n !== null && n < keyword[1] ? error(`${pyRepr(doc)} is less than the minimum of ${keyword[1]}`) : null;
    }
    case "maximum": {
      const n = numberOf(doc);
      return n !== null && n > keyword[1] ? error(`${pyRepr(doc)} is greater than the maximum of ${keyword[1]}`) : null;
    }
    case "maxLength":
      return typeof doc === "string" && pyLen(doc) > keyword[1] ? error(`${pyRepr(doc)} is too long`) : null;
    case "oneOf": {
      // The error lists, as its context, every error of every sub-schema.
      const all: SchemaError[] = [];
      for (const sub of keyword[1]) {
        const errs = allErrors(doc, sub);
        if (errs.length === 0) return null;
        all.push(...errs);
      }
      return error(`${pyRepr(doc)} is not valid under any of the given schemas`, all);
    }
  }
}

/** Every error of `doc` against `schema`, in order (for oneOf's context). */
function allErrors(doc: PyValue, schema: Schema): SchemaError[] {
  const out: SchemaError[] = [];
  for (const keyword of schema) {
    if (keyword[0] === "required") {
      if (isPyDict(doc)) for (const name of keyword[1]) if (!doc.has(name)) out.push(error(`${pyStrRepr(name)} is a required property`));
      continue;
    }
    const found = check(doc, keyword, schema);
    if (found !== null) out.push(found);
  }
  return out;
}

/** additionalProperties: false, against the schema's own properties. */
function additional(doc: PyValue, schema: Schema): SchemaError | null {
  if (!isPyDict(doc)) return null;
  const known = new Set<string>();
  for (const k of schema) if (k[0] === "properties") for (const [name] of k[1]) known.add(name);
  // jsonschema sorts them (Python's str order: code points).
  const extras = [...doc.keys()].filter((k) => !known.has(k)).sort(byCodePoint);
  if (extras.length === 0) return null;
  const verb = extras.length === 1 ? "was" : "were";
  return error(`Additional properties are not allowed (${extras.map(pyStrRepr).join(", ")} ${verb} unexpected)`);
}

/** repr(ex.args) of a jsonschema error: (message, validator, path, cause, context, validator_value, instance, schema, schema_path, parent). */
function argsRepr(e: SchemaError): string {
  const context = e.context.length === 0 ? "()" : `[${e.context.map((c) => `<ValidationError: ${pyStrRepr(c.message)}>`).join(", ")}]`;
  return `(${pyStrRepr(e.message)}, <unset>, (), None, ${context}, <unset>, <unset>, <unset>, (), None)`;
}

/** Zaqar's answer to a schema failure: 400 "Invalid request body", "<repr of args>: <message>". */
export function schemaFailure(e: SchemaError): ZaqarError {
  return new ZaqarError("INVALID_BODY", `${argsRepr(e)}: ${e.message}`);
}

/** Validates and throws Zaqar's answer to the first error. */
export function requireValid(doc: PyValue, schema: Schema): void {
  const found = validate(doc, schema);
  if (found !== null) throw schemaFailure(found);
}
