/**
 * Zaqar's JSON-patch dialect for queue metadata (../shared/spec/rest-queues.md §3.4):
 * add / remove / replace on `/metadata/<key>`, all operations or none, with
 * Zaqar's error texts (all INVALID_BODY except the 409 conflicts).
 */
import { ZaqarError } from "../errors.ts";
import type { QueueMetadata } from "../storage/driver.ts";
import { isPlainObject } from "./json.ts";
import { RESERVED_KEYS } from "./queue-metadata.ts";

type Op = { op: "add" | "replace"; key: string; value: unknown } | { op: "remove"; key: string };

const bad = (description: string): ZaqarError => new ZaqarError("INVALID_BODY", description);
const OPS = "add, remove, replace";

/** Checks the whole document before anything is applied. */
export function parsePatch(document: unknown): Op[] {
  if (!Array.isArray(document)) throw bad("Document type not supported.");
  return document.map((item: unknown): Op => {
    if (!isPlainObject(item)) throw bad("Operations must be JSON objects.");
    if (!("op" in item)) {
      throw bad(`Unable to find \`op\` in JSON Schema change. It must be one of the following: ${OPS}.`);
    }
    const op = item["op"];
    if (op !== "add" && op !== "remove" && op !== "replace") {
      throw bad(`Invalid operation: \`${String(op)}\`. It must be one of the following: ${OPS}.`);
    }
    if (!("path" in item)) throw bad("Unable to find 'path' in JSON Schema change");
    const key = metadataKey(String(item["path"]));
    if (op === "remove") return { op, key };
    if (!("value" in item)) throw bad(`Operation "${op}" requires a member named "value".`);
    return { op, key, value: item["value"] };
  });
}

function metadataKey(pointer: string): string {
  if (!pointer.startsWith("/")) throw bad(`Pointer \`${pointer}\` does not start with "/".`);
  if (pointer.endsWith("/")) throw bad(`Pointer \`${pointer}\` end with "/".`);
  const segments = pointer
    .slice(1)
    .split("/")
    .map((raw) => {
      if (/~(?![01])/.test(raw)) {
        throw bad(`Pointer \`${pointer}\` contains "~" not part of a recognized escape sequence.`);
      }
      return raw.replaceAll("~1", "/").replaceAll("~0", "~").trim();
    });
  if (segments.length !== 2) throw bad(`Invalid JSON pointer for this resource: '${pointer}, e.g /metadata/key'`);
  if ((segments[0] as string).toLowerCase() !== "metadata") {
    throw bad("The root of path must be metadata, e.g /metadata/key.");
  }
  return segments[1] as string;
}

/** Applies the operations in order to a copy; throws CONFLICT (409) on Zaqar's conflicts. */
export function applyPatch(meta: QueueMetadata, ops: readonly Op[]): QueueMetadata {
  const out: QueueMetadata = { ...meta };
  for (const op of ops) {
    const present = Object.hasOwn(out, op.key);
    if (op.op === "add") {
      out[op.key] = op.value;
    } else if (op.op === "replace") {
      if (!present && !RESERVED_KEYS.has(op.key)) {
        throw new ZaqarError("CONFLICT", `Can't replace non-existent object ${op.key}.`);
      }
      out[op.key] = op.value;
    } else if (present) {
      delete out[op.key];
    } else if (!RESERVED_KEYS.has(op.key)) {
      throw new ZaqarError("CONFLICT", `Can't remove non-existent object ${op.key}.`);
    }
  }
  return out;
}
