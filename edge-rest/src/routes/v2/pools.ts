/**
 * Pools (rest-admin-pools-flavors-health.md §3): list, create (PUT), get,
 * update (PATCH) and delete. Routed only with admin mode and pooling on
 * (app.ts). The core decides policy, documents and the catalog's rules; these
 * handlers carry the bytes across and render Zaqar's statuses, headers and
 * bodies.
 */
import type { Pool } from "../../../../proto/gen/zaqar/v1/pool_pb.ts";
import { getBool } from "../../http/query.ts";
import { linksJson, rawJson, setPair, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import { falconEncode, listRequest, readCatalogListParams } from "./catalog-render.ts";
import { EMPTY } from "./collections.ts";

const POOLS = "/v2/pools";
const poolPath = (name: string): string => `${POOLS}/${name}`;

/** A pool as Zaqar shows it, keys in its order: name, flavor, uri, weight, options (detailed only), href. */
export function poolJson(p: Pool, detailed: boolean): string {
  const flavor = p.flavor === undefined ? "null" : str(p.flavor);
  const options = detailed ? `, "options": ${p.options.byteLength === 0 ? "{}" : rawJson(p.options)}` : "";
  return `{"name": ${str(p.name)}, "flavor": ${flavor}, "uri": ${str(p.uri)}, "weight": ${p.weight}${options}, "href": ${str(poolPath(p.name))}}`;
}

const listPools: Handler = {
  failure: "listPools",
  async run(c) {
    const params = readCatalogListParams(c);
    const res = await c.core.call(c.ctx, "listPools", listRequest(params));
    const detailed = params.detailed === true;
    const { pairs } = params;
    if (params.detailed !== undefined) pairs.push(["detailed", params.detailed]);
    const last = res.pools[res.pools.length - 1];
    if (last !== undefined) setPair(pairs, "marker", last.name);
    const items = res.pools.map((p) => poolJson(p, detailed)).join(", ");
    // Zaqar's only Content-Location: the request's own relative URI.
    const url = c.req.url ?? POOLS;
    const query = url.indexOf("?") < 0 ? "" : url.slice(url.indexOf("?") + 1);
    return {
      status: 200,
      headers: { "content-location": falconEncode(query === "" ? POOLS : `${POOLS}?${query}`) },
      body: `{"links": ${linksJson(last === undefined, POOLS, pairs)}, "pools": [${items}]}`,
    };
  },
};

const getPool: Handler = {
  failure: "getPool",
  async run(c) {
    const detailed = getBool(c.query, "detailed") === true;
    const res = await c.core.call(c.ctx, "getPool", { name: param(c, "pool_name"), detailed });
    if (res.pool === undefined) throw new Error("getPool answered without a pool");
    return { status: 200, body: poolJson(res.pool, detailed) };
  },
};

const createPool: Handler = {
  failure: "createPool",
  body: true,
  async run(c) {
    const name = param(c, "pool_name");
    await c.core.call(c.ctx, "createPool", { name, body: c.body ?? EMPTY });
    return { status: 201, headers: { location: falconEncode(poolPath(name)) } };
  },
};

const updatePool: Handler = {
  failure: "updatePool",
  body: true,
  async run(c) {
    const res = await c.core.call(c.ctx, "updatePool", { name: param(c, "pool_name"), body: c.body ?? EMPTY });
    if (res.pool === undefined) throw new Error("updatePool answered without a pool");
    return { status: 200, body: poolJson(res.pool, false) };
  },
};

const deletePool: Handler = {
  failure: "deletePool",
  async run(c) {
    await c.core.call(c.ctx, "deletePool", { name: param(c, "pool_name") });
    return NO_CONTENT;
  },
};

export const poolRoutes: readonly Route[] = [
  { path: POOLS, methods: { GET: listPools } },
  { path: `${POOLS}/:pool_name`, methods: { GET: getPool, PUT: createPool, PATCH: updatePool, DELETE: deletePool } },
];
