/**
 * The redis driver's catalog of pools and flavors (CatalogStore in
 * ../driver.ts): five keys in one hash tag (keys.ts, "The catalog"), one
 * script per atomic operation (lua/*-pool.lua, *-flavor.lua, list-*.lua,
 * lib/catalog.lua). A pool read by name is one HGET.
 */
import type { Capability, CatalogStore, PoolChanges, StoredFlavor, StoredPool } from "../driver.ts";
import { CAPABILITY_ORDER } from "../driver.ts";
import { flavorNotFound, poolCapabilitiesMismatch, poolInUse, poolNotFound, poolUriInUse } from "../failures.ts";
import type { RedisContext } from "./context.ts";
import { catalogKeys, encodeProject, flavorMember } from "./keys.ts";
import { Status } from "./status.ts";

interface PoolRecord {
  readonly u: string;
  readonly w: string;
  readonly f: string;
  readonly o: string;
  readonly c: string;
}

const packCapabilities = (caps: readonly Capability[]): string => CAPABILITY_ORDER.filter((c) => caps.includes(c)).join(",");

function toPool(name: string, raw: string): StoredPool {
  const r = JSON.parse(raw) as PoolRecord;
  return {
    name,
    uri: r.u,
    weight: Number(r.w),
    flavor: r.f === "" ? null : r.f,
    options: r.o,
    capabilities: r.c === "" ? [] : (r.c.split(",") as Capability[]),
  };
}

/** {name, record, name, record, ...} → pools. */
function toPools(flat: readonly string[]): StoredPool[] {
  const out: StoredPool[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push(toPool(flat[i] as string, flat[i + 1] as string));
  return out;
}

/** A status of a catalog script as an error; `name` names the pool or flavor involved. */
function catalogError(code: number, name: string): Error {
  switch (code) {
    case Status.POOL_NOT_FOUND:
      return poolNotFound(name);
    case Status.FLAVOR_NOT_FOUND:
      return flavorNotFound(name);
    case Status.POOL_URI_IN_USE:
      return poolUriInUse();
    case Status.POOL_CAPABILITIES_MISMATCH:
      return poolCapabilitiesMismatch();
    case Status.POOL_IN_USE:
      return poolInUse(name);
    default:
      return new Error(`redis driver: unknown catalog script status ${code}`);
  }
}

/** A reply {status, name}: the status as an error naming `name`; null for any other reply. */
function namedFailure(reply: unknown): Error | null {
  if (!Array.isArray(reply) || typeof reply[0] !== "number") return null;
  return catalogError(reply[0], String(reply[1]));
}

export function createCatalogStore(ctx: RedisContext, base: string): CatalogStore {
  const { client, scripts, run } = ctx;
  const keys = catalogKeys(base);

  return {
    async putPool(name, pool) {
      const reply = await run(() =>
        scripts.putPool(...keys, name, pool.uri, String(pool.weight), pool.flavor ?? "", pool.options, packCapabilities(pool.capabilities)),
      );
      if (reply < 0) throw catalogError(reply, name);
    },

    async updatePool(name, changes: PoolChanges) {
      const { uri, weight, flavor, options } = changes;
      const reply = await run(() =>
        scripts.updatePool(
          ...keys,
          name,
          uri === undefined ? "0" : "1",
          uri?.uri ?? "",
          uri === undefined ? "" : packCapabilities(uri.capabilities),
          weight === undefined ? "" : String(weight),
          flavor === undefined ? "0" : "1",
          flavor ?? "",
          options === undefined ? "0" : "1",
          options ?? "",
        ),
      );
      if (typeof reply === "number") throw catalogError(reply, name);
      return toPool(name, reply);
    },

    async getPool(name) {
      const raw = await run(() => client.hget(keys[1], name));
      if (raw === null) throw poolNotFound(name);
      return toPool(name, raw);
    },

    async listPools({ marker, limit }) {
      const flat = await run(() => scripts.listPools(...keys, marker === undefined ? "0" : "1", marker ?? "", limit));
      return toPools(flat);
    },

    async deletePool(name) {
      const reply = await run(() => scripts.deletePool(...keys, name));
      const failure = namedFailure(reply);
      if (failure !== null) throw failure;
    },

    async putFlavor(scope, name, pools) {
      const reply = await run(() => scripts.putFlavor(...keys, flavorMember(scope.project, name), name, pools));
      const failure = namedFailure(reply);
      if (failure !== null) throw failure;
    },

    async updateFlavor(scope, name, pools) {
      const reply = await run(() => scripts.updateFlavor(...keys, flavorMember(scope.project, name), name, pools));
      if (typeof reply === "number" && reply < 0) throw catalogError(reply, name);
      const failure = namedFailure(reply);
      if (failure !== null) throw failure;
    },

    async getFlavor(scope, name) {
      const reply = await run(() => scripts.getFlavor(...keys, flavorMember(scope.project, name), name));
      if (typeof reply === "number") throw catalogError(reply, name);
      return { name, pools: toPools(reply) };
    },

    async listFlavors(scope, { marker, limit }) {
      const prefix = `${encodeProject(scope.project)}/`;
      const flat = await run(() => scripts.listFlavors(...keys, prefix, marker === undefined ? "0" : "1", marker ?? "", limit));
      const out: StoredFlavor[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ name: flat[i] as string, pools: toPools(flat[i + 1] as string[]) });
      return out;
    },

    async deleteFlavor(scope, name) {
      await run(() => scripts.deleteFlavor(...keys, flavorMember(scope.project, name), name));
    },
  };
}
