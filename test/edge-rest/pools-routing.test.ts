/**
 * When pools and flavors are routed (admin mode and pooling both on, as in
 * Zaqar), and a pool listing from the start on a catalog of this file's own
 * (the only test here that stores pools).
 */
import anyTest, { type TestFn } from "ava";
import { ERROR_HEADERS, useEdge } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const adminOnly = useEdge(test, { adminMode: true, pooling: false });
const poolingOnly = useEdge(test, { adminMode: false, pooling: true });
const stores = useEdgeOnStores(test, {}, { adminMode: true, pooling: true });

const ADMIN = { "X-Roles": "admin" };

test("with pooling off, pools and flavors answer 404 even to an admin, though the home document lists them", async (t) => {
  const api = adminOnly.api();
  for (const path of ["/v2/pools", "/v2/pools/p", "/v2/flavors", "/v2/flavors/f"]) {
    const res = await api.get(path, ADMIN);
    t.is(res.status, 404, path);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, '{"title": "404 Not Found"}');
  }
  const home = (await api.get("/v2/")).json();
  for (const rel of ["rel/pools", "rel/pool", "rel/flavors", "rel/flavor"]) t.truthy(home.resources[rel], rel);
});

test("without admin mode, pooling alone routes neither pools nor flavors", async (t) => {
  const api = poolingOnly.api();
  for (const path of ["/v2/pools", "/v2/flavors"]) t.is((await api.get(path, ADMIN)).status, 404, path);
});

for (const [store, env] of stores) {
  test(`${store}: the pool listing starts empty and pages from the first pool by name`, async (t) => {
    const api = env.api();
    const empty = await api.get("/v2/pools", ADMIN);
    t.is(empty.status, 200);
    t.is(empty.headers["content-location"], "/v2/pools");
    t.is(empty.text, '{"links": [], "pools": []}');
    for (const name of ["b", "c", "a"]) t.is((await api.put(`/v2/pools/${name}`, { weight: 10, uri: `memory:${name}` }, ADMIN)).status, 201);
    const pool = (n: string) => `{"name": "${n}", "flavor": null, "uri": "memory:${n}", "weight": 10, "href": "/v2/pools/${n}"}`;
    const all = await api.get("/v2/pools", ADMIN);
    t.is(all.text, `{"links": [{"rel": "next", "href": "/v2/pools?marker=c"}], "pools": [${pool("a")}, ${pool("b")}, ${pool("c")}]}`);
    const page = await api.get("/v2/pools?limit=2&detailed=false", ADMIN);
    t.is(page.headers["content-location"], "/v2/pools?limit=2&detailed=false");
    t.is(page.text, `{"links": [{"rel": "next", "href": "/v2/pools?limit=2&detailed=false&marker=b"}], "pools": [${pool("a")}, ${pool("b")}]}`);
    const last = await api.get("/v2/pools?marker=c", ADMIN);
    t.is(last.text, '{"links": [], "pools": []}');
  });
}
