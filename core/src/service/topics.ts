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
import { ZaqarError } from "../errors.ts";
import { createCollectionOps, jsonBytes } from "./collections.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { withTopicDefaults } from "./topic-metadata.ts";
import { pageSize, queuesLimitText, topicProject, topicScope } from "./validate.ts";

type TopicHandlers = Pick<
  Handlers,
  "createTopic" | "listTopics" | "getTopic" | "updateTopic" | "deleteTopic" | "getTopicStats" | "purgeTopic"
>;

export function createTopicHandlers(deps: ServiceDeps): TopicHandlers {
  const { driver, limits, clock } = deps;
  const ops = createCollectionOps(deps);

  return {
    async createTopic(ctx, req) {
      const created = await ops.create(topicScope(ctx, req.topic, limits), req.metadata);
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
      const notFound = () => new ZaqarError("QUEUE_NOT_FOUND", `Topic ${req.topic} does not exist for project ${ctx.project}`);
      const next = await ops.patch(topicScope(ctx, req.topic, limits), req.patch, notFound);
      return create(UpdateTopicResponseSchema, { metadata: jsonBytes(withTopicDefaults(next, limits)) });
    },

    async deleteTopic(ctx, req) {
      await ops.delete(topicScope(ctx, req.topic, limits));
      return create(DeleteTopicResponseSchema, {});
    },

    async getTopicStats(ctx, req) {
      const stats = await driver.queues.stats(topicScope(ctx, req.topic, limits));
      const now = clock.now();
      return create(GetTopicStatsResponseSchema, {
        total: BigInt(stats.total),
        ...(stats.total > 0 ? { oldest: ops.stamp(stats.oldest, now), newest: ops.stamp(stats.newest, now) } : {}),
      });
    },

    async purgeTopic(ctx, req) {
      await ops.purge(topicScope(ctx, req.topic, limits), req.body);
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
