/**
 * Builds the one handler table every transport serves (see handler-types.ts),
 * gives storage outages Zaqar's per-operation 503 texts, and words errors of
 * operations on a topic for the topic rather than its storage scope.
 */
import { ZaqarError, isZaqarError } from "../errors.ts";
import { createClaimHandlers } from "./claims.ts";
import type { ServiceDeps } from "./deps.ts";
import { createFlavorHandlers } from "./flavors.ts";
import type { Handler, Handlers, OpName } from "./handler-types.ts";
import { createHealthHandlers } from "./health.ts";
import { createMessageHandlers } from "./messages.ts";
import { createPoolHandlers } from "./pools.ts";
import { createQueueHandlers } from "./queues.ts";
import { createShareHandlers } from "./share.ts";
import { createSubscriptionHandlers } from "./subscriptions.ts";
import { addressedTopic, createTopicHandlers } from "./topics.ts";
import { topicError } from "./validate.ts";

/** What Zaqar says could not be done when storage is down ("<this> Please try again in a few seconds."). */
const UNAVAILABLE_TEXT: Readonly<Record<OpName, string>> = {
  createQueue: "Queue could not be created.",
  listQueues: "Queues could not be listed.",
  getQueue: "Queue metadata could not be retrieved.",
  updateQueue: "Queue could not be updated.",
  deleteQueue: "Queue could not be deleted.",
  getQueueStats: "Queue stats could not be read.",
  purgeQueue: "Queue could not be purged.",
  shareQueue: "Queue could not be shared.",
  postMessages: "Messages could not be enqueued.",
  listMessages: "Messages could not be listed.",
  getMessage: "Message could not be retrieved.",
  getMessages: "Messages could not be listed.",
  deleteMessage: "Message could not be deleted.",
  deleteMessages: "Messages could not be deleted.",
  createClaim: "Claim could not be created.",
  getClaim: "Claim could not be queried.",
  updateClaim: "Claim could not be updated.",
  deleteClaim: "Claim could not be deleted.",
  ping: "Storage could not be reached.",
  getHealth: "Health status could not be read.",
  createTopic: "Topic could not be created.",
  listTopics: "Topics could not be listed.",
  getTopic: "Topic metadata could not be retrieved.",
  updateTopic: "Topic could not be updated.",
  deleteTopic: "Topic could not be deleted.",
  getTopicStats: "Topic stats could not be read.",
  purgeTopic: "Topic could not be purged.",
  createSubscription: "Subscription could not be created.",
  listSubscriptions: "Subscriptions could not be listed.",
  getSubscription: "Subscription could not be retrieved.",
  updateSubscription: "Subscription could not be updated.",
  deleteSubscription: "Subscription could not be deleted.",
  confirmSubscription: "Subscription could not be confirmed.",
  createPool: "Pool could not be created.",
  listPools: "Pools could not be listed.",
  getPool: "Pool could not be retrieved.",
  updatePool: "Pool could not be updated.",
  deletePool: "Pool could not be deleted.",
  createFlavor: "Flavor could not be created.",
  listFlavors: "Flavors could not be listed.",
  getFlavor: "Flavor could not be retrieved.",
  updateFlavor: "Flavor could not be updated.",
  deleteFlavor: "Flavor could not be deleted.",
};

/** One wrapper per operation, doing its work on the failure path only. */
function withErrorWording<K extends OpName>(op: K, handler: Handler<K>): Handler<K> {
  return async (ctx, req) => {
    try {
      return await handler(ctx, req);
    } catch (caught) {
      const topic = addressedTopic(req);
      const err = topic === undefined ? caught : topicError(caught, ctx, topic);
      if (isZaqarError(err, "STORAGE_UNAVAILABLE")) {
        throw new ZaqarError("STORAGE_UNAVAILABLE", `${UNAVAILABLE_TEXT[op]} Please try again in a few seconds.`, { cause: err });
      }
      throw err;
    }
  };
}

export function createHandlers(deps: ServiceDeps): Handlers {
  const all: Handlers = {
    ...createQueueHandlers(deps),
    ...createShareHandlers(deps),
    ...createMessageHandlers(deps),
    ...createClaimHandlers(deps),
    ...createHealthHandlers(deps),
    ...createTopicHandlers(deps),
    ...createSubscriptionHandlers(deps),
    ...createPoolHandlers(deps),
    ...createFlavorHandlers(deps),
  };
  const wrapped: Record<string, unknown> = {};
  for (const op of Object.keys(all) as OpName[]) wrapped[op] = withErrorWording(op, all[op] as Handler<typeof op>);
  return wrapped as Handlers;
}
