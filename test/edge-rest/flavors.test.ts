/**
 * Flavors over REST (rest-admin-pools-flavors-health.md §4, §5) with admin
 * mode and pooling on, exact frames on both stores. Each test has its own
 * project (flavors are per project) and names its own pools (pools are
 * global) and flavors (pools join flavors by name, across projects).
 */
import { randomUUID } from "node:crypto";
import anyTest, { type TestFn } from "ava";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";
import { BODY, ERROR_HEADERS, errorText, type Api } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const stores = useEdgeOnStores(test, {}, { adminMode: true, pooling: true });

let target: RedisServer | undefined;
test.before(async () => {
  target = await startRedisServer();
});
test.after.always(async () => target?.stop());

const ADMIN = { "X-Roles": "admin" };
const MEMORY = '["FIFO", "CLAIMS", "AOD", "HIGH_THROUGHPUT"]';
const REDIS = '["FIFO", "CLAIMS", "DURABILITY", "AOD", "HIGH_THROUGHPUT"]';

/** Creates pools with unique names; answers them in the order given. */
async function pools(api: Api, count: number, uri?: (name: string) => string): Promise<string[]> {
  const p = `t${randomUUID().slice(0, 8)}-`;
  const names = Array.from({ length: count }, (_, i) => `${p}${i}`);
  for (const name of names) {
    const res = await api.put(`/v2/pools/${name}`, { weight: 1, uri: uri ? uri(name) : `memory:${name}` }, ADMIN);
    if (res.status !== 201) throw new Error(`pool ${name}: ${res.status} ${res.text}`);
  }
  return names;
}

/** A flavor name of this test's own. */
const flavorName = (): string => `f${randomUUID().slice(0, 8)}`;

const quoted = (names: readonly string[]): string => `[${names.map((n) => JSON.stringify(n)).join(", ")}]`;

for (const [store, env] of stores) {
  test(`${store}: flavor changes need the admin role; listing and reading do not`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const member = { "X-Roles": "member" };
    for (const [method, body] of [["PUT", { pool_list: ["x"] }], ["PATCH", { pool_list: ["x"] }], ["DELETE", undefined]] as const) {
      const res = await api.send({ method, path: `/v2/flavors/${g}`, headers: member, ...(body === undefined ? {} : { body }) });
      t.is(res.status, 403, method);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, errorText("Not authorized", "You are not authorized to complete this action."));
    }
    const list = await api.get("/v2/flavors");
    t.is(list.status, 200);
    t.is(list.text, '{"links": [], "flavors": []}');
    t.is(list.headers["content-location"], undefined);
    t.is((await api.get(`/v2/flavors/${g}`)).text, errorText("Not found", `Flavor ${g} does not exist`));
  });

  test(`${store}: PUT creates a flavor (201, Location, no body); GET shows its pools and capabilities`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [b, a] = await pools(api, 2);
    const res = await api.put(`/v2/flavors/${g}`, { pool_list: [a, b], capabilities: {} }, ADMIN);
    t.is(res.status, 201);
    t.is(res.headers["location"], `/v2/flavors/${g}`);
    t.is(res.text, "");
    const got = await api.get(`/v2/flavors/${g}`);
    t.is(got.status, 200);
    t.is(got.text, `{"name": "${g}", "capabilities": ${MEMORY}, "pool_list": ${quoted([b!, a!].sort())}, "href": "/v2/flavors/${g}"}`);
    // The pools now name the flavor.
    t.is((await api.get(`/v2/pools/${a}`, ADMIN)).json().flavor, g);
  });

  test(`${store}: a flavor of redis pools offers durability`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [r] = await pools(api, 1, () => `${(target as RedisServer).url}/${Math.floor(Math.random() * 1000) + 16}`);
    await api.put(`/v2/flavors/${g}`, { pool_list: [r] }, ADMIN);
    t.is((await api.get(`/v2/flavors/${g}`)).text, `{"name": "${g}", "capabilities": ${REDIS}, "pool_list": ["${r}"], "href": "/v2/flavors/${g}"}`);
  });

  test(`${store}: PUT refuses an empty pool_list (with Location), unknown pools and bad documents`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [a] = await pools(api, 1);
    const empty = await api.put(`/v2/flavors/${g}`, { pool_list: [] }, ADMIN);
    t.is(empty.status, 400);
    t.like(empty.headers, { ...ERROR_HEADERS, location: `/v2/flavors/${g}` });
    t.is(empty.text, errorText("Unable to create", "Bad Request"));
    const unknown = await api.put(`/v2/flavors/${g}`, { pool_list: [a, "nope"] }, ADMIN);
    t.is(unknown.status, 400);
    t.is(unknown.headers["location"], undefined);
    t.is(unknown.text, errorText("Unable to create", `Flavor ${g} could not be created, error:Pool nope does not exist`));
    const numeric = await api.put(`/v2/flavors/${g}`, { pool_list: [a, 5] }, ADMIN);
    t.is(numeric.text, errorText("Unable to create", `Flavor ${g} could not be created, error:Pool 5 does not exist`));
    const missing = await api.put(`/v2/flavors/${g}`, { pool: a }, ADMIN);
    t.is(missing.status, 400);
    t.is(
      missing.text,
      BODY(`("{'pool': '${a}'} is not valid under any of the given schemas", <unset>, (), None, [<ValidationError: "'pool_list' is a required property">], <unset>, <unset>, <unset>, (), None): {'pool': '${a}'} is not valid under any of the given schemas`),
    );
    t.is((await api.put(`/v2/flavors/${g}`, "[", ADMIN)).text, BODY("JSON could not be parsed."));
    t.is((await api.get(`/v2/flavors/${g}`)).status, 404);
  });

  test(`${store}: GET /v2/flavors lists the project's flavors with pool_list when not empty and capabilities when detailed`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [a, b] = await pools(api, 2);
    await api.put(`/v2/flavors/${g}k`, { pool_list: [a] }, ADMIN);
    await api.put(`/v2/flavors/${g}m`, { pool_list: [b] }, ADMIN);
    await api.patch("/v2/pools/" + b, { flavor: "" }, ADMIN);
    await api.put(`/v2/flavors/${g}z`, { pool_list: [b] }, ADMIN);
    const first = await api.get("/v2/flavors?limit=2");
    t.is(first.status, 200);
    t.is(first.text, `{"links": [{"rel": "next", "href": "/v2/flavors?limit=2&marker=${g}m"}], "flavors": [{"name": "${g}k", "href": "/v2/flavors/${g}k", "pool_list": ["${a}"]}, {"name": "${g}m", "href": "/v2/flavors/${g}m"}]}`);
    const next = await api.get(`/v2/flavors?detailed=true&marker=${g}m&limit=5`);
    t.is(next.text, `{"links": [{"rel": "next", "href": "/v2/flavors?marker=${g}z&limit=5&detailed=true"}], "flavors": [{"name": "${g}z", "href": "/v2/flavors/${g}z", "pool_list": ["${b}"], "capabilities": ${MEMORY}}]}`);
    const noPools = await api.get(`/v2/flavors?marker=${g}k&limit=1&detailed=false`);
    t.is(noPools.text, `{"links": [{"rel": "next", "href": "/v2/flavors?marker=${g}m&limit=1&detailed=false"}], "flavors": [{"name": "${g}m", "href": "/v2/flavors/${g}m"}]}`);
    t.is((await api.get(`/v2/flavors?marker=${g}z`)).text, '{"links": [], "flavors": []}');
    // Another project sees none of them.
    t.is((await env.api().get("/v2/flavors")).text, '{"links": [], "flavors": []}');
    t.is((await api.get("/v2/flavors?limit=21")).text, errorText("Invalid API request", "Limit must be at least 1 and no greater than 20."));
  });

  test(`${store}: PATCH replaces the pools and answers the list as given`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [a, b, c] = await pools(api, 3);
    await api.put(`/v2/flavors/${g}`, { pool_list: [a, b] }, ADMIN);
    const res = await api.patch(`/v2/flavors/${g}`, { pool_list: [c, b] }, ADMIN);
    t.is(res.status, 200);
    t.is(res.text, `{"name": "${g}", "capabilities": ${MEMORY}, "pool_list": ["${c}", "${b}"], "href": "/v2/flavors/${g}"}`);
    t.is((await api.get(`/v2/pools/${a}`, ADMIN)).json().flavor, null);
    t.is((await api.get(`/v2/flavors/${g}`)).json().pool_list.length, 2);
  });

  test(`${store}: PATCH errors come in Zaqar's order with its texts`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [a] = await pools(api, 1);
    const none = await api.patch(`/v2/flavors/${g}`, { pools: [a] }, ADMIN);
    t.is(none.status, 400);
    t.is(none.text, BODY("`pool_list` needs to be specified"));
    const empty = await api.patch(`/v2/flavors/${g}`, { pool_list: [] }, ADMIN);
    t.like(empty.headers, { location: `/v2/flavors/${g}` });
    t.is(empty.text, errorText("Unable to create", "Bad Request"));
    const missing = await api.patch(`/v2/flavors/${g}`, { pool_list: [a] }, ADMIN);
    t.is(missing.status, 404);
    t.is(missing.text, errorText("Not found", `Flavor ${g} does not exist`));
    await api.put(`/v2/flavors/${g}`, { pool_list: [a] }, ADMIN);
    const unknown = await api.patch(`/v2/flavors/${g}`, { pool_list: [a, "nope"] }, ADMIN);
    t.is(unknown.status, 400);
    t.is(unknown.text, errorText("updatefail", `Flavor ${g} cant be updated, error:Pool nope does not exist`));
  });

  test(`${store}: DELETE answers 204, takes the pools out of the flavor, and answers 204 for unknown flavors`, async (t) => {
    const api = env.api();
    const g = flavorName();
    const [a] = await pools(api, 1);
    await api.put(`/v2/flavors/${g}`, { pool_list: [a] }, ADMIN);
    const res = await api.delete(`/v2/flavors/${g}`, ADMIN);
    t.is(res.status, 204);
    t.is(res.text, "");
    t.is((await api.delete(`/v2/flavors/${g}`, ADMIN)).status, 204);
    t.is((await api.get(`/v2/pools/${a}`, ADMIN)).json().flavor, null);
    t.is((await api.get(`/v2/flavors/${g}`)).status, 404);
  });
}
