/**
 * What queue and topic handlers share. A topic is stored as a queue in the
 * project's topic namespace (validate.ts topicScope), so creating, patching,
 * deleting and purging either is the same work on its own scope; only names,
 * texts and the shape of responses differ (queues.ts, topics.ts).
 */
import { create } from "@bufbuild/protobuf";
import { MessageStatSchema, type MessageStat } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import { ZaqarError, isZaqarError } from "../errors.ts";
import type { MessageStamp, QueueMetadata, Scope } from "../storage/driver.ts";
import type { ServiceDeps } from "./deps.ts";
import { isPlainObject, parseDocument, wrongDocumentType } from "./json.ts";
import { applyPatch, parsePatch } from "./json-patch.ts";
import { validateReserved } from "./queue-metadata.ts";
import { ageSeconds } from "./render.ts";
import { pyReprLength } from "./py-repr.ts";
import { invalid } from "./validate.ts";

const encoder = new TextEncoder();
export const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const MAX_PATCH_RETRIES = 5;
/** A repr has at most this many characters per byte of JSON text (a raw U+2028, 3 bytes, becomes 6 characters). */
const MAX_REPR_PER_BYTE = 6;
const PURGEABLE = new Set(["messages", "subscriptions"]);

/** The resource types a purge document names (all when there is no document), with Zaqar's 400s. */
export function purgeTypes(body: Uint8Array): Set<string> {
  if (body.length === 0) return PURGEABLE;
  const doc = parseDocument(body);
  if (!isPlainObject(doc) || !("resource_types" in doc)) {
    throw invalid('Post body must contain key "resource_types".');
  }
  const types = doc["resource_types"];
  if (!Array.isArray(types) || types.some((t) => typeof t !== "string" || !PURGEABLE.has(t))) {
    throw invalid("Resource types must be a sub set of {'subscriptions', 'messages'}.");
  }
  return new Set(types as string[]);
}

export interface CollectionOps {
  /**
   * Creates the collection with the PUT document's metadata (validated); true
   * when it was new. `reprSize`: the size limit counts the Python repr's
   * characters (Zaqar's WebSocket rule), not the JSON bytes.
   */
  create(scope: Scope, metadata: Uint8Array, reprSize?: boolean): Promise<boolean>;
  /**
   * Applies a JSON-patch document to the metadata, all or nothing, with
   * optimistic concurrency (a concurrent change starts it over); answers the
   * stored result. `notFound` is the error for an absent collection.
   */
  patch(scope: Scope, patch: Uint8Array, notFound: () => ZaqarError): Promise<QueueMetadata>;
  delete(scope: Scope): Promise<void>;
  /** Purges what the purge document names. */
  purge(scope: Scope, body: Uint8Array): Promise<void>;
  /** A message's place in stats. */
  stamp(m: MessageStamp | undefined, now: number): MessageStat | undefined;
}

export function createCollectionOps(deps: ServiceDeps): CollectionOps {
  const { driver, limits, cache } = deps;
  const tooLarge = `Queue metadata is too large. Max size: ${limits.maxQueueMetadata}`;
  return {
    async create(scope, bytes, reprSize = false) {
      if (!reprSize && bytes.length > limits.maxQueueMetadata) throw invalid(tooLarge);
      let metadata: QueueMetadata = {};
      if (bytes.length > 0) {
        const doc = parseDocument(bytes);
        if (reprSize && bytes.length * MAX_REPR_PER_BYTE > limits.maxQueueMetadata && pyReprLength(doc) > limits.maxQueueMetadata) {
          throw invalid(tooLarge);
        }
        if (!isPlainObject(doc)) throw wrongDocumentType();
        validateReserved(doc, limits, "INVALID_REQUEST", scope.queue);
        metadata = doc;
      }
      const created = await driver.queues.create(scope, metadata);
      cache.forget(scope);
      return created;
    },

    async patch(scope, bytes, notFound) {
      if (bytes.length > limits.maxQueueMetadata) throw new ZaqarError("INVALID_BODY", tooLarge);
      if (bytes.length === 0) throw new ZaqarError("INVALID_BODY", "PATCH body could not be empty for update.");
      const ops = parsePatch(parseDocument(bytes));
      for (let attempt = 0; ; attempt++) {
        const info = await driver.queues.info(scope);
        if (!info.exists) throw notFound();
        const next = applyPatch(info.metadata, ops);
        validateReserved(next, limits, "INVALID_BODY", scope.queue);
        try {
          await driver.queues.setMetadata(scope, next, info.version);
        } catch (err) {
          if (isZaqarError(err, "QUEUE_VERSION_MISMATCH") && attempt < MAX_PATCH_RETRIES) continue;
          throw err;
        }
        cache.forget(scope);
        return next;
      }
    },

    async delete(scope) {
      await driver.queues.delete(scope);
      cache.forget(scope);
    },

    async purge(scope, body) {
      const types = purgeTypes(body);
      if (types.has("messages")) await driver.messages.purge(scope);
      if (types.has("subscriptions")) await driver.subscriptions.purge(scope);
    },

    stamp: (m, now) =>
      m && create(MessageStatSchema, { id: m.id, age: ageSeconds(m.createdAtMs, now), createdAtMs: BigInt(m.createdAtMs) }),
  };
}
