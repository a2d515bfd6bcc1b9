/**
 * SubscriptionService handlers (../shared/spec/rest-subscriptions-notifications.md §2).
 * With `topic` set a request addresses the topic's subscriptions (validate.ts
 * topicScope), stored like a queue's.
 *
 * With confirmation enabled (confirmation.ts), create and confirm(false) hand
 * the store the facts of a confirmation job, recorded in the same step as
 * the subscription change; the message is rendered when the job is leased.
 */
import { create } from "@bufbuild/protobuf";
import {
  ConfirmSubscriptionResponseSchema,
  CreateSubscriptionResponseSchema,
  DeleteSubscriptionResponseSchema,
  GetSubscriptionResponseSchema,
  ListSubscriptionsResponseSchema,
  SubscriptionSchema,
  UpdateSubscriptionResponseSchema,
  type Subscription,
} from "../../../proto/gen/zaqar/v1/subscription_pb.js";
import type { CallContext } from "../context.ts";
import { ZaqarError, isZaqarError } from "../errors.ts";
import type { Scope, StoredSubscription } from "../storage/driver.ts";
import { confirmationEnabled, confirmationFacts } from "./confirmation.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { ageSeconds } from "./render.ts";
import { documentOf, readConfirmation, readSubscriptionCreate, readSubscriptionPatch } from "./subscription-docs.ts";
import { messagesLimitText, pageSize, queueScope, topicScope } from "./validate.ts";

type SubscriptionHandlers = Pick<
  Handlers,
  | "createSubscription"
  | "listSubscriptions"
  | "getSubscription"
  | "updateSubscription"
  | "deleteSubscription"
  | "confirmSubscription"
>;

const UNIQUE = "Subscriptions are unique by project + queue + subscriber URI.";
// Zaqar's two texts differ by one space.
const CREATE_CONFLICT = `Such subscription already exists.${UNIQUE}`;
const UPDATE_CONFLICT = `Such subscription already exists. ${UNIQUE}`;

const encoder = new TextEncoder();

/** A conflict from the store, worded as Zaqar words it for this operation. */
function conflict(err: unknown, text: string): unknown {
  return isZaqarError(err, "SUBSCRIPTION_EXISTS") ? new ZaqarError("SUBSCRIPTION_EXISTS", text, { cause: err }) : err;
}

export function toProtoSubscription(s: StoredSubscription, source: string, nowMs: number): Subscription {
  return create(SubscriptionSchema, {
    id: s.id,
    source,
    subscriber: s.subscriber,
    ttl: s.ttl,
    age: ageSeconds(s.createdAtMs, nowMs),
    options: encoder.encode(s.options),
    confirmed: s.confirmed,
  });
}

export function createSubscriptionHandlers(deps: ServiceDeps): SubscriptionHandlers {
  const { driver, limits, clock, cache, jobSignal } = deps;
  const confirming = confirmationEnabled(deps.notification);
  const maxPerPage = limits.maxSubscriptionsPerPage;

  const scopeOf = (ctx: CallContext, req: { readonly queue: string; readonly topic: boolean }): Scope =>
    req.topic ? topicScope(ctx, req.queue, limits) : queueScope(ctx, req.queue, limits);

  return {
    async createSubscription(ctx, req) {
      const scope = scopeOf(ctx, req);
      const doc = documentOf(req.body);
      // Zaqar creates the queue before validating the document: even a 400 can leave it.
      if (await driver.queues.create(scope, {})) cache.forget(scope);
      const now = clock.now();
      const sub = readSubscriptionCreate(doc, now, limits.defaultSubscriptionTtl);
      const confirmation = confirming ? confirmationFacts(now, sub.ttl) : undefined;
      let id: string;
      let created: boolean;
      try {
        ({ id, created } = await driver.subscriptions.create(scope, sub, confirmation === undefined ? {} : { confirmation }));
      } catch (err) {
        throw conflict(err, CREATE_CONFLICT);
      }
      jobSignal.watch(scope);
      if (confirmation !== undefined) jobSignal.recorded();
      return create(CreateSubscriptionResponseSchema, { subscriptionId: id, created });
    },

    async listSubscriptions(ctx, req) {
      const scope = scopeOf(ctx, req);
      const limit = pageSize(req.limit, limits.defaultSubscriptionsPerPage, maxPerPage, messagesLimitText(maxPerPage));
      const page = await driver.subscriptions.list(scope, { ...(req.marker ? { marker: req.marker } : {}), limit });
      const now = clock.now();
      return create(ListSubscriptionsResponseSchema, { subscriptions: page.map((s) => toProtoSubscription(s, req.queue, now)) });
    },

    async getSubscription(ctx, req) {
      const found = await driver.subscriptions.get(scopeOf(ctx, req), req.subscriptionId);
      return create(GetSubscriptionResponseSchema, { subscription: toProtoSubscription(found, req.queue, clock.now()) });
    },

    async updateSubscription(ctx, req) {
      const scope = scopeOf(ctx, req);
      const changes = readSubscriptionPatch(req.body, clock.now(), req.subscriptionId);
      try {
        await driver.subscriptions.update(scope, req.subscriptionId, changes);
      } catch (err) {
        throw conflict(err, UPDATE_CONFLICT);
      }
      return create(UpdateSubscriptionResponseSchema, {});
    },

    async deleteSubscription(ctx, req) {
      await driver.subscriptions.delete(scopeOf(ctx, req), req.subscriptionId);
      return create(DeleteSubscriptionResponseSchema, {});
    },

    async confirmSubscription(ctx, req) {
      const scope = scopeOf(ctx, req);
      const confirmed = readConfirmation(req.body);
      // Unsubscribing is confirmed by a message whose link lives default_subscription_ttl.
      const unsubscribe = !confirmed && confirming ? confirmationFacts(clock.now(), limits.defaultSubscriptionTtl) : undefined;
      await driver.subscriptions.confirm(scope, req.subscriptionId, confirmed, unsubscribe === undefined ? {} : { unsubscribe });
      if (unsubscribe !== undefined) {
        jobSignal.watch(scope);
        jobSignal.recorded();
      }
      return create(ConfirmSubscriptionResponseSchema, {});
    },
  };
}
