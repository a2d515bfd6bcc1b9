/**
 * Topics (rest-queues.md §5): list, create (PUT), metadata (GET), JSON-patch
 * (PATCH), delete, stats and purge, shaped like the queue routes, plus the
 * topic's messages. Zaqar 15 routes the message paths to handlers that fail
 * with 500; here they serve the topic's messages as the queue message routes
 * do. The subscription and confirm paths stay unrouted (404) until
 * subscriptions exist.
 */
import { HttpError } from "../../errors.ts";
import { getBool, getInt, getParam } from "../../http/query.ts";
import { linksJson, rawJson, setPair, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import { messageRoutesOf } from "./messages.ts";

type Pair = [string, string | number | boolean];

const EMPTY = new Uint8Array(0);
const PATCH_TYPE = "application/openstack-messaging-v2.0-json-patch";
/** Zaqar puts a Python dict repr in the title, and no description. */
const PATCH_415 = `Accepted media type for PATCH: {'Accept-Patch': '${PATCH_TYPE}'}.`;

/** "/v2/topics/<t>" (topic names are plain ASCII by the core's rules). */
const topicPath = (topic: string): string => `/v2/topics/${topic}`;

const listTopics: Handler = {
  failure: "listTopics",
  async run(c) {
    // Read in Zaqar's order (first bad one wins); the link repeats them in it. No with_count for topics.
    const pairs: Pair[] = [];
    const marker = getParam(c.query, "marker");
    if (marker !== undefined) pairs.push(["marker", marker]);
    const limit = getInt(c.query, "limit");
    if (limit !== undefined) pairs.push(["limit", limit]);
    const detailed = getBool(c.query, "detailed");
    if (detailed !== undefined) pairs.push(["detailed", detailed]);
    const name = getParam(c.query, "name");
    if (name !== undefined) pairs.push(["name", name]);

    const res = await c.core.call(c.ctx, "listTopics", {
      ...(limit === undefined ? {} : { limit }),
      marker: marker ?? "",
      detailed: detailed === true,
    });
    let items = "";
    for (const t of res.topics) {
      const href = str(topicPath(t.name));
      items += items === "" ? "" : ", ";
      items += detailed === true
        ? `{"name": ${str(t.name)}, "metadata": ${rawJson(t.metadata)}, "href": ${href}}`
        : `{"name": ${str(t.name)}, "href": ${href}}`;
    }
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
    // Exact string equality, as Zaqar: parameters (e.g. charset) are refused too.
    if (c.req.headers["content-type"] !== PATCH_TYPE) throw new HttpError(415, PATCH_415);
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

/** Stats timestamps: "%Y-%m-%dT%H:%M:%SZ" (UTC). */
const isoSeconds = (ms: bigint | number): string => `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;

const topicStats: Handler = {
  failure: "getTopicStats",
  async run(c) {
    const topic = param(c, "topic_name");
    const s = await c.core.call(c.ctx, "getTopicStats", { topic });
    let extremes = "";
    if (Number(s.total) !== 0 && s.oldest !== undefined && s.newest !== undefined) {
      const base = `${topicPath(topic)}/messages/`;
      const stat = (m: typeof s.oldest & object): string =>
        `{"age": ${m.age}, "created": "${isoSeconds(m.createdAtMs)}", "href": ${str(base + m.id)}}`;
      extremes = `, "oldest": ${stat(s.oldest)}, "newest": ${stat(s.newest)}`;
    }
    return { status: 200, body: `{"messages": {"total": ${s.total}${extremes}}}` };
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
];
