/**
 * Queues: list, create (PUT), metadata (GET), JSON-patch (PATCH), delete,
 * stats and purge (rest-queues.md §3).
 */
import { HttpError } from "../../errors.ts";
import { getBool, getInt, getParam } from "../../http/query.ts";
import { linksJson, queuePath, rawJson, setPair, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";

type Pair = [string, string | number | boolean];

const EMPTY = new Uint8Array(0);
const PATCH_TYPE = "application/openstack-messaging-v2.0-json-patch";
/** Zaqar puts a Python dict repr in the title, and no description. */
const PATCH_415 = `Accepted media type for PATCH: {'Accept-Patch': '${PATCH_TYPE}'}.`;

const listQueues: Handler = {
  failure: "listQueues",
  async run(c) {
    // Read in Zaqar's order (first bad one wins); the link repeats them in it.
    const pairs: Pair[] = [];
    const marker = getParam(c.query, "marker");
    if (marker !== undefined) pairs.push(["marker", marker]);
    const limit = getInt(c.query, "limit");
    if (limit !== undefined) pairs.push(["limit", limit]);
    const detailed = getBool(c.query, "detailed");
    if (detailed !== undefined) pairs.push(["detailed", detailed]);
    const name = getParam(c.query, "name");
    if (name !== undefined) pairs.push(["name", name]);
    const withCount = getBool(c.query, "with_count");
    if (withCount !== undefined) pairs.push(["with_count", withCount]);

    const res = await c.core.call(c.ctx, "listQueues", {
      ...(limit === undefined ? {} : { limit }),
      marker: marker ?? "",
      detailed: detailed === true,
      withCount: withCount === true,
    });
    let items = "";
    for (const q of res.queues) {
      const href = str(queuePath(q.name));
      items += items === "" ? "" : ", ";
      items += detailed === true
        ? `{"name": ${str(q.name)}, "metadata": ${rawJson(q.metadata)}, "href": ${href}}`
        : `{"name": ${str(q.name)}, "href": ${href}}`;
    }
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
    // Exact string equality, as Zaqar: parameters (e.g. charset) are refused too.
    if (c.req.headers["content-type"] !== PATCH_TYPE) throw new HttpError(415, PATCH_415);
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

/** Stats timestamps: "%Y-%m-%dT%H:%M:%SZ" (UTC). */
const isoSeconds = (ms: bigint | number): string => `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;

const queueStats: Handler = {
  failure: "getQueueStats",
  async run(c) {
    const queue = param(c, "queue_name");
    const s = await c.core.call(c.ctx, "getQueueStats", { queue });
    let extremes = "";
    if (Number(s.total) !== 0 && s.oldest !== undefined && s.newest !== undefined) {
      const base = `${queuePath(queue)}/messages/`;
      const stat = (m: typeof s.oldest & object): string =>
        `{"age": ${m.age}, "created": "${isoSeconds(m.createdAtMs)}", "href": ${str(base + m.id)}}`;
      extremes = `, "oldest": ${stat(s.oldest)}, "newest": ${stat(s.newest)}`;
    }
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
