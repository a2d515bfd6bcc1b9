/**
 * PoolService handlers (rest-admin-pools-flavors-health.md §3). Policy
 * pools:* = role:admin comes first, as Zaqar's acl.enforce runs before the
 * handler; then the document, then the URI (reachable, capabilities), then
 * one catalog call.
 */
import { create } from "@bufbuild/protobuf";
import {
  CreatePoolResponseSchema,
  DeletePoolResponseSchema,
  GetPoolResponseSchema,
  ListPoolsResponseSchema,
  PoolSchema,
  UpdatePoolResponseSchema,
  type Pool,
} from "../../../proto/gen/zaqar/v1/pool_pb.js";
import { ZaqarError } from "../errors.ts";
import type { Capability, PoolChanges, StoredPool } from "../storage/driver.ts";
import { requireAdmin } from "./admin-policy.ts";
import { readPoolCreate, readPoolPatch } from "./catalog-docs.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { capabilitiesOfUri, createUriProbe, type UriProbe } from "./pool-uri.ts";
import { pageSize, queuesLimitText } from "./validate.ts";

type PoolHandlers = Pick<Handlers, "createPool" | "listPools" | "getPool" | "updatePool" | "deletePool">;

/** Zaqar's default pool page (its storage controllers' limit=10). */
const DEFAULT_PAGE = 10;

const encoder = new TextEncoder();

export function toProtoPool(p: StoredPool, detailed: boolean): Pool {
  return create(PoolSchema, {
    name: p.name,
    uri: p.uri,
    weight: p.weight,
    ...(p.flavor === null ? {} : { flavor: p.flavor }),
    ...(detailed ? { options: encoder.encode(p.options) } : {}),
  });
}

/**
 * The capabilities of a URI the core can reach now; POOL_UNREACHABLE
 * otherwise (Zaqar: 400 "Invalid request body", "cannot connect to <uri>").
 */
export async function reachableCapabilities(probe: UriProbe, uri: string): Promise<readonly Capability[]> {
  const capabilities = capabilitiesOfUri(uri);
  if (capabilities === null || !(await probe.reachable(uri))) {
    throw new ZaqarError("POOL_UNREACHABLE", `cannot connect to ${uri}`);
  }
  return capabilities;
}

/** `probe`: how URIs are checked; the real one (a connection and a PING) unless a caller wires another. */
export function createPoolHandlers(deps: ServiceDeps, probe: UriProbe = createUriProbe()): PoolHandlers {
  const { driver, limits } = deps;
  const maxPerPage = limits.maxPoolsPerPage;

  return {
    async createPool(ctx, req) {
      requireAdmin(ctx);
      const doc = readPoolCreate(req.body);
      const capabilities = await reachableCapabilities(probe, doc.uri);
      await driver.catalog.putPool(req.name, { ...doc, capabilities });
      return create(CreatePoolResponseSchema, {});
    },

    async listPools(ctx, req) {
      requireAdmin(ctx);
      const limit = pageSize(req.limit, DEFAULT_PAGE, maxPerPage, queuesLimitText(maxPerPage));
      const page = await driver.catalog.listPools({ ...(req.marker ? { marker: req.marker } : {}), limit });
      return create(ListPoolsResponseSchema, { pools: page.map((p) => toProtoPool(p, req.detailed)) });
    },

    async getPool(ctx, req) {
      requireAdmin(ctx);
      return create(GetPoolResponseSchema, { pool: toProtoPool(await driver.catalog.getPool(req.name), req.detailed) });
    },

    async updatePool(ctx, req) {
      requireAdmin(ctx);
      const patch = readPoolPatch(req.body);
      // Zaqar checks the new URI before it looks the pool up.
      const uri = patch.uri === undefined ? undefined : { uri: patch.uri, capabilities: await reachableCapabilities(probe, patch.uri) };
      const changes: PoolChanges = {
        ...(uri === undefined ? {} : { uri }),
        ...(patch.weight === undefined ? {} : { weight: patch.weight }),
        ...(patch.flavor === undefined ? {} : { flavor: patch.flavor }),
        ...(patch.options === undefined ? {} : { options: patch.options }),
      };
      const pool = await driver.catalog.updatePool(req.name, changes);
      return create(UpdatePoolResponseSchema, { pool: toProtoPool(pool, false) });
    },

    async deletePool(ctx, req) {
      requireAdmin(ctx);
      await driver.catalog.deletePool(req.name);
      return create(DeletePoolResponseSchema, {});
    },
  };
}
