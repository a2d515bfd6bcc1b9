/**
 * TopicService handlers (../shared/spec/rest-queues.md §5): a topic is a
 * queue in the project's topic namespace (validate.ts topicScope), so these
 * follow the queue handlers with Zaqar's topic differences: the topic error
 * title, three reserved defaults on GET, no count in listings, no
 * claimed/free split in stats.
 *
 * Messages of a topic are served by the message handlers (MessageService
 * requests with `topic` set), on the topic's scope.
 */
import { create } from "@bufbuild/protobuf";
import { MessageStatSchema } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import {
  CreateTopicResponseSchema,
  DeleteTopicResponseSchema,
  GetTopicResponseSchema,
  GetTopicStatsResponseSchema,
  ListTopicsResponseSchema,
  PurgeTopicResponseSchema,
  TopicSummarySchema,
  UpdateTopicResponseSchema,
} from "../../../proto/gen/zaqar/v1/topic_pb.js";
import { ZaqarError, isZaqarError } from "../errors.ts";
import type { MessageStamp, QueueMetadata } from "../storage/driver.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { isPlainObject, parseDocument, wrongDocumentType } from "./json.ts";
import { applyPatch, parsePatch } from "./json-patch.ts";
import { validateReserved } from "./queue-metadata.ts";
import { purgeTypes } from "./queues.ts";
import { ageSeconds } from "./render.ts";
import { withTopicDefaults } from "./topic-metadata.ts";
import { invalid, pageSize, queuesLimitText, topicProject, topicScope } from "./validate.ts";

type TopicHandlers = Pick<
  Handlers,
  "createTopic" | "listTopics" | "getTopic" | "updateTopic" | "deleteTopic" | "getTopicStats" | "purgeTopic"
>;

const encoder = new TextEncoder();
const jsonBytes = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value));
const MAX_PATCH_RETRIES = 5;

export function createTopicHandlers(deps: ServiceDeps): TopicHandlers {
  const { driver, limits, cache, clock } = deps;
  const tooLarge = `Queue metadata is too large. Max size: ${limits.maxQueueMetadata}`;

  const stamp = (m: MessageStamp | undefined, now: number) =>
    m && create(MessageStatSchema, { id: m.id, age: ageSeconds(m.createdAtMs, now), createdAtMs: BigInt(m.createdAtMs) });

  return {
    async createTopic(ctx, req) {
      const scope = topicScope(ctx, req.topic, limits);
      if (req.metadata.length > limits.maxQueueMetadata) throw invalid(tooLarge);
      let metadata: QueueMetadata = {};
      if (req.metadata.length > 0) {
        const doc = parseDocument(req.metadata);
        if (!isPlainObject(doc)) throw wrongDocumentType();
        validateReserved(doc, limits, "INVALID_REQUEST");
        metadata = doc;
      }
      const created = await driver.queues.create(scope, metadata);
      cache.forget(scope);
      return create(CreateTopicResponseSchema, { created });
    },

    async listTopics(ctx, req) {
      // Zaqar's max_topics_per_page has the queue listing's default (20) and text.
      const limit = pageSize(req.limit, limits.defaultQueuesPerPage, limits.maxQueuesPerPage, queuesLimitText(limits.maxQueuesPerPage));
      const page = await driver.queues.list(topicProject(ctx), {
        ...(req.marker ? { marker: req.marker } : {}),
        limit,
        detailed: req.detailed,
        withCount: false,
      });
      return create(ListTopicsResponseSchema, {
        topics: page.queues.map((q) =>
          create(TopicSummarySchema, {
            name: q.name,
            metadata: req.detailed ? jsonBytes(withTopicDefaults(q.metadata ?? {}, limits)) : new Uint8Array(),
          }),
        ),
      });
    },

    async getTopic(ctx, req) {
      const info = await driver.queues.info(topicScope(ctx, req.topic, limits));
      return create(GetTopicResponseSchema, { metadata: jsonBytes(withTopicDefaults(info.metadata, limits)) });
    },

    async updateTopic(ctx, req) {
      const scope = topicScope(ctx, req.topic, limits);
      if (req.patch.length > limits.maxQueueMetadata) throw new ZaqarError("INVALID_BODY", tooLarge);
      if (req.patch.length === 0) throw new ZaqarError("INVALID_BODY", "PATCH body could not be empty for update.");
      const ops = parsePatch(parseDocument(req.patch));
      // Read-modify-write with optimistic concurrency, as for queues.
      for (let attempt = 0; ; attempt++) {
        const info = await driver.queues.info(scope);
        if (!info.exists) throw new ZaqarError("QUEUE_NOT_FOUND", `Topic ${req.topic} does not exist for project ${ctx.project}`);
        const next = applyPatch(info.metadata, ops);
        validateReserved(next, limits, "INVALID_BODY");
        try {
          await driver.queues.setMetadata(scope, next, info.version);
        } catch (err) {
          if (isZaqarError(err, "QUEUE_VERSION_MISMATCH") && attempt < MAX_PATCH_RETRIES) continue;
          throw err;
        }
        cache.forget(scope);
        return create(UpdateTopicResponseSchema, { metadata: jsonBytes(withTopicDefaults(next, limits)) });
      }
    },

    async deleteTopic(ctx, req) {
      const scope = topicScope(ctx, req.topic, limits);
      await driver.queues.delete(scope);
      cache.forget(scope);
      return create(DeleteTopicResponseSchema, {});
    },

    async getTopicStats(ctx, req) {
      const stats = await driver.queues.stats(topicScope(ctx, req.topic, limits));
      const now = clock.now();
      return create(GetTopicStatsResponseSchema, {
        total: BigInt(stats.total),
        ...(stats.total > 0 ? { oldest: stamp(stats.oldest, now), newest: stamp(stats.newest, now) } : {}),
      });
    },

    async purgeTopic(ctx, req) {
      const scope = topicScope(ctx, req.topic, limits);
      const types = purgeTypes(req.body);
      if (types.has("messages")) await driver.messages.purge(scope);
      if (types.has("subscriptions")) await driver.subscriptions.purge(scope);
      return create(PurgeTopicResponseSchema, {});
    },
  };
}

/**
 * The topic an operation addresses, if any: TopicService requests name it
 * in `topic`; MessageService requests set `topic` and name it in `queue`.
 * handlers.ts words such operations' errors for the topic (validate.ts topicError).
 */
export function addressedTopic(req: object): string | undefined {
  const r = req as { topic?: unknown; queue?: unknown };
  if (typeof r.topic === "string") return r.topic;
  return r.topic === true && typeof r.queue === "string" ? r.queue : undefined;
}
