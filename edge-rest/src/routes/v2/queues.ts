/**
 * Queues: list, create (PUT), metadata (GET), JSON-patch (PATCH), delete,
 * stats and purge (rest-queues.md §3).
 */
import { linksJson, queuePath, rawJson, setPair } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import { EMPTY, listItems, readListParams, requirePatchType, statsExtremes } from "./collections.ts";

const listQueues: Handler = {
  failure: "listQueues",
  async run(c) {
    const { pairs, marker, limit, detailed, withCount } = readListParams(c, { withCount: true });
    const res = await c.core.call(c.ctx, "listQueues", {
      ...(limit === undefined ? {} : { limit }),
      marker: marker ?? "",
      detailed: detailed === true,
      withCount: withCount === true,
    });
    const items = listItems(res.queues, queuePath, detailed === true);
    const last = res.queues[res.queues.length - 1];
    if (last !== undefined) setPair(pairs, "marker", last.name);
    // Zaqar adds the count only when asked for and non-zero.
    const count = withCount === true && res.count !== undefined && Number(res.count) !== 0 ? `, "count": ${res.count}` : "";
    return {
      status: 200,
      body: `{"queues": [${items}], "links": ${linksJson(last === undefined, "/v2/queues", pairs)}${count}}`,
    };
  },
};

const getQueue: Handler = {
  failure: "getQueue",
  async run(c) {
    const res = await c.core.call(c.ctx, "getQueue", { queue: param(c, "queue_name") });
    return { status: 200, body: rawJson(res.metadata) };
  },
};

const createQueue: Handler = {
  failure: "createQueue",
  body: true,
  async run(c) {
    const queue = param(c, "queue_name");
    const res = await c.core.call(c.ctx, "createQueue", { queue, metadata: c.body ?? EMPTY });
    return { status: res.created ? 201 : 204, headers: { location: queuePath(queue) } };
  },
};

const updateQueue: Handler = {
  failure: "updateQueue",
  body: true,
  async run(c) {
    requirePatchType(c);
    const res = await c.core.call(c.ctx, "updateQueue", { queue: param(c, "queue_name"), patch: c.body ?? EMPTY });
    return { status: 200, body: rawJson(res.metadata) };
  },
};

const deleteQueue: Handler = {
  failure: "deleteQueue",
  async run(c) {
    await c.core.call(c.ctx, "deleteQueue", { queue: param(c, "queue_name") });
    return NO_CONTENT;
  },
};

const queueStats: Handler = {
  failure: "getQueueStats",
  async run(c) {
    const queue = param(c, "queue_name");
    const s = await c.core.call(c.ctx, "getQueueStats", { queue });
    const extremes = statsExtremes(s, `${queuePath(queue)}/messages`);
    return {
      status: 200,
      body: `{"messages": {"claimed": ${s.claimed}, "free": ${s.free}, "total": ${s.total}${extremes}}}`,
    };
  },
};

const purgeQueue: Handler = {
  failure: "purgeQueue",
  body: true,
  async run(c) {
    await c.core.call(c.ctx, "purgeQueue", { queue: param(c, "queue_name"), body: c.body ?? EMPTY });
    return NO_CONTENT;
  },
};

export const queueRoutes: readonly Route[] = [
  { path: "/v2/queues", methods: { GET: listQueues } },
  {
    path: "/v2/queues/:queue_name",
    methods: { GET: getQueue, PUT: createQueue, PATCH: updateQueue, DELETE: deleteQueue },
  },
  { path: "/v2/queues/:queue_name/stats", methods: { GET: queueStats } },
  { path: "/v2/queues/:queue_name/purge", methods: { POST: purgeQueue } },
];
