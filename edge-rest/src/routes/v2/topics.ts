/**
 * Topics (rest-queues.md §5): list, create (PUT), metadata (GET), JSON-patch
 * (PATCH), delete, stats and purge, shaped like the queue routes, plus the
 * topic's messages and subscriptions. Zaqar 15 routes the message,
 * subscription and confirm paths to handlers that fail with 500; here they
 * serve the topic's messages and subscriptions as the queue routes do.
 */
import { linksJson, rawJson, setPair } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import { EMPTY, listItems, readListParams, requirePatchType, statsExtremes } from "./collections.ts";
import { messageRoutesOf } from "./messages.ts";
import { subscriptionRoutesOf } from "./subscriptions.ts";

/** "/v2/topics/<t>" (topic names are plain ASCII by the core's rules). */
const topicPath = (topic: string): string => `/v2/topics/${topic}`;

const listTopics: Handler = {
  failure: "listTopics",
  async run(c) {
    const { pairs, marker, limit, detailed } = readListParams(c, { withCount: false });
    const res = await c.core.call(c.ctx, "listTopics", {
      ...(limit === undefined ? {} : { limit }),
      marker: marker ?? "",
      detailed: detailed === true,
    });
    const items = listItems(res.topics, topicPath, detailed === true);
    const last = res.topics[res.topics.length - 1];
    if (last !== undefined) setPair(pairs, "marker", last.name);
    return { status: 200, body: `{"topics": [${items}], "links": ${linksJson(last === undefined, "/v2/topics", pairs)}}` };
  },
};

const getTopic: Handler = {
  failure: "getTopic",
  async run(c) {
    const res = await c.core.call(c.ctx, "getTopic", { topic: param(c, "topic_name") });
    return { status: 200, body: rawJson(res.metadata) };
  },
};

const createTopic: Handler = {
  failure: "createTopic",
  body: true,
  async run(c) {
    const topic = param(c, "topic_name");
    const res = await c.core.call(c.ctx, "createTopic", { topic, metadata: c.body ?? EMPTY });
    return { status: res.created ? 201 : 204, headers: { location: topicPath(topic) } };
  },
};

const updateTopic: Handler = {
  failure: "updateTopic",
  body: true,
  async run(c) {
    requirePatchType(c);
    const res = await c.core.call(c.ctx, "updateTopic", { topic: param(c, "topic_name"), patch: c.body ?? EMPTY });
    return { status: 200, body: rawJson(res.metadata) };
  },
};

const deleteTopic: Handler = {
  failure: "deleteTopic",
  async run(c) {
    await c.core.call(c.ctx, "deleteTopic", { topic: param(c, "topic_name") });
    return NO_CONTENT;
  },
};

const topicStats: Handler = {
  failure: "getTopicStats",
  async run(c) {
    const topic = param(c, "topic_name");
    const s = await c.core.call(c.ctx, "getTopicStats", { topic });
    return { status: 200, body: `{"messages": {"total": ${s.total}${statsExtremes(s, `${topicPath(topic)}/messages`)}}}` };
  },
};

const purgeTopic: Handler = {
  failure: "purgeTopic",
  body: true,
  async run(c) {
    await c.core.call(c.ctx, "purgeTopic", { topic: param(c, "topic_name"), body: c.body ?? EMPTY });
    return NO_CONTENT;
  },
};

export const topicRoutes: readonly Route[] = [
  { path: "/v2/topics", methods: { GET: listTopics } },
  {
    path: "/v2/topics/:topic_name",
    methods: { GET: getTopic, PUT: createTopic, PATCH: updateTopic, DELETE: deleteTopic },
  },
  { path: "/v2/topics/:topic_name/stats", methods: { GET: topicStats } },
  { path: "/v2/topics/:topic_name/purge", methods: { POST: purgeTopic } },
  ...messageRoutesOf({ base: "/v2/topics", param: "topic_name", topic: true }),
  ...subscriptionRoutesOf({ base: "/v2/topics", param: "topic_name", topic: true }),
];
