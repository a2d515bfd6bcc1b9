/**
 * Builds the one handler table every transport serves (see handler-types.ts),
 * gives storage outages Zaqar's per-operation 503 texts, and words errors of
 * operations on a topic for the topic rather than its storage scope.
 */
import { UNAVAILABLE_TEXTS } from "../../../common/unavailable-texts.ts";
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

/** What Zaqar says could not be done when storage is down ("<this> Please try again in a few seconds."), for every operation. */
const UNAVAILABLE_TEXT: Readonly<Record<OpName, string>> = UNAVAILABLE_TEXTS;

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
