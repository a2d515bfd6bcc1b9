/**
 * The catalog: pools (global) and flavors (per project, pools joined by
 * flavor name). Each test's driver has a catalog of its own (the redis test
 * files give every driver its own catalog keys), so listings start empty.
 */
import { randomUUID } from "node:crypto";
import type { Capability, CatalogStore, NewPool, StoredPool } from "../../../../core/src/storage/driver.ts";
import type { Define } from "./harness.ts";
import { rejects } from "./harness.ts";

const REDIS: readonly Capability[] = ["fifo", "claims", "durable", "aod", "high_throughput"];
const MEMORY: readonly Capability[] = ["fifo", "claims", "aod", "high_throughput"];

/** A pool to store: a unique memory uri, weight 10, no flavor, empty options unless given. */
const newPool = (overrides: Partial<NewPool> = {}): NewPool => ({
  uri: `memory:${randomUUID()}`,
  weight: 10,
  flavor: null,
  options: "{}",
  capabilities: MEMORY,
  ...overrides,
});

/** Stores pools under the given names; answers their records as stored. */
async function putPools(catalog: CatalogStore, names: readonly string[], overrides: Partial<NewPool> = {}): Promise<StoredPool[]> {
  const out: StoredPool[] = [];
  for (const name of names) {
    const pool = newPool(overrides);
    await catalog.putPool(name, pool);
    out.push({ name, ...pool });
  }
  return out;
}

const flavorsOf = async (catalog: CatalogStore, names: readonly string[]): Promise<Array<string | null>> =>
  Promise.all(names.map(async (n) => (await catalog.getPool(n)).flavor));

const notFound = (name: string) => ["POOL_NOT_FOUND", `Pool ${name} does not exist`] as const;
const IN_USE = ["POOL_URI_IN_USE", "The database URI is in use by another pool."] as const;
const MISMATCH = ["POOL_CAPABILITIES_MISMATCH", "The pool being added does not support the minimum set of capabilities"] as const;

export function defineCatalogTests(define: Define): void {
  define("a pool is stored with every field, its options byte for byte", async (t, { driver }) => {
    const pool = newPool({ uri: "redis://127.0.0.1:6390/2", weight: 4294967295, flavor: "gold", options: '{"b": 1.50, "a": "é"}', capabilities: REDIS });
    await driver.catalog.putPool("p1", pool);
    t.deepEqual(await driver.catalog.getPool("p1"), { name: "p1", ...pool });
    await rejects(t, driver.catalog.getPool("p2"), ...notFound("p2"));
  });

  define("putting a pool again replaces every field and frees its old uri", async (t, { driver }) => {
    const [first] = await putPools(driver.catalog, ["p"], { flavor: "f", options: '{"x": 1}' });
    const second = newPool({ weight: 0 });
    await driver.catalog.putPool("p", second);
    t.deepEqual(await driver.catalog.getPool("p"), { name: "p", ...second });
    await driver.catalog.putPool("q", newPool({ uri: first!.uri }));
    t.is((await driver.catalog.getPool("q")).uri, first!.uri);
  });

  define("a uri belongs to one pool: another pool's uri is refused and nothing changes", async (t, { driver }) => {
    const [a] = await putPools(driver.catalog, ["a"]);
    await rejects(t, driver.catalog.putPool("b", newPool({ uri: a!.uri })), ...IN_USE);
    await rejects(t, driver.catalog.getPool("b"), ...notFound("b"));
    // The pool itself may be put again with its own uri.
    await driver.catalog.putPool("a", newPool({ uri: a!.uri, weight: 3 }));
    t.is((await driver.catalog.getPool("a")).weight, 3);
  });

  define("a pool joining a flavor whose pools offer other capabilities is refused, before the uri check", async (t, { driver }) => {
    await putPools(driver.catalog, ["m1"], { flavor: "f", capabilities: MEMORY });
    const taken = (await driver.catalog.getPool("m1")).uri;
    await rejects(t, driver.catalog.putPool("r1", newPool({ flavor: "f", capabilities: REDIS, uri: taken })), ...MISMATCH);
    await rejects(t, driver.catalog.getPool("r1"), ...notFound("r1"));
    // Same capabilities (given in any order, returned in Zaqar's) join; a pool alone may change its own.
    await driver.catalog.putPool("m2", newPool({ flavor: "f", capabilities: [...MEMORY].reverse() }));
    await driver.catalog.putPool("r2", newPool({ flavor: "g", capabilities: REDIS }));
    await driver.catalog.putPool("r2", newPool({ flavor: "g", capabilities: MEMORY }));
    t.deepEqual((await driver.catalog.getPool("m2")).capabilities, MEMORY);
  });

  define("pools list by name in byte order, a page at a time after a marker", async (t, { driver }) => {
    const names = ["b", "a", "é", "B", "a.b", "zz"];
    await putPools(driver.catalog, names);
    const page1 = await driver.catalog.listPools({ limit: 4 });
    t.deepEqual(page1.map((p) => p.name), ["B", "a", "a.b", "b"]);
    const page2 = await driver.catalog.listPools({ marker: "b", limit: 4 });
    t.deepEqual(page2.map((p) => p.name), ["zz", "é"]);
    t.deepEqual(await driver.catalog.listPools({ marker: "é", limit: 4 }), []);
    t.deepEqual((await driver.catalog.listPools({ marker: "a0", limit: 1 })).map((p) => p.name), ["b"]);
    t.deepEqual(page1[0], await driver.catalog.getPool("B"));
  });

  define("a pool update changes only the given fields and answers the pool", async (t, { driver }) => {
    const [p] = await putPools(driver.catalog, ["p"], { flavor: "f", options: '{"k": [1]}' });
    t.deepEqual(await driver.catalog.updatePool("p", { weight: 7 }), { ...p!, weight: 7 });
    const uri = `redis://localhost:1/${randomUUID()}`;
    const moved = await driver.catalog.updatePool("p", { uri: { uri, capabilities: REDIS }, options: "{}" });
    t.deepEqual(moved, { ...p!, weight: 7, uri, capabilities: REDIS, options: "{}" });
    t.deepEqual(await driver.catalog.getPool("p"), moved);
    // The old uri is free again.
    await driver.catalog.putPool("q", newPool({ uri: p!.uri }));
    t.is((await driver.catalog.updatePool("p", { flavor: null })).flavor, null);
    await rejects(t, driver.catalog.updatePool("nope", { weight: 1 }), ...notFound("nope"));
  });

  define("a pool update to another pool's uri or into a flavor of other capabilities changes nothing", async (t, { driver }) => {
    const [a, b] = await putPools(driver.catalog, ["a", "b"]);
    const [r] = await putPools(driver.catalog, ["r", "r2"], { flavor: "f", capabilities: REDIS });
    await rejects(t, driver.catalog.updatePool("a", { uri: { uri: b!.uri, capabilities: MEMORY }, weight: 99 }), ...IN_USE);
    await rejects(t, driver.catalog.updatePool("a", { flavor: "f", weight: 99 }), ...MISMATCH);
    await rejects(t, driver.catalog.updatePool("r", { uri: { uri: `memory:${randomUUID()}`, capabilities: MEMORY } }), ...MISMATCH);
    t.deepEqual(await driver.catalog.getPool("r"), r);
    t.deepEqual(await driver.catalog.getPool("a"), a);
    // Not found comes first.
    await rejects(t, driver.catalog.updatePool("x", { uri: { uri: b!.uri, capabilities: MEMORY } }), ...notFound("x"));
  });

  define("deleting a pool frees its uri; an absent pool deletes without error", async (t, { driver }) => {
    const [p] = await putPools(driver.catalog, ["p"]);
    await driver.catalog.deletePool("p");
    await driver.catalog.deletePool("p");
    await rejects(t, driver.catalog.getPool("p"), ...notFound("p"));
    t.deepEqual(await driver.catalog.listPools({ limit: 10 }), []);
    await driver.catalog.putPool("q", newPool({ uri: p!.uri }));
  });

  define("the last pool of a flavor cannot be deleted; one of several can", async (t, { driver }) => {
    await putPools(driver.catalog, ["a", "b"], { flavor: "gold" });
    await driver.catalog.deletePool("a");
    await rejects(t, driver.catalog.deletePool("b"), "POOL_IN_USE", "This pool is used by flavors gold; It cannot be deleted.");
    t.is((await driver.catalog.getPool("b")).flavor, "gold");
    await driver.catalog.updatePool("b", { flavor: null });
    await driver.catalog.deletePool("b");
    t.deepEqual(await driver.catalog.listPools({ limit: 10 }), []);
  });

  define("a flavor puts its listed pools in it and keeps pools it already had", async (t, { driver, project }) => {
    const scope = { project };
    await putPools(driver.catalog, ["a", "b", "c"]);
    await driver.catalog.putFlavor(scope, "gold", ["b", "a"]);
    t.deepEqual(await flavorsOf(driver.catalog, ["a", "b", "c"]), ["gold", "gold", null]);
    const gold = await driver.catalog.getFlavor(scope, "gold");
    t.is(gold.name, "gold");
    t.deepEqual(gold.pools, [await driver.catalog.getPool("a"), await driver.catalog.getPool("b")]);
    // Putting it again with another list adds; a pool of another flavor moves.
    await driver.catalog.putFlavor(scope, "silver", ["c"]);
    await driver.catalog.putFlavor(scope, "gold", ["c"]);
    t.deepEqual(await flavorsOf(driver.catalog, ["a", "b", "c"]), ["gold", "gold", "gold"]);
    t.deepEqual((await driver.catalog.getFlavor(scope, "silver")).pools, []);
  });

  define("a flavor naming an unknown pool is refused and changes nothing", async (t, { driver, project }) => {
    const scope = { project };
    await putPools(driver.catalog, ["a"]);
    await rejects(t, driver.catalog.putFlavor(scope, "gold", ["a", "x", "y"]), ...notFound("x"));
    t.deepEqual(await flavorsOf(driver.catalog, ["a"]), [null]);
    await rejects(t, driver.catalog.getFlavor(scope, "gold"), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
  });

  define("a flavor update replaces its pools; unknown flavor comes before unknown pool", async (t, { driver, project }) => {
    const scope = { project };
    await putPools(driver.catalog, ["a", "b", "c"]);
    await rejects(t, driver.catalog.updateFlavor(scope, "gold", ["x"]), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    await driver.catalog.putFlavor(scope, "gold", ["a", "b"]);
    await driver.catalog.updateFlavor(scope, "gold", ["c", "b"]);
    t.deepEqual(await flavorsOf(driver.catalog, ["a", "b", "c"]), [null, "gold", "gold"]);
    await rejects(t, driver.catalog.updateFlavor(scope, "gold", ["a", "zz"]), ...notFound("zz"));
    t.deepEqual(await flavorsOf(driver.catalog, ["a", "b", "c"]), [null, "gold", "gold"]);
    t.deepEqual((await driver.catalog.getFlavor(scope, "gold")).pools.map((p) => p.name), ["b", "c"]);
  });

  define("flavors belong to a project and list by name a page at a time", async (t, { driver, project }) => {
    const mine = { project };
    const other = { project: `p-${randomUUID()}` };
    await putPools(driver.catalog, ["a", "b"]);
    for (const name of ["m", "k", "z", "é"]) await driver.catalog.putFlavor(mine, name, ["a"]);
    await driver.catalog.putFlavor(mine, "k", ["b"]);
    await driver.catalog.putFlavor(other, "o", ["a"]);
    const page1 = await driver.catalog.listFlavors(mine, { limit: 2 });
    t.deepEqual(page1.map((f) => f.name), ["k", "m"]);
    // "a" moved to each flavor in turn and ended in "é"; "b" is in "k".
    t.deepEqual(page1.map((f) => f.pools.map((p) => p.name)), [["b"], []]);
    t.deepEqual((await driver.catalog.listFlavors(mine, { marker: "m", limit: 5 })).map((f) => f.name), ["z", "é"]);
    t.deepEqual(await driver.catalog.listFlavors(mine, { marker: "é", limit: 5 }), []);
    t.deepEqual((await driver.catalog.listFlavors(other, { limit: 5 })).map((f) => f.name), ["o"]);
    await rejects(t, driver.catalog.getFlavor(other, "k"), "FLAVOR_NOT_FOUND", "Flavor k does not exist");
    t.deepEqual(await driver.catalog.listFlavors({ project: `p-${randomUUID()}` }, { limit: 5 }), []);
  });

  define("pools join flavors by name, so same-named flavors of two projects share them", async (t, { driver, project }) => {
    const other = { project: `p-${randomUUID()}` };
    await putPools(driver.catalog, ["a", "b"]);
    await driver.catalog.putFlavor({ project }, "gold", ["a"]);
    await driver.catalog.putFlavor(other, "gold", ["b"]);
    t.deepEqual((await driver.catalog.getFlavor({ project }, "gold")).pools.map((p) => p.name), ["a", "b"]);
  });

  define("deleting a flavor takes every pool out of it, with or without the record", async (t, { driver, project }) => {
    const scope = { project };
    await putPools(driver.catalog, ["a", "b"]);
    await driver.catalog.putFlavor(scope, "gold", ["a", "b"]);
    await driver.catalog.deleteFlavor(scope, "gold");
    t.deepEqual(await flavorsOf(driver.catalog, ["a", "b"]), [null, null]);
    await rejects(t, driver.catalog.getFlavor(scope, "gold"), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    await driver.catalog.deleteFlavor(scope, "gold");
    // A pool naming a flavor no project has leaves it too.
    await driver.catalog.updatePool("a", { flavor: "loose" });
    await driver.catalog.deleteFlavor(scope, "loose");
    t.deepEqual(await flavorsOf(driver.catalog, ["a"]), [null]);
    t.deepEqual(await driver.catalog.listFlavors(scope, { limit: 5 }), []);
  });
}
