/**
 * The REST edge with ZAQAR_AUTH_STRATEGY=keystone against the real Keystone
 * the test run starts (scripts/test.sh): tokens decide the project and roles,
 * client-supplied X-Project-ID and X-Roles are ignored, bad tokens get
 * keystonemiddleware's 401, signed URLs bypass Keystone, and an unreachable
 * Keystone is a 503, never a 401.
 */
import test from "ava";
import { pino } from "pino";
import { createRestEdge } from "../../edge-rest/src/app.ts";
import type { TestCore } from "../helpers/core.ts";
import { createTenant, issueToken, keystoneSettings, revokeToken, type Tenant } from "../helpers/keystone.ts";
import { freePort } from "../helpers/free-port.ts";
import { Api, useEdge, type EdgeEnv } from "./harness.ts";

const SECRET = "rest-keystone-test-secret";
const UNAUTHORIZED = { error: { code: 401, title: "Unauthorized", message: "The request you have made requires authentication." } };

// A short cache: the revocation test waits it out.
const env = useEdge(test, {
  adminMode: true,
  core: { env: { ZAQAR_SIGNED_URL_SECRET: SECRET } },
  auth: () => ({ strategy: "keystone", keystone: keystoneSettings({ cacheTtlMs: 1000 }), signedUrlSecret: SECRET }),
});

interface Caller {
  readonly tenant: Tenant;
  readonly token: string;
  /** Requests as this tenant's user; X-Project-ID names some other project, to show it is ignored. */
  readonly api: Api;
}

async function caller(e: EdgeEnv, role = "member"): Promise<Caller> {
  const tenant = await createTenant({ role });
  const { token } = await issueToken(tenant);
  return { tenant, token, api: e.api() };
}

const as = (c: Caller, extra: Record<string, string | undefined> = {}) => ({ "X-Auth-Token": c.token, ...extra });

test("a request without a token, or with a garbage one, gets keystonemiddleware's 401", async (t) => {
  const api = env.api();
  for (const headers of [{}, { "X-Auth-Token": "garbage" }, { "X-Auth-Token": "" }]) {
    const res = await api.get("/v2/queues", headers);
    t.is(res.status, 401, JSON.stringify(headers));
    t.deepEqual(res.json(), UNAUTHORIZED);
    t.is(res.headers["www-authenticate"], `Keystone uri="${keystoneSettings().url}"`);
  }
  // Before routing, as the middleware wraps the whole app: an unknown path is a 401 too.
  t.is((await api.get("/v2/nowhere")).status, 401);
});

test("GET / needs no token", async (t) => {
  const res = await env.api().get("/", { "Client-ID": undefined, "X-Project-ID": undefined });
  t.is(res.status, 300); // Zaqar's version list
});

test("the token's project scopes every operation, whatever X-Project-ID says", async (t) => {
  const [a, b] = await Promise.all([caller(env), caller(env)]);
  // a claims to be b's project in the header: the token wins.
  t.is((await a.api.put("/v2/queues/shared-name", undefined, as(a, { "X-Project-ID": b.tenant.projectId }))).status, 201);
  const posted = await a.api.post("/v2/queues/shared-name/messages", { messages: [{ body: "a's" }] }, as(a));
  t.is(posted.status, 201);
  const listA = await a.api.get("/v2/queues", as(a));
  t.deepEqual(listA.json().queues.map((q: { name: string }) => q.name), ["shared-name"]);
  // b sees nothing of a's, even naming a's project.
  const listB = await b.api.get("/v2/queues", as(b, { "X-Project-ID": a.tenant.projectId }));
  t.is(listB.status, 200);
  t.deepEqual(listB.json().queues, []);
  const stats = await b.api.get("/v2/queues/shared-name/stats", as(b, { "X-Project-ID": a.tenant.projectId }));
  t.is(stats.json().messages.total, 0);
  const id = (posted.json().resources[0] as string).split("/").pop() as string;
  t.is((await b.api.get(`/v2/queues/shared-name/messages/${id}`, as(b, { "X-Project-ID": a.tenant.projectId }))).status, 404);
});

test("X-Project-ID may be left out: the token supplies the project", async (t) => {
  const a = await caller(env);
  const res = await a.api.get("/v2/queues", as(a, { "X-Project-ID": undefined }));
  t.is(res.status, 200);
});

test("admin-only routes refuse a member even when X-Roles says admin, and admit an admin token", async (t) => {
  const member = await caller(env);
  const denied = await member.api.get("/v2/health", as(member, { "X-Roles": "admin" }));
  t.is(denied.status, 403);
  t.deepEqual(denied.json(), { title: "Not authorized", description: "You are not authorized to complete this action." });
  const admin = await caller(env, "admin");
  const allowed = await admin.api.get("/v2/health", as(admin));
  t.is(allowed.status, 200, allowed.text);
});

test("a revoked token is refused once the cache entry (1 s here) has run out", async (t) => {
  const a = await caller(env);
  t.is((await a.api.get("/v2/queues", as(a))).status, 200);
  await revokeToken(a.token);
  await new Promise((r) => setTimeout(r, 1100));
  t.is((await a.api.get("/v2/queues", as(a))).status, 401);
});

test("an altered token is refused", async (t) => {
  const a = await caller(env);
  const altered = a.token.slice(0, -4) + (a.token.endsWith("AAAA") ? "BBBB" : "AAAA");
  t.is((await a.api.get("/v2/queues", { "X-Auth-Token": altered })).status, 401);
});

test("a signed URL shared by a token holder works without a token, within its methods, paths and expiry", async (t) => {
  const a = await caller(env);
  await a.api.put("/v2/queues/signed", undefined, as(a));
  const shared = await a.api.post("/v2/queues/signed/share", { methods: ["GET", "POST"] }, as(a));
  t.is(shared.status, 200, shared.text);
  const s = shared.json();
  const signed = (extra: Record<string, string | undefined> = {}) => ({
    "URL-Signature": s.signature,
    "URL-Expires": s.expires,
    "URL-Methods": s.methods.join(","),
    "URL-Paths": s.paths.join(","),
    "X-Project-ID": s.project,
    ...extra,
  });
  const anon = env.api();
  t.is((await anon.post("/v2/queues/signed/messages", { messages: [{ body: 1 }] }, signed())).status, 201);
  const listed = await anon.get("/v2/queues/signed/messages?echo=true", signed());
  t.is(listed.status, 200);
  t.is(listed.json().messages.length, 1);
  // Outside what was signed: Falcon's 404, indistinguishable from a missing route.
  const notFound = { title: "404 Not Found" };
  const tampered = signed({ "URL-Signature": `${s.signature.slice(0, -1)}${s.signature.endsWith("0") ? "1" : "0"}` });
  for (const [why, res] of [
    ["tampered", await anon.get("/v2/queues/signed/messages", tampered)],
    ["short", await anon.get("/v2/queues/signed/messages", signed({ "URL-Signature": s.signature.slice(2) }))],
    ["method", await anon.delete("/v2/queues/signed/messages?pop=1", signed())],
    ["path", await anon.get("/v2/queues/signed/stats", signed())],
    ["queue", await anon.get("/v2/queues/other/messages", signed())],
    ["project", await anon.get("/v2/queues/signed/messages", signed({ "X-Project-ID": "someone-else" }))],
    ["expired", await anon.get("/v2/queues/signed/messages", signed({ "URL-Expires": "2001-01-01T00:00:00" }))],
  ] as const) {
    t.is(res.status, 404, why);
    t.deepEqual(res.json(), notFound, why);
  }
});

test("with Keystone unreachable a token gets 503, not 401", async (t) => {
  const closed = await freePort();
  const edge = createRestEdge(
    {
      listen: { host: "127.0.0.1", port: 0 },
      coreUrl: (env.core as TestCore).grpcAddress,
      adminMode: false,
      logLevel: "silent",
      auth: { strategy: "keystone", keystone: keystoneSettings({ url: `http://127.0.0.1:${closed}`, timeoutMs: 1000 }), signedUrlSecret: undefined },
    },
    { log: pino({ level: "silent" }) },
  );
  t.teardown(() => edge.close());
  const { port } = await edge.listen();
  const res = await new Api(port).get("/v2/queues", { "X-Auth-Token": "anything-at-all" });
  t.is(res.status, 503);
  t.deepEqual(res.json(), {
    error: { code: 503, title: "Service Unavailable", message: "The server is currently unavailable. Please try again at a later time." },
  });
});

test("oversized tokens are refused without harm: 401 past the validator's bound, 431 past Node's header limit, and the edge goes on", async (t) => {
  const api = env.api();
  const long = await api.get("/v2/queues", { "X-Auth-Token": "a".repeat(9000) });
  t.is(long.status, 401);
  const huge = await api.get("/v2/queues", { "X-Auth-Token": "a".repeat(20_000) });
  t.is(huge.status, 431);
  const a = await caller(env);
  t.is((await a.api.get("/v2/queues", as(a))).status, 200);
});
