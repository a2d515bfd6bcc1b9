/**
 * Flavors (rest-admin-pools-flavors-health.md §4): list, create (PUT), get,
 * update (PATCH) and delete, in the caller's project. Routed only with admin
 * mode and pooling on (app.ts). The core decides policy (reading is open to
 * all), documents and the catalog's rules; these handlers render Zaqar's
 * answers.
 */
import type { Flavor } from "../../../../proto/gen/zaqar/v1/flavor_pb.ts";
import { CoreError } from "../../core-client.ts";
import { HttpError } from "../../errors.ts";
import { linksJson, setPair, str } from "../../render.ts";
import { NO_CONTENT, param, type Handler, type Route } from "../../route.ts";
import { falconEncode, listRequest, readCatalogListParams } from "./catalog-render.ts";
import { EMPTY } from "./collections.ts";

const FLAVORS = "/v2/flavors";
const flavorPath = (name: string): string => `${FLAVORS}/${name}`;

const strings = (list: readonly string[]): string => `[${list.map(str).join(", ")}]`;

/** A flavor as GET and PATCH answer it: name, capabilities, pool_list, href. */
function flavorJson(f: Flavor): string {
  return `{"name": ${str(f.name)}, "capabilities": ${strings(f.capabilities)}, "pool_list": ${strings(f.poolList)}, "href": ${str(flavorPath(f.name))}}`;
}

/** A listing entry: name, href, pool_list when it has pools, capabilities when detailed. */
function entryJson(f: Flavor, detailed: boolean): string {
  const pools = f.poolList.length === 0 ? "" : `, "pool_list": ${strings(f.poolList)}`;
  const caps = detailed ? `, "capabilities": ${strings(f.capabilities)}` : "";
  return `{"name": ${str(f.name)}, "href": ${str(flavorPath(f.name))}${pools}${caps}}`;
}

/**
 * Zaqar sets Location before it refuses an empty pool_list, and Falcon keeps
 * the header on the error: the 400 carries it.
 */
function withLocationOnEmptyList(err: unknown, name: string): unknown {
  if (!(err instanceof CoreError) || err.detail?.reason !== "FLAVOR_POOL_LIST_EMPTY") return err;
  return new HttpError(err.detail.httpStatus, err.detail.title, err.description, { location: falconEncode(flavorPath(name)) });
}

const listFlavors: Handler = {
  failure: "listFlavors",
  async run(c) {
    const params = readCatalogListParams(c);
    const res = await c.core.call(c.ctx, "listFlavors", listRequest(params));
    const { pairs } = params;
    const last = res.flavors[res.flavors.length - 1];
    if (last !== undefined) setPair(pairs, "marker", last.name);
    // Zaqar adds detailed to the link after the marker.
    if (params.detailed !== undefined) pairs.push(["detailed", params.detailed]);
    const items = res.flavors.map((f) => entryJson(f, params.detailed === true)).join(", ");
    return { status: 200, body: `{"links": ${linksJson(last === undefined, FLAVORS, pairs)}, "flavors": [${items}]}` };
  },
};

const getFlavor: Handler = {
  failure: "getFlavor",
  async run(c) {
    const res = await c.core.call(c.ctx, "getFlavor", { name: param(c, "flavor_name") });
    if (res.flavor === undefined) throw new Error("getFlavor answered without a flavor");
    return { status: 200, body: flavorJson(res.flavor) };
  },
};

const createFlavor: Handler = {
  failure: "createFlavor",
  body: true,
  async run(c) {
    const name = param(c, "flavor_name");
    await c.core.call(c.ctx, "createFlavor", { name, body: c.body ?? EMPTY }).catch((err: unknown) => {
      throw withLocationOnEmptyList(err, name);
    });
    return { status: 201, headers: { location: falconEncode(flavorPath(name)) } };
  },
};

const updateFlavor: Handler = {
  failure: "updateFlavor",
  body: true,
  async run(c) {
    const name = param(c, "flavor_name");
    const res = await c.core.call(c.ctx, "updateFlavor", { name, body: c.body ?? EMPTY }).catch((err: unknown) => {
      throw withLocationOnEmptyList(err, name);
    });
    if (res.flavor === undefined) throw new Error("updateFlavor answered without a flavor");
    return { status: 200, body: flavorJson(res.flavor) };
  },
};

const deleteFlavor: Handler = {
  failure: "deleteFlavor",
  async run(c) {
    await c.core.call(c.ctx, "deleteFlavor", { name: param(c, "flavor_name") });
    return NO_CONTENT;
  },
};

export const flavorRoutes: readonly Route[] = [
  { path: FLAVORS, methods: { GET: listFlavors } },
  { path: `${FLAVORS}/:flavor_name`, methods: { GET: getFlavor, PUT: createFlavor, PATCH: updateFlavor, DELETE: deleteFlavor } },
];
