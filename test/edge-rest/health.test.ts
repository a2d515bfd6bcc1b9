/**
 * Ping and health over REST (rest-admin-pools-flavors-health.md §1–2, §5),
 * with admin mode on.
 */
import anyTest, { type TestFn } from "ava";
import { ERROR_HEADERS, useEdge } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test, { adminMode: true });

const STEPS = [
  "create_queue",
  "post_messages",
  "claim_messages",
  "list_messages",
  "delete_messages",
  "delete_claim",
  "bulk_delete_messages",
  "delete_queue",
];

test("GET /v2/ping answers 204 with no body while storage answers", async (t) => {
  const res = await env.api().get("/v2/ping");
  t.is(res.status, 204);
  t.is(res.text, "");
  t.is(res.headers["content-type"], undefined);
  t.is(res.headers["content-length"], undefined);
});

test("HEAD /v2/ping answers 204", async (t) => {
  const res = await env.api().send({ method: "HEAD", path: "/v2/ping" });
  t.is(res.status, 204);
  t.is(res.text, "");
});

test("GET /v2/health without the admin role answers 403", async (t) => {
  const res = await env.api().get("/v2/health");
  t.is(res.status, 403);
  t.like(res.headers, ERROR_HEADERS);
  t.is(res.text, '{"title": "Not authorized", "description": "You are not authorized to complete this action."}');
});

test("GET /v2/health with a non-admin role answers 403", async (t) => {
  const res = await env.api().get("/v2/health", { "X-Roles": "member,reader" });
  t.is(res.status, 403);
});

const healthy = test.macro({
  async exec(t, roles: string) {
    const res = await env.api().get("/v2/health", { "X-Roles": roles });
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    const body = res.json();
    t.deepEqual(Object.keys(body), ["storage_reachable", "operation_status"]);
    t.is(body.storage_reachable, true);
    t.deepEqual(Object.keys(body.operation_status), STEPS);
    for (const step of STEPS) {
      const status = body.operation_status[step];
      t.deepEqual(Object.keys(status), ["succeeded", "seconds", "ref"], step);
      t.is(status.succeeded, true, step);
      t.is(status.ref, null, step);
      t.true(typeof status.seconds === "number" && status.seconds >= 0 && status.seconds < 10, step);
    }
  },
  title: (_ = "", roles: string) => `GET /v2/health with X-Roles: ${roles} runs the smoke test`,
});

test(healthy, "admin");
test(healthy, "member,admin");

test("HEAD /v2/health answers 405 allowing GET", async (t) => {
  const res = await env.api().send({ method: "HEAD", path: "/v2/health", headers: { "X-Roles": "admin" } });
  t.is(res.status, 405);
  t.like(res.headers, { ...ERROR_HEADERS, allow: "GET, OPTIONS", "content-length": "35" });
});

test("admin mode lists the admin relations in the home document", async (t) => {
  const res = await env.api().get("/v2/");
  t.is(res.status, 200);
  t.is(res.headers["content-length"], "11457");
  const rels = Object.keys(res.json().resources);
  t.deepEqual(rels.slice(-6), ["rel/ping", "rel/pools", "rel/pool", "rel/flavors", "rel/flavor", "rel/health"]);
  t.deepEqual(res.json().resources["rel/health"], { href: "/v2/health", hints: { allow: ["GET"], formats: { "application/json": {} } } });
});

test("pools and flavors stay unrouted in admin mode (pooling off)", async (t) => {
  for (const path of ["/v2/pools", "/v2/flavors", "/v2/pools/p1", "/v2/flavors/f1"]) {
    const res = await env.api().get(path, { "X-Roles": "admin" });
    t.is(res.status, 404, path);
    t.is(res.text, '{"title": "404 Not Found"}', path);
  }
});
