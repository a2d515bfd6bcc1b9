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
import { ZaqarError } from "../errors.ts";
import { createCollectionOps, jsonBytes } from "./collections.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { withReservedDefaults } from "./queue-metadata.ts";
import { pageSize, queueScope, queuesLimitText } from "./validate.ts";

type QueueHandlers = Pick<
  Handlers,
  "createQueue" | "listQueues" | "getQueue" | "updateQueue" | "deleteQueue" | "getQueueStats" | "purgeQueue"
>;

export function createQueueHandlers(deps: ServiceDeps): QueueHandlers {
  const { driver, limits, clock } = deps;
  const ops = createCollectionOps(deps);

  return {
    async createQueue(ctx, req) {
      const created = await ops.create(queueScope(ctx, req.queue, limits), req.metadata, req.reprSize);
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
            metadata: !req.detailed
              ? new Uint8Array()
              : jsonBytes(req.raw ? (q.metadata ?? {}) : withReservedDefaults(q.metadata ?? {}, limits)),
          }),
        ),
        // Zaqar leaves `count` out when it is zero.
        ...(req.withCount && page.count ? { count: BigInt(page.count) } : {}),
      });
    },

    async getQueue(ctx, req) {
      const info = await driver.queues.info(queueScope(ctx, req.queue, limits));
      const metadata = req.raw ? info.metadata : withReservedDefaults(info.metadata, limits);
      return create(GetQueueResponseSchema, { metadata: jsonBytes(metadata) });
    },

    async updateQueue(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const notFound = () => new ZaqarError("QUEUE_NOT_FOUND", `Queue ${scope.queue} does not exist for project ${scope.project}`);
      const next = await ops.patch(scope, req.patch, notFound);
      return create(UpdateQueueResponseSchema, { metadata: jsonBytes(withReservedDefaults(next, limits)) });
    },

    async deleteQueue(ctx, req) {
      await ops.delete(queueScope(ctx, req.queue, limits));
      return create(DeleteQueueResponseSchema, {});
    },

    async getQueueStats(ctx, req) {
      const scope = queueScope(ctx, req.queue, limits);
      const stats = await driver.queues.stats(scope);
      // A queue holding messages exists; only an empty one needs asking.
      const exists = stats.total > 0 || (await driver.queues.info(scope)).exists;
      const now = clock.now();
      return create(GetQueueStatsResponseSchema, {
        exists,
        claimed: BigInt(stats.claimed),
        free: BigInt(stats.free),
        total: BigInt(stats.total),
        ...(stats.total > 0 ? { oldest: ops.stamp(stats.oldest, now), newest: ops.stamp(stats.newest, now) } : {}),
      });
    },

    async purgeQueue(ctx, req) {
      await ops.purge(queueScope(ctx, req.queue, limits), req.body);
      return create(PurgeQueueResponseSchema, {});
    },
  };
}
