/**
 * Pools over REST (rest-admin-pools-flavors-health.md §3, §5) with admin
 * mode and pooling on, exact frames on both stores. Pools are global, so
 * every test names its own pools (and uses its own URIs); listings page
 * after a marker that only this test's names follow.
 */
import { randomUUID } from "node:crypto";
import anyTest, { type TestFn } from "ava";
import { freePort } from "../helpers/free-port.ts";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { BODY, ERROR_HEADERS, errorText, type Api } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const stores = useEdgeOnStores(test, {}, { adminMode: true, pooling: true });

/** A redis-server the pools point at (not the store's). */
let target: RedisServer | undefined;
test.before(async () => {
  target = await startRedisServer();
});
test.after.always(async () => target?.stop());

const ADMIN = { "X-Roles": "admin" };
const FORBIDDEN = errorText("Not authorized", "You are not authorized to complete this action.");
/** A unique name prefix: names of this test sort together, after the prefix itself. */
const prefix = (): string => `t${randomUUID().slice(0, 8)}-`;
const schemaText = (message: string, quoted: string): string =>
  `(${quoted}, <unset>, (), None, (), <unset>, <unset>, <unset>, (), None): ${message}`;

const putPool = (api: Api, name: string, doc: object) => api.put(`/v2/pools/${name}`, doc, ADMIN);

for (const [store, env] of stores) {
  test(`${store}: every pool route refuses a caller without the admin role with 403`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    for (const [method, path, body] of [
      ["GET", "/v2/pools", undefined],
      ["GET", `/v2/pools/${name}`, undefined],
      ["PUT", `/v2/pools/${name}`, "not json"],
      ["PATCH", `/v2/pools/${name}`, { weight: 1 }],
      ["DELETE", `/v2/pools/${name}`, undefined],
    ] as const) {
      const res = await api.send({ method, path, headers: { "X-Roles": "member" }, ...(body === undefined ? {} : { body }) });
      t.is(res.status, 403, `${method} ${path}`);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, FORBIDDEN);
    }
  });

  test(`${store}: PUT creates a pool (201, Location, no body) and GET shows it, options only when detailed`, async (t) => {
    const api = env.api();
    const name = `${prefix()}pool1`;
    const uri = `${(target as RedisServer).url}/1`;
    const res = await api.put(`/v2/pools/${name}`, `{"weight": 100, "uri": "${uri}", "flavor": "gold", "options": {"max_retry_sleep": 1, "b":[1.0,"é"]}}`, ADMIN);
    t.is(res.status, 201);
    t.is(res.headers["location"], `/v2/pools/${name}`);
    t.is(res.text, "");
    const plain = await api.get(`/v2/pools/${name}`, ADMIN);
    t.is(plain.status, 200);
    t.is(plain.headers["content-type"], "application/json");
    t.is(plain.text, `{"name": "${name}", "flavor": "gold", "uri": "${uri}", "weight": 100, "href": "/v2/pools/${name}"}`);
    const detailed = await api.get(`/v2/pools/${name}?detailed=true`, ADMIN);
    t.is(detailed.text, `{"name": "${name}", "flavor": "gold", "uri": "${uri}", "weight": 100, "options": {"max_retry_sleep": 1, "b": [1.0, "é"]}, "href": "/v2/pools/${name}"}`);
  });

  test(`${store}: PUT on an existing pool replaces it and answers 201 again`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    t.is((await putPool(api, name, { weight: 1, uri: `memory:${name}`, flavor: "f", options: { a: 1 } })).status, 201);
    t.is((await putPool(api, name, { weight: 2, uri: `memory:${name}-2` })).status, 201);
    const res = await api.get(`/v2/pools/${name}?detailed=True`, ADMIN);
    t.is(res.text, `{"name": "${name}", "flavor": null, "uri": "memory:${name}-2", "weight": 2, "options": {}, "href": "/v2/pools/${name}"}`);
  });

  test(`${store}: a pool whose uri does not answer is refused with 400 "cannot connect to"`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    const dead = `redis://127.0.0.1:${await freePort()}`;
    for (const uri of [dead, "mongodb://127.0.0.1:27017"]) {
      const res = await putPool(api, name, { weight: 1, uri });
      t.is(res.status, 400);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, BODY(`cannot connect to ${uri}`));
    }
    t.is((await api.get(`/v2/pools/${name}`, ADMIN)).text, errorText("Not found", `Pool ${name} does not exist`));
  });

  test(`${store}: PUT bodies are checked with Zaqar's texts`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    const cases: ReadonlyArray<readonly [unknown, string]> = [
      ["{", "JSON could not be parsed."],
      ["", "JSON could not be parsed."],
      [{}, schemaText("'uri' is a required property", `"'uri' is a required property"`)],
      [{ weight: -1, uri: "memory:" }, schemaText("-1 is less than the minimum of 0", "'-1 is less than the minimum of 0'")],
      [{ weight: 4294967296, uri: "memory:" }, schemaText("4294967296 is greater than the maximum of 4294967295", "'4294967296 is greater than the maximum of 4294967295'")],
      ['{"weight": 1.0, "uri": "memory:"}', schemaText("1.0 is not of type 'integer'", `"1.0 is not of type 'integer'"`)],
      [{ weight: 1, uri: "memory:", pool_group: "g" }, schemaText("Additional properties are not allowed ('pool_group' was unexpected)", `"Additional properties are not allowed ('pool_group' was unexpected)"`)],
    ];
    for (const [body, description] of cases) {
      const res = await api.send({ method: "PUT", path: `/v2/pools/${name}`, headers: ADMIN, body: body as string | object });
      t.is(res.status, 400, JSON.stringify(body));
      t.is(res.text, BODY(description), JSON.stringify(body));
    }
  });

  test(`${store}: a uri of another pool is 409, and a flavor's pools must offer the same capabilities`, async (t) => {
    const api = env.api();
    const p = prefix();
    await putPool(api, `${p}a`, { weight: 1, uri: `memory:${p}a`, flavor: `${p}f` });
    const taken = await putPool(api, `${p}b`, { weight: 1, uri: `memory:${p}a` });
    t.is(taken.status, 409);
    t.like(taken.headers, ERROR_HEADERS);
    t.is(taken.text, errorText("Resource conflict", "The database URI is in use by another pool."));
    const mismatch = await putPool(api, `${p}b`, { weight: 1, uri: `${(target as RedisServer).url}/2`, flavor: `${p}f` });
    t.is(mismatch.status, 400);
    t.is(mismatch.text, errorText("Unable to create pool", "The pool being added does not support the minimum set of capabilities"));
  });

  test(`${store}: GET /v2/pools lists pools after the marker with a next link and Content-Location`, async (t) => {
    const api = env.api();
    const p = prefix();
    for (const n of ["c", "a", "b"]) await putPool(api, `${p}${n}`, { weight: 5, uri: `memory:${p}${n}`, options: { n } });
    const pool = (n: string, detailed: boolean) =>
      `{"name": "${p}${n}", "flavor": null, "uri": "memory:${p}${n}", "weight": 5${detailed ? `, "options": {"n": "${n}"}` : ""}, "href": "/v2/pools/${p}${n}"}`;
    const first = await api.get(`/v2/pools?marker=${p}&limit=2`, ADMIN);
    t.is(first.status, 200);
    t.is(first.headers["content-location"], `/v2/pools?marker=${p}&limit=2`);
    t.is(first.text, `{"links": [{"rel": "next", "href": "/v2/pools?marker=${p}b&limit=2"}], "pools": [${pool("a", false)}, ${pool("b", false)}]}`);
    const next = await api.get(`/v2/pools?limit=1&detailed=true&marker=${p}b`, ADMIN);
    t.is(next.headers["content-location"], `/v2/pools?limit=1&detailed=true&marker=${p}b`);
    // The link names the parameters in the order Zaqar reads them: marker, limit, detailed.
    t.is(next.text, `{"links": [{"rel": "next", "href": "/v2/pools?marker=${p}c&limit=1&detailed=true"}], "pools": [${pool("c", true)}]}`);
    const given = await api.get(`/v2/pools?detailed=false&limit=1&marker=${p}a`, ADMIN);
    t.is(given.text, `{"links": [{"rel": "next", "href": "/v2/pools?marker=${p}b&limit=1&detailed=false"}], "pools": [${pool("b", false)}]}`);
    // Nothing sorts after the last code point: an empty page has no link.
    const empty = await api.get("/v2/pools?marker=%F4%8F%BF%BF&x=%20y", ADMIN);
    t.is(empty.headers["content-location"], "/v2/pools?marker=%25F4%258F%25BF%25BF&x=%2520y");
    t.is(empty.text, '{"links": [], "pools": []}');
  });

  test(`${store}: pool listings refuse a limit outside 1..20 and malformed parameters`, async (t) => {
    const api = env.api();
    for (const limit of ["0", "21"]) {
      const res = await api.get(`/v2/pools?limit=${limit}`, ADMIN);
      t.is(res.status, 400);
      t.is(res.text, errorText("Invalid API request", "Limit must be at least 1 and no greater than 20."));
    }
    t.is((await api.get("/v2/pools?limit=x", ADMIN)).text, errorText("Invalid parameter", 'The "limit" parameter is invalid. The value must be an integer.'));
    t.is(
      (await api.get("/v2/pools?detailed=yes2", ADMIN)).text,
      errorText("Invalid parameter", 'The "detailed" parameter is invalid. The value of the parameter must be "true" or "false".'),
    );
  });

  test(`${store}: PATCH changes the named fields and answers the pool without options`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    await putPool(api, name, { weight: 1, uri: `memory:${name}`, flavor: "f", options: { a: 1 } });
    const res = await api.patch(`/v2/pools/${name}`, { weight: 9, flavor: "" }, ADMIN);
    t.is(res.status, 200);
    t.is(res.text, `{"name": "${name}", "flavor": null, "uri": "memory:${name}", "weight": 9, "href": "/v2/pools/${name}"}`);
    const none = await api.patch(`/v2/pools/${name}`, { name: "x" }, ADMIN);
    t.is(none.status, 400);
    t.is(none.text, BODY("One of `uri`, `weight`, `flavor`, or `options` needs to be specified"));
    const missing = await api.patch(`/v2/pools/${name}-x`, { weight: 1 }, ADMIN);
    t.is(missing.status, 404);
    t.is(missing.text, errorText("Not found", `Pool ${name}-x does not exist`));
  });

  test(`${store}: DELETE answers 204, and 403 for the last pool of a flavor`, async (t) => {
    const api = env.api();
    const name = `${prefix()}p`;
    t.is((await api.delete(`/v2/pools/${name}`, ADMIN)).status, 204);
    await putPool(api, name, { weight: 1, uri: `memory:${name}`, flavor: `${name}-gold` });
    const refused = await api.delete(`/v2/pools/${name}`, ADMIN);
    t.is(refused.status, 403);
    t.like(refused.headers, ERROR_HEADERS);
    t.is(refused.text, errorText("Unable to delete", `This pool is used by flavors ${name}-gold; It cannot be deleted.`));
    await api.patch(`/v2/pools/${name}`, { flavor: "" }, ADMIN);
    const res = await api.delete(`/v2/pools/${name}`, ADMIN);
    t.is(res.status, 204);
    t.is(res.text, "");
    t.is((await api.get(`/v2/pools/${name}`, ADMIN)).status, 404);
  });

  test(`${store}: a pool name outside URI characters is encoded in Location and kept as is in href`, async (t) => {
    const api = env.api();
    const name = `${prefix()}a b`;
    const res = await api.put(`/v2/pools/${name.replace(" ", "%20")}%C3%A9`, { weight: 1, uri: `memory:${name}` }, ADMIN);
    t.is(res.status, 201);
    t.is(res.headers["location"], `/v2/pools/${name.replace(" ", "%20")}%C3%A9`);
    const got = await api.get(`/v2/pools/${name.replace(" ", "%20")}%C3%A9`, ADMIN);
    t.is(got.json().href, `/v2/pools/${name}é`);
  });

  test(`${store}: the pool routes allow GET, PUT, PATCH and DELETE, the collection GET`, async (t) => {
    const api = env.api();
    const item = await api.send({ method: "HEAD", path: "/v2/pools/x", headers: ADMIN });
    t.is(item.status, 405);
    t.like(item.headers, { allow: "DELETE, GET, PATCH, PUT, OPTIONS" });
    const list = await api.send({ method: "POST", path: "/v2/pools", headers: ADMIN, body: {} });
    t.is(list.status, 405);
    t.like(list.headers, { allow: "GET, OPTIONS" });
  });
}
