/**
 * FlavorService through the core's handler table and dispatcher, on both
 * stores: policy, documents, project scoping, pools joining and leaving,
 * capabilities.
 */
import test, { type ExecutionContext } from "ava";
import { ZaqarError, type Reason } from "../../../core/src/errors.ts";
import { json, useCatalogStores, type Catalog } from "./catalog-harness.ts";

const { stores, redisUri } = useCatalogStores(test);

async function fails(t: ExecutionContext, promise: Promise<unknown>, reason: Reason, description: string): Promise<void> {
  const err = await t.throwsAsync<ZaqarError>(promise, { instanceOf: ZaqarError });
  t.is(err?.reason, reason);
  t.is(err?.description, description);
}

const NOT_AUTHORIZED = ["NOT_AUTHORIZED", "You are not authorized to complete this action."] as const;
const MEMORY = ["FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"];
const REDIS = ["FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"];

const pool = (c: Catalog, name: string, uri = `memory:${name}`) => c.run("createPool", { name, body: json({ weight: 1, uri }) });
const putFlavor = (c: Catalog, name: string, doc: unknown, roles?: readonly string[]) => c.run("createFlavor", { name, body: json(doc) }, roles);
const patchFlavor = (c: Catalog, name: string, doc: unknown) => c.run("updateFlavor", { name, body: json(doc) });
const flavorOf = async (c: Catalog, name: string) => (await c.driver.catalog.getPool(name)).flavor;

for (const [store, make] of stores) {
  test(`${store}: changing flavors needs the admin role; reading them does not`, async (t) => {
    const c = await make(t);
    const member = ["member"];
    await fails(t, putFlavor(c, "gold", "not json", member), ...NOT_AUTHORIZED);
    await fails(t, c.run("updateFlavor", { name: "gold", body: json({}) }, member), ...NOT_AUTHORIZED);
    await fails(t, c.run("deleteFlavor", { name: "gold" }, []), ...NOT_AUTHORIZED);
    await pool(c, "a");
    await putFlavor(c, "gold", { pool_list: ["a"] });
    t.deepEqual((await c.run("getFlavor", { name: "gold" }, [])).flavor?.poolList, ["a"]);
    t.deepEqual((await c.run("listFlavors", { marker: "", detailed: false }, member)).flavors.map((f) => f.name), ["gold"]);
  });

  test(`${store}: a flavor gets its listed pools and offers the capabilities of its first pool`, async (t) => {
    const c = await make(t);
    await pool(c, "b");
    await pool(c, "a");
    await putFlavor(c, "gold", { pool_list: ["b", "a"], capabilities: { ignored: true } });
    t.deepEqual([await flavorOf(c, "a"), await flavorOf(c, "b")], ["gold", "gold"]);
    const gold = (await c.run("getFlavor", { name: "gold" })).flavor!;
    t.deepEqual({ name: gold.name, poolList: gold.poolList, capabilities: gold.capabilities }, { name: "gold", poolList: ["a", "b"], capabilities: MEMORY });
    await pool(c, "r", redisUri(5));
    await putFlavor(c, "durable", { pool_list: ["r"] });
    t.deepEqual((await c.run("getFlavor", { name: "durable" })).flavor!.capabilities, REDIS);
    // A flavor whose pools all left offers nothing.
    await c.run("updatePool", { name: "r", body: json({ flavor: "" }) });
    t.deepEqual((await c.run("getFlavor", { name: "durable" })).flavor!.capabilities, []);
  });

  test(`${store}: a flavor document needs a non-empty pool_list of existing pools`, async (t) => {
    const c = await make(t);
    await pool(c, "a");
    await fails(t, putFlavor(c, "gold", { pool_list: [] }), "FLAVOR_POOL_LIST_EMPTY", "Bad Request");
    const prefix = "Flavor gold could not be created, error:";
    await fails(t, putFlavor(c, "gold", { pool_list: ["a", "nope", "x"] }), "FLAVOR_NOT_CREATED", `${prefix}Pool nope does not exist`);
    await fails(t, putFlavor(c, "gold", { pool_list: ["a", 5] }), "FLAVOR_NOT_CREATED", `${prefix}Pool 5 does not exist`);
    await fails(t, putFlavor(c, "gold", { pool_list: ["zz", { a: 1 }] }), "FLAVOR_NOT_CREATED", `${prefix}Pool zz does not exist`);
    await fails(t, putFlavor(c, "gold", { pool_list: [{ a: [1.5, null, true] }] }), "FLAVOR_NOT_CREATED", `${prefix}Pool {'a': [1.5, None, True]} does not exist`);
    t.is(await flavorOf(c, "a"), null);
    await fails(t, c.run("getFlavor", { name: "gold" }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    await fails(
      t,
      putFlavor(c, "gold", { capabilities: {} }),
      "INVALID_BODY",
      `("{'capabilities': {}} is not valid under any of the given schemas", <unset>, (), None, [<ValidationError: "'pool_list' is a required property">], <unset>, <unset>, <unset>, (), None): {'capabilities': {}} is not valid under any of the given schemas`,
    );
    await fails(
      t,
      putFlavor(c, "gold", { pool_list: "a" }),
      "INVALID_BODY",
      `("'a' is not of type 'array'", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): 'a' is not of type 'array'`,
    );
    await fails(t, c.run("createFlavor", { name: "gold", body: new Uint8Array() }), "INVALID_BODY", "JSON could not be parsed.");
  });

  test(`${store}: flavors belong to their project`, async (t) => {
    const c = await make(t);
    const other = `p-other-${c.project}`;
    await pool(c, "a");
    await putFlavor(c, "gold", { pool_list: ["a"] });
    await fails(t, c.runIn(other, "getFlavor", { name: "gold" }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    t.deepEqual((await c.runIn(other, "listFlavors", { marker: "", detailed: true })).flavors, []);
    await fails(t, c.runIn(other, "updateFlavor", { name: "gold", body: json({ pool_list: ["a"] }) }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
  });

  test(`${store}: flavors list by name with their pools, capabilities only when detailed`, async (t) => {
    const c = await make(t);
    await pool(c, "a");
    await pool(c, "b");
    for (const name of ["k", "m", "z"]) await putFlavor(c, name, { pool_list: ["a"] });
    await putFlavor(c, "k", { pool_list: ["b"] });
    const plain = await c.run("listFlavors", { marker: "", detailed: false, limit: 2 });
    t.deepEqual(plain.flavors.map((f) => [f.name, f.poolList, f.capabilities]), [["k", ["b"], []], ["m", [], []]]);
    const detailed = await c.run("listFlavors", { marker: "m", detailed: true });
    t.deepEqual(detailed.flavors.map((f) => [f.name, f.poolList, f.capabilities]), [["z", ["a"], MEMORY]]);
    for (const limit of [0, 21]) {
      await fails(t, c.run("listFlavors", { marker: "", detailed: false, limit }), "INVALID_REQUEST", "Limit must be at least 1 and no greater than 20.");
    }
  });

  test(`${store}: a flavor update replaces its pools and answers the list as given`, async (t) => {
    const c = await make(t);
    for (const name of ["a", "b"]) await pool(c, name);
    await pool(c, "r", redisUri(6));
    await putFlavor(c, "gold", { pool_list: ["a", "b"] });
    const res = await patchFlavor(c, "gold", { pool_list: ["r", "b", "r"] });
    t.deepEqual({ name: res.flavor!.name, poolList: res.flavor!.poolList, capabilities: res.flavor!.capabilities }, { name: "gold", poolList: ["r", "b", "r"], capabilities: REDIS });
    t.deepEqual([await flavorOf(c, "a"), await flavorOf(c, "b"), await flavorOf(c, "r")], [null, "gold", "gold"]);
  });

  test(`${store}: a flavor update's errors come in Zaqar's order`, async (t) => {
    const c = await make(t);
    await pool(c, "a");
    await fails(t, patchFlavor(c, "gold", { pools: ["a"] }), "INVALID_BODY", "`pool_list` needs to be specified");
    await fails(t, patchFlavor(c, "gold", { pool_list: [] }), "FLAVOR_POOL_LIST_EMPTY", "Bad Request");
    await fails(t, patchFlavor(c, "gold", { pool_list: ["nope"] }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    await fails(t, patchFlavor(c, "gold", { pool_list: [7] }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    await putFlavor(c, "gold", { pool_list: ["a"] });
    const prefix = "Flavor gold cant be updated, error:";
    await fails(t, patchFlavor(c, "gold", { pool_list: ["a", "nope"] }), "FLAVOR_NOT_UPDATED", `${prefix}Pool nope does not exist`);
    await fails(t, patchFlavor(c, "gold", { pool_list: ["a", false] }), "FLAVOR_NOT_UPDATED", `${prefix}Pool False does not exist`);
    await fails(
      t,
      patchFlavor(c, "gold", { pool_list: null }),
      "INVALID_BODY",
      `("None is not of type 'array'", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): None is not of type 'array'`,
    );
    t.is(await flavorOf(c, "a"), "gold");
  });

  test(`${store}: deleting a flavor takes its pools out; unknown flavors delete too`, async (t) => {
    const c = await make(t);
    await pool(c, "a");
    await putFlavor(c, "gold", { pool_list: ["a"] });
    await c.run("deleteFlavor", { name: "gold" });
    await c.run("deleteFlavor", { name: "gold" });
    t.is(await flavorOf(c, "a"), null);
    await fails(t, c.run("getFlavor", { name: "gold" }), "FLAVOR_NOT_FOUND", "Flavor gold does not exist");
    // The pool was the flavor's last; now it is in none, it may go.
    await c.run("deletePool", { name: "a" });
  });
}
