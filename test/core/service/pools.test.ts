/**
 * PoolService through the core's handler table and dispatcher, on both
 * stores: policy, documents, URI checks, the catalog's rules and texts.
 */
import test, { type ExecutionContext } from "ava";
import { ZaqarError, type Reason } from "../../../core/src/errors.ts";
import { json, useCatalogStores, type Catalog } from "./catalog-harness.ts";

const { stores, redisUri, deadUri } = useCatalogStores(test);

async function fails(t: ExecutionContext, promise: Promise<unknown>, reason: Reason, description: string): Promise<void> {
  const err = await t.throwsAsync<ZaqarError>(promise, { instanceOf: ZaqarError });
  t.is(err?.reason, reason);
  t.is(err?.description, description);
}

const NOT_AUTHORIZED = ["NOT_AUTHORIZED", "You are not authorized to complete this action."] as const;
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("utf8");
const put = (c: Catalog, name: string, doc: unknown, roles?: readonly string[]) => c.run("createPool", { name, body: json(doc) }, roles);

for (const [store, make] of stores) {
  test(`${store}: every pool operation needs the admin role, checked before the document`, async (t) => {
    const c = await make(t);
    const member = ["member"];
    await fails(t, put(c, "p", "not json", member), ...NOT_AUTHORIZED);
    await fails(t, c.run("listPools", { marker: "", detailed: false, limit: 0 }, member), ...NOT_AUTHORIZED);
    await fails(t, c.run("getPool", { name: "p", detailed: false }, []), ...NOT_AUTHORIZED);
    await fails(t, c.run("updatePool", { name: "p", body: json({}) }, member), ...NOT_AUTHORIZED);
    await fails(t, c.run("deletePool", { name: "p" }, ["administrator"]), ...NOT_AUTHORIZED);
    // Role names compare as oslo.policy compares them: without case.
    await put(c, "p", { weight: 1, uri: "memory:a" }, ["member", "Admin"]);
    t.is((await c.run("getPool", { name: "p", detailed: false }, ["ADMIN"])).pool?.uri, "memory:a");
  });

  test(`${store}: a created pool reads back; options only when detailed, as json.dumps writes them`, async (t) => {
    const c = await make(t);
    const uri = redisUri(1);
    await c.run("createPool", { name: "pool1", body: json('{"weight": 100, "uri": "' + uri + '", "flavor": "gold", "options": {"b": 1.0, "a": [1, "é"], "b": 2e0}}') });
    const plain = (await c.run("getPool", { name: "pool1", detailed: false })).pool!;
    t.like(plain, { name: "pool1", uri, weight: 100, flavor: "gold" });
    t.is(plain.options.byteLength, 0);
    t.is(text((await c.run("getPool", { name: "pool1", detailed: true })).pool!.options), '{"b": 2.0, "a": [1, "é"]}');
    t.deepEqual(await c.driver.catalog.getPool("pool1"), {
      name: "pool1", uri, weight: 100, flavor: "gold", options: '{"b": 2.0, "a": [1, "é"]}',
      capabilities: ["fifo", "claims", "durable", "aod", "high_throughput"],
    });
    await fails(t, c.run("getPool", { name: "pool2", detailed: true }), "POOL_NOT_FOUND", "Pool pool2 does not exist");
  });

  test(`${store}: putting a pool again replaces every field; an empty flavor is none`, async (t) => {
    const c = await make(t);
    await put(c, "p", { weight: 5, uri: "memory:one", flavor: "gold", options: { x: 1 } });
    await put(c, "p", { weight: 0, uri: "memory:two", flavor: "" });
    const pool = (await c.run("getPool", { name: "p", detailed: true })).pool!;
    t.like(pool, { uri: "memory:two", weight: 0, flavor: undefined });
    t.is(text(pool.options), "{}");
    // The first uri is free again.
    await put(c, "q", { weight: 1, uri: "memory:one" });
  });

  test(`${store}: a pool's uri must answer: unknown schemes and dead servers are refused`, async (t) => {
    const c = await make(t);
    const dead = await deadUri();
    for (const uri of [dead, "mongodb://127.0.0.1:27017", "sqlite:///tmp/x.db", "no scheme", ""]) {
      await fails(t, put(c, "p", { weight: 1, uri }), "POOL_UNREACHABLE", `cannot connect to ${uri}`);
    }
    t.deepEqual((await c.run("listPools", { marker: "", detailed: false })).pools, []);
    await put(c, "r", { weight: 1, uri: redisUri(2) });
    await put(c, "m", { weight: 1, uri: "MEMORY:" });
    t.deepEqual((await c.run("listPools", { marker: "", detailed: false })).pools.map((p) => p.name), ["m", "r"]);
  });

  test(`${store}: a uri belongs to one pool, and a flavor's pools offer the same capabilities`, async (t) => {
    const c = await make(t);
    await put(c, "a", { weight: 1, uri: "memory:a", flavor: "f" });
    await fails(t, put(c, "b", { weight: 1, uri: "memory:a" }), "POOL_URI_IN_USE", "The database URI is in use by another pool.");
    await fails(
      t,
      put(c, "b", { weight: 1, uri: redisUri(3), flavor: "f" }),
      "POOL_CAPABILITIES_MISMATCH",
      "The pool being added does not support the minimum set of capabilities",
    );
    await put(c, "b", { weight: 1, uri: "memory:b", flavor: "f" });
  });

  test(`${store}: pool documents are read with Zaqar's schema texts`, async (t) => {
    const c = await make(t);
    const schema = (message: string, quoted: string) => `(${quoted}, <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ${message}`;
    await fails(t, put(c, "p", {}), "INVALID_BODY", schema("'uri' is a required property", `"'uri' is a required property"`));
    await fails(t, put(c, "p", { weight: "1", uri: "memory:" }), "INVALID_BODY", schema("'1' is not of type 'integer'", `"'1' is not of type 'integer'"`));
    for (const body of ["", "{", "5", '"x"', '{"weight": 99999999999999999999, "uri": "memory:"}', "\u00ff"]) {
      await fails(t, c.run("createPool", { name: "p", body: json(body) }), "INVALID_BODY", "JSON could not be parsed.");
    }
    await fails(t, c.run("createPool", { name: "p", body: new Uint8Array([0x7b, 0xff, 0x7d]) }), "INVALID_BODY", "JSON could not be parsed.");
  });

  test(`${store}: pools list by name, 10 by default, within Zaqar's limit`, async (t) => {
    const c = await make(t);
    const names = Array.from({ length: 12 }, (_, i) => `pool-${String(i).padStart(2, "0")}`);
    for (const name of names) await put(c, name, { weight: 1, uri: `memory:${name}`, options: { n: name } });
    const first = await c.run("listPools", { marker: "", detailed: false });
    t.deepEqual(first.pools.map((p) => p.name), names.slice(0, 10));
    t.true(first.pools.every((p) => p.options.byteLength === 0));
    const rest = await c.run("listPools", { marker: "pool-09", detailed: true, limit: 20 });
    t.deepEqual(rest.pools.map((p) => [p.name, text(p.options)]), [["pool-10", '{"n": "pool-10"}'], ["pool-11", '{"n": "pool-11"}']]);
    for (const limit of [0, 21, -1]) {
      await fails(t, c.run("listPools", { marker: "", detailed: false, limit }), "INVALID_REQUEST", "Limit must be at least 1 and no greater than 20.");
    }
  });

  test(`${store}: a pool update changes the fields it names and answers the pool without options`, async (t) => {
    const c = await make(t);
    await put(c, "p", { weight: 1, uri: "memory:p", flavor: "gold", options: { a: 1 } });
    const updated = await c.run("updatePool", { name: "p", body: json({ weight: 7, options: { b: 2 }, ignored: true }) });
    t.like(updated.pool, { name: "p", uri: "memory:p", weight: 7, flavor: "gold" });
    t.is(updated.pool!.options.byteLength, 0);
    t.is(text((await c.run("getPool", { name: "p", detailed: true })).pool!.options), '{"b": 2}');
    t.is((await c.run("updatePool", { name: "p", body: json({ flavor: "" }) })).pool!.flavor, undefined);
    const uri = redisUri(4);
    t.is((await c.run("updatePool", { name: "p", body: json({ uri }) })).pool!.uri, uri);
    t.deepEqual((await c.driver.catalog.getPool("p")).capabilities, ["fifo", "claims", "durable", "aod", "high_throughput"]);
  });

  test(`${store}: a pool update names a field, passes each field's schema, and checks its uri before the pool`, async (t) => {
    const c = await make(t);
    const none = "One of `uri`, `weight`, `flavor`, or `options` needs to be specified";
    for (const doc of [{}, { name: 1 }, [], ["uri2"]]) await fails(t, c.run("updatePool", { name: "p", body: json(doc) }), "INVALID_BODY", none);
    await fails(t, c.run("updatePool", { name: "p", body: json("") }), "INVALID_BODY", "JSON could not be parsed.");
    await fails(
      t,
      c.run("updatePool", { name: "p", body: json({ uri: 1, weight: -1 }) }),
      "INVALID_BODY",
      "('-1 is less than the minimum of 0', <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): -1 is less than the minimum of 0",
    );
    await fails(
      t,
      c.run("updatePool", { name: "p", body: json(["weight"]) }),
      "INVALID_BODY",
      `("['weight'] is not of type 'object'", <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ['weight'] is not of type 'object'`,
    );
    const dead = await deadUri();
    await fails(t, c.run("updatePool", { name: "p", body: json({ uri: dead }) }), "POOL_UNREACHABLE", `cannot connect to ${dead}`);
    await fails(t, c.run("updatePool", { name: "p", body: json({ weight: 2 }) }), "POOL_NOT_FOUND", "Pool p does not exist");
  });

  test(`${store}: deleting a pool: unknown ones too; never the last pool of a flavor`, async (t) => {
    const c = await make(t);
    await c.run("deletePool", { name: "nothing" });
    await put(c, "a", { weight: 1, uri: "memory:a", flavor: "gold" });
    await put(c, "b", { weight: 1, uri: "memory:b", flavor: "gold" });
    await c.run("deletePool", { name: "a" });
    await fails(t, c.run("deletePool", { name: "b" }), "POOL_IN_USE", "This pool is used by flavors gold; It cannot be deleted.");
    await c.run("updatePool", { name: "b", body: json({ flavor: "" }) });
    await c.run("deletePool", { name: "b" });
    t.deepEqual((await c.run("listPools", { marker: "", detailed: false })).pools, []);
  });
}
