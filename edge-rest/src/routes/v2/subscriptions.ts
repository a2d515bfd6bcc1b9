/**
 * Subscriptions (rest-subscriptions-notifications.md §2): create, list, get,
 * update (PATCH), delete and confirm, of a queue, or of a topic (topics.ts
 * serves the same routes under /v2/topics). The core judges every document
 * and parameter; these handlers only carry the bytes across and render the
 * answer with Zaqar's statuses, Location headers and bodies.
 */
import { withHeadersOn } from "../../errors.ts";
import { getInt, getParam } from "../../http/query.ts";
import { linksJson, pySpaced, rawJson, setPair, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import type { Subscription } from "../../../../proto/gen/zaqar/v1/subscription_pb.ts";
import { EMPTY, type Pair } from "./collections.ts";

/** Whose subscriptions a set of routes serves. */
export interface SubscriptionOwner {
  /** The owners' collection path: "/v2/queues" or "/v2/topics". */
  readonly base: string;
  /** The path parameter naming the owner. */
  readonly param: "queue_name" | "topic_name";
  /** Sent on every core request: the owner is a topic (the `topic` field of SubscriptionService requests). */
  readonly topic: boolean;
}

const QUEUES: SubscriptionOwner = { base: "/v2/queues", param: "queue_name", topic: false };

/**
 * A subscription as Zaqar shows it, keys in its order. `options` is the JSON
 * object text the core stored ({} for a record without any), spaced as
 * Python's json.dumps spaces the object Zaqar stored.
 */
export function subscriptionJson(s: Subscription): string {
  const options = s.options.byteLength === 0 ? "{}" : pySpaced(rawJson(s.options));
  return `{"id": ${str(s.id)}, "source": ${str(s.source)}, "subscriber": ${str(s.subscriber)}, "ttl": ${s.ttl}, "age": ${s.age}, "options": ${options}, "confirmed": ${s.confirmed}}`;
}

/** The subscription routes of one kind of owner. */
export function subscriptionRoutesOf(owner: SubscriptionOwner): readonly Route[] {
  const { topic } = owner;
  const collectionPath = (name: string): string => `${owner.base}/${name}/subscriptions`;

  const createSubscription: Handler = {
    failure: "createSubscription",
    body: true,
    async run(c) {
      const queue = param(c, owner.param);
      // Zaqar's Location is the request path (the collection), on the 201 and on the 409 alike.
      const location = collectionPath(queue);
      const res = await c.core
        .call(c.ctx, "createSubscription", { queue, topic, body: c.body ?? EMPTY })
        .catch((err: unknown) => {
          throw withHeadersOn(err, 409, { location });
        });
      return { status: 201, headers: { location }, body: `{"subscription_id": ${str(res.subscriptionId)}}` };
    },
  };

  const listSubscriptions: Handler = {
    failure: "listSubscriptions",
    async run(c) {
      const queue = param(c, owner.param);
      // Read in Zaqar's order (first bad one wins); the link repeats them in it.
      const pairs: Pair[] = [];
      const marker = getParam(c.query, "marker");
      if (marker !== undefined) pairs.push(["marker", marker]);
      const limit = getInt(c.query, "limit");
      if (limit !== undefined) pairs.push(["limit", limit]);

      const res = await c.core.call(c.ctx, "listSubscriptions", {
        queue,
        topic,
        ...(limit === undefined ? {} : { limit }),
        marker: marker ?? "",
      });
      let items = "";
      for (const s of res.subscriptions) items += `${items === "" ? "" : ", "}${subscriptionJson(s)}`;
      const last = res.subscriptions[res.subscriptions.length - 1];
      if (last !== undefined) setPair(pairs, "marker", last.id);
      const links = linksJson(last === undefined, collectionPath(queue), pairs);
      return { status: 200, body: `{"subscriptions": [${items}], "links": ${links}}` };
    },
  };

  const getSubscription: Handler = {
    failure: "getSubscription",
    async run(c) {
      const res = await c.core.call(c.ctx, "getSubscription", {
        queue: param(c, owner.param),
        topic,
        subscriptionId: param(c, "subscription_id"),
      });
      const s = res.subscription;
      if (s === undefined) throw new Error("getSubscription answered without a subscription");
      return { status: 200, body: subscriptionJson(s) };
    },
  };

  const updateSubscription: Handler = {
    failure: "updateSubscription",
    body: true,
    async run(c) {
      const queue = param(c, owner.param);
      const subscriptionId = param(c, "subscription_id");
      // body unset = the client sent none at all.
      await c.core.call(c.ctx, "updateSubscription", {
        queue,
        topic,
        subscriptionId,
        ...(c.body === undefined ? {} : { body: c.body }),
      });
      return { status: 204, headers: { location: `${collectionPath(queue)}/${subscriptionId}` } };
    },
  };

  const deleteSubscription: Handler = {
    failure: "deleteSubscription",
    async run(c) {
      await c.core.call(c.ctx, "deleteSubscription", {
        queue: param(c, owner.param),
        topic,
        subscriptionId: param(c, "subscription_id"),
      });
      return NO_CONTENT;
    },
  };

  const confirmSubscription: Handler = {
    failure: "confirmSubscription",
    body: true,
    async run(c) {
      const queue = param(c, owner.param);
      const subscriptionId = param(c, "subscription_id");
      await c.core.call(c.ctx, "confirmSubscription", {
        queue,
        topic,
        subscriptionId,
        ...(c.body === undefined ? {} : { body: c.body }),
      });
      return { status: 204, headers: { location: `${collectionPath(queue)}/${subscriptionId}/confirm` } };
    },
  };

  const base = `${owner.base}/:${owner.param}/subscriptions`;
  return [
    { path: base, methods: { GET: listSubscriptions, POST: createSubscription } },
    {
      path: `${base}/:subscription_id`,
      methods: { GET: getSubscription, PATCH: updateSubscription, DELETE: deleteSubscription },
    },
    // Zaqar routes PUT only (its api-ref's POST answers 405).
    { path: `${base}/:subscription_id/confirm`, methods: { PUT: confirmSubscription } },
  ];
}

export const subscriptionRoutes: readonly Route[] = subscriptionRoutesOf(QUEUES);
