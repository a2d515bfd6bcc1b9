/**
 * The memory driver's catalog of pools and flavors (CatalogStore in
 * ../driver.ts). Driver-wide state; every method runs without awaiting, so
 * each is atomic. Catalogs are small (admin-made), so pages sort on demand.
 */
import { CAPABILITY_ORDER, type Capability, type CatalogStore, type NewPool, type PoolChanges, type ProjectScope, type StoredFlavor, type StoredPool } from "../driver.ts";
import { flavorNotFound, poolCapabilitiesMismatch, poolInUse, poolNotFound, poolUriInUse } from "../failures.ts";
import { compareBytes } from "./sorted.ts";

type PoolRecord = NewPool;

const sameCapabilities = (a: readonly Capability[], b: readonly Capability[]): boolean =>
  a.length === b.length && a.every((c) => b.includes(c));

/** The names after `marker`, byte order, at most `limit`. */
function page(names: Iterable<string>, marker: string | undefined, limit: number): string[] {
  const sorted = [...names].sort(compareBytes);
  const from = marker === undefined ? 0 : sorted.findIndex((n) => compareBytes(n, marker) > 0);
  return from < 0 ? [] : sorted.slice(from, from + limit);
}

export function createCatalogStore(): CatalogStore {
  const pools = new Map<string, PoolRecord>();
  /** uri → pool name. */
  const uris = new Map<string, string>();
  /** project → its flavor names. */
  const flavors = new Map<string, Set<string>>();

  const view = (name: string, p: PoolRecord): StoredPool => ({ name, ...p, capabilities: [...p.capabilities] });

  const poolsOf = (flavor: string): StoredPool[] =>
    [...pools.entries()]
      .filter(([, p]) => p.flavor === flavor)
      .sort(([a], [b]) => compareBytes(a, b))
      .map(([n, p]) => view(n, p));

  /** Throws when a pool other than `name` in `flavor` offers other capabilities. */
  function checkCapabilities(name: string, flavor: string | null, capabilities: readonly Capability[]): void {
    if (flavor === null) return;
    for (const [other, p] of pools) {
      if (other !== name && p.flavor === flavor && !sameCapabilities(p.capabilities, capabilities)) throw poolCapabilitiesMismatch();
    }
  }

  function checkUri(name: string, uri: string): void {
    const owner = uris.get(uri);
    if (owner !== undefined && owner !== name) throw poolUriInUse();
  }

  function store(name: string, next: PoolRecord): void {
    const old = pools.get(name);
    if (old !== undefined && old.uri !== next.uri) uris.delete(old.uri);
    pools.set(name, { ...next, capabilities: CAPABILITY_ORDER.filter((c) => next.capabilities.includes(c)) });
    uris.set(next.uri, name);
  }

  function firstMissing(names: readonly string[]): string | undefined {
    return names.find((n) => !pools.has(n));
  }

  function join(names: readonly string[], flavor: string): void {
    for (const n of names) {
      const p = pools.get(n);
      if (p !== undefined) pools.set(n, { ...p, flavor });
    }
  }

  const hasFlavor = (scope: ProjectScope, name: string): boolean => flavors.get(scope.project)?.has(name) === true;

  return {
    async putPool(name, pool) {
      checkCapabilities(name, pool.flavor, pool.capabilities);
      checkUri(name, pool.uri);
      store(name, pool);
    },

    async updatePool(name, changes: PoolChanges) {
      const old = pools.get(name);
      if (old === undefined) throw poolNotFound(name);
      const next: PoolRecord = {
        uri: changes.uri?.uri ?? old.uri,
        capabilities: changes.uri?.capabilities ?? old.capabilities,
        weight: changes.weight ?? old.weight,
        flavor: changes.flavor === undefined ? old.flavor : changes.flavor,
        options: changes.options ?? old.options,
      };
      if (changes.uri !== undefined || (changes.flavor !== undefined && changes.flavor !== null)) {
        checkCapabilities(name, next.flavor, next.capabilities);
      }
      checkUri(name, next.uri);
      store(name, next);
      return view(name, pools.get(name) as PoolRecord);
    },

    async getPool(name) {
      const p = pools.get(name);
      if (p === undefined) throw poolNotFound(name);
      return view(name, p);
    },

    async listPools({ marker, limit }) {
      return page(pools.keys(), marker, limit).map((n) => view(n, pools.get(n) as PoolRecord));
    },

    async deletePool(name) {
      const p = pools.get(name);
      if (p === undefined) return;
      if (p.flavor !== null && poolsOf(p.flavor).length === 1) throw poolInUse(p.flavor);
      pools.delete(name);
      uris.delete(p.uri);
    },

    async putFlavor(scope, name, names) {
      const missing = firstMissing(names);
      if (missing !== undefined) throw poolNotFound(missing);
      let own = flavors.get(scope.project);
      if (own === undefined) flavors.set(scope.project, (own = new Set()));
      own.add(name);
      join(names, name);
    },

    async updateFlavor(scope, name, names) {
      if (!hasFlavor(scope, name)) throw flavorNotFound(name);
      const missing = firstMissing(names);
      if (missing !== undefined) throw poolNotFound(missing);
      for (const [n, p] of pools) if (p.flavor === name && !names.includes(n)) pools.set(n, { ...p, flavor: null });
      join(names, name);
    },

    async getFlavor(scope, name) {
      if (!hasFlavor(scope, name)) throw flavorNotFound(name);
      return { name, pools: poolsOf(name) };
    },

    async listFlavors(scope, { marker, limit }): Promise<StoredFlavor[]> {
      return page(flavors.get(scope.project) ?? [], marker, limit).map((name) => ({ name, pools: poolsOf(name) }));
    },

    async deleteFlavor(scope, name) {
      for (const [n, p] of pools) if (p.flavor === name) pools.set(n, { ...p, flavor: null });
      const own = flavors.get(scope.project);
      own?.delete(name);
      if (own?.size === 0) flavors.delete(scope.project);
    },
  };
}
