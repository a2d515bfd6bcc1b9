/** QueueService handlers: validate, call one store method, map to the response. */
import { create } from "@bufbuild/protobuf";
import {
  CreateQueueResponseSchema,
  DeleteQueueResponseSchema,
  GetQueueResponseSchema,
  GetQueueStatsResponseSchema,
  ListQueuesResponseSchema,
  PurgeQueueResponseSchema,
  QueueSummarySchema,
  UpdateQueueResponseSchema,
} from "../../../proto/gen/zaqar/v1/queue_pb.js";
import { MessageStatSchema } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import { ZaqarError, isZaqarError } from "../errors.ts";
import type { MessageStamp, QueueMetadata } from "../storage/driver.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { isPlainObject, parseDocument, wrongDocumentType } from "./json.ts";
import { applyPatch, parsePatch } from "./json-patch.ts";
import { validateReserved, withReservedDefaults } from "./queue-metadata.ts";
import { ageSeconds } from "./render.ts";
import { invalid, pageSize, queueScope, queuesLimitText } from "./validate.ts";

type QueueHandlers = Pick<
  Handlers,
  "createQueue" | "listQueues" | "getQueue" | "updateQueue" | "deleteQueue" | "getQueueStats" | "purgeQueue"
>;

const encoder = new TextEncoder();
const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const MAX_PATCH_RETRIES = 5;

export function createQueueHandlers(deps: ServiceDeps): QueueHandlers {
  const { driver, limits, cache, clock } = deps;
  const tooLarge = `Queue metadata is too large. Max size: ${limits.maxQueueMetadata}`;

  const stamp = (m: MessageStamp | undefined, now: number) =>
    m && create(MessageStatSchema, { id: m.id, age: ageSeconds(m.createdAtMs, now), createdAtMs: BigInt(m.createdAtMs) });

  return {
    async createQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      if (req.metadata.length > limits.maxQueueMetadata) throw invalid(tooLarge);
      let metadata: QueueMetadata = {};
      if (req.metadata.length > 0) {
        const doc = parseDocument(req.metadata);
        if (!isPlainObject(doc)) throw wrongDocumentType();
        validateReserved(doc, limits, "INVALID_REQUEST", scope.queue);
        metadata = doc;
      }
      const created = await driver.queues.create(scope, metadata);
      cache.forget(scope);
      return create(CreateQueueResponseSchema, { created });
    },

    async listQueues(ctx, req) {
      const limit = pageSize(req.limit, limits.defaultQueuesPerPage, limits.maxQueuesPerPage, queuesLimitText(limits.maxQueuesPerPage));
      const page = await driver.queues.list(
        { project: ctx.project },
        { ...(req.marker ? { marker: req.marker } : {}), limit, detailed: req.detailed, withCount: req.withCount },
      );
      return create(ListQueuesResponseSchema, {
        queues: page.queues.map((q) =>
          create(QueueSummarySchema, {
            name: q.name,
            metadata: req.detailed ? jsonBytes(withReservedDefaults(q.metadata ?? {}, limits)) : new Uint8Array(),
          }),
        ),
        // Zaqar leaves `count` out when it is zero.
        ...(req.withCount && page.count ? { count: BigInt(page.count) } : {}),
      });
    },

    async getQueue(ctx, req) {
      const info = await driver.queues.info(queueScope(ctx, req.queue, limits));
      return create(GetQueueResponseSchema, { metadata: jsonBytes(withReservedDefaults(info.metadata, limits)) });
    },

    async updateQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      if (req.patch.length > limits.maxQueueMetadata) throw new ZaqarError("INVALID_BODY", tooLarge);
      if (req.patch.length === 0) throw new ZaqarError("INVALID_BODY", "PATCH body could not be empty for update.");
      const ops = parsePatch(parseDocument(req.patch));
      // Read-modify-write with optimistic concurrency: a concurrent change makes us start over.
      for (let attempt = 0; ; attempt++) {
        const info = await driver.queues.info(scope);
        if (!info.exists) throw new ZaqarError("QUEUE_NOT_FOUND", `Queue ${scope.queue} does not exist for project ${scope.project}`);
        const next = applyPatch(info.metadata, ops);
        validateReserved(next, limits, "INVALID_BODY", scope.queue);
        try {
          await driver.queues.setMetadata(scope, next, info.version);
        } catch (err) {
          if (isZaqarError(err, "QUEUE_VERSION_MISMATCH") && attempt < MAX_PATCH_RETRIES) continue;
          throw err;
        }
        cache.forget(scope);
        return create(UpdateQueueResponseSchema, { metadata: jsonBytes(withReservedDefaults(next, limits)) });
      }
    },

    async deleteQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      await driver.queues.delete(scope);
      cache.forget(scope);
      return create(DeleteQueueResponseSchema, {});
    },

    async getQueueStats(ctx, req) {
      const stats = await driver.queues.stats(queueScope(ctx, req.queue, limits));
      const now = clock.now();
      return create(GetQueueStatsResponseSchema, {
        claimed: BigInt(stats.claimed),
        free: BigInt(stats.free),
        total: BigInt(stats.total),
        ...(stats.total > 0 ? { oldest: stamp(stats.oldest, now), newest: stamp(stats.newest, now) } : {}),
      });
    },

    async purgeQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const types = purgeTypes(req.body);
      if (types.has("messages")) await driver.messages.purge(scope);
      if (types.has("subscriptions")) await driver.subscriptions.purge(scope);
      return create(PurgeQueueResponseSchema, {});
    },
  };
}

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
