/**
 * edge-ws with ZAQAR_AUTH_STRATEGY=keystone against the real Keystone of the
 * test run (websocket.md §3–4): a connection is anonymous until
 * `authenticate`, then runs as its token's project whatever the frames say,
 * until the token expires (close 4003); anonymous frames pass only with a
 * valid signed URL for their action and queue.
 */
import test from "ava";
import { createTenant, issueToken, keystoneEnv, type Tenant } from "../helpers/keystone.ts";
import { CLIENT_ID, useWsEdge, type WsClient } from "./harness.ts";

const SECRET = "ws-keystone-test-secret";
/** Moves the edge's clock (token expiry). */
let skewMs = 0;

const env = useWsEdge(test, {
  core: { env: { ZAQAR_SIGNED_URL_SECRET: SECRET } },
  env: {
    ZAQAR_AUTH_STRATEGY: "keystone",
    ZAQAR_SIGNED_URL_SECRET: SECRET,
    get ZAQAR_KEYSTONE_URL() {
      return keystoneEnv().url;
    },
    get ZAQAR_KEYSTONE_SERVICE_USER() {
      return keystoneEnv().serviceUser;
    },
    get ZAQAR_KEYSTONE_SERVICE_PASSWORD() {
      return keystoneEnv().servicePassword;
    },
    get ZAQAR_KEYSTONE_SERVICE_PROJECT() {
      return keystoneEnv().serviceProject;
    },
  },
  now: () => Date.now() + skewMs,
});

const AUTH_ECHO = { action: "authenticate", body: {}, headers: {}, api: "v2" };
const headersOf = (project: string, extra: Record<string, unknown> = {}) => ({ "Client-ID": CLIENT_ID, "X-Project-ID": project, ...extra });

async function signedIn(tenant?: Tenant): Promise<{ c: WsClient; tenant: Tenant; token: string }> {
  const t = tenant ?? (await createTenant());
  const { token } = await issueToken(t);
  const c = await env.client();
  const answer = await c.ask({ action: "authenticate", headers: headersOf("anything", { "X-Auth-Token": token }) });
  if (answer.headers.status !== 200) throw new Error(`authenticate: ${JSON.stringify(answer)}`);
  return { c, tenant: t, token };
}

test.serial("before authenticate every action is answered 403 Not authentified.", async (t) => {
  const c = await env.client();
  const frame = { action: "queue_list", headers: headersOf("p1"), body: {} };
  const answer = await c.ask(frame);
  t.deepEqual(answer.headers, { status: 403 });
  t.deepEqual(answer.body, { error: "Not authentified." });
  t.deepEqual(answer.request, { ...frame, api: "v2" });
});

test.serial("authenticate with a garbage token is 401 Authentication failed., and the client may retry", async (t) => {
  const c = await env.client();
  const bad = await c.ask({ action: "authenticate", headers: headersOf("p1", { "X-Auth-Token": "garbage" }) });
  t.deepEqual(bad, { request: AUTH_ECHO, body: { error: "Authentication failed." }, headers: { status: 401 } });
  const tenant = await createTenant();
  const { token } = await issueToken(tenant);
  const good = await c.ask({ action: "authenticate", headers: headersOf("p1", { "X-Auth-Token": token }) });
  t.deepEqual(good, { request: AUTH_ECHO, body: { message: "Authentified." }, headers: { status: 200 } });
});

test.serial("after authenticate every frame runs as the token's project, whatever X-Project-ID it carries", async (t) => {
  const a = await signedIn();
  const b = await signedIn();
  // a names b's project in its frames: the token's project is used.
  const created = await a.c.ask({ action: "queue_create", headers: headersOf(b.tenant.projectId), body: { queue_name: "mine" } });
  t.is(created.headers.status, 201);
  await a.c.ask({ action: "message_post", headers: headersOf(b.tenant.projectId), body: { queue_name: "mine", messages: [{ body: 1 }] } });
  const listA = await a.c.ask({ action: "queue_list", headers: headersOf("whatever"), body: {} });
  t.deepEqual(listA.body, { queues: [{ name: "mine" }] });
  const listB = await b.c.ask({ action: "queue_list", headers: headersOf(a.tenant.projectId), body: {} });
  t.deepEqual(listB.body, { queues: [] });
  const statsB = await b.c.ask({ action: "queue_get_stats", headers: headersOf(a.tenant.projectId), body: { queue_name: "mine" } });
  t.is(statsB.headers.status, 404);
});

test.serial("an anonymous frame with a valid signed URL runs message actions on the signed queue only", async (t) => {
  const a = await signedIn();
  await a.c.ask({ action: "queue_create", headers: headersOf("x"), body: { queue_name: "shared" } });
  // The share itself comes from the REST-only share operation; signing is the core's (same secret).
  const { urlSignature, formatExpires } = await import("../../common/signed-url.ts");
  const expires = formatExpires(Date.now() + 3_600_000);
  const paths = ["/v2/queues/shared/messages"];
  const methods = ["GET", "POST"];
  const signature = urlSignature(SECRET, { paths, methods, project: a.tenant.projectId, expires });
  const signed = (extra: Record<string, unknown> = {}) =>
    headersOf(a.tenant.projectId, { "URL-Signature": signature, "URL-Expires": expires, "URL-Methods": methods, "URL-Paths": paths, ...extra });
  const anon = await env.client();
  const posted = await anon.ask({ action: "message_post", headers: signed(), body: { queue_name: "shared", messages: [{ body: "via signature" }] } });
  t.is(posted.headers.status, 201, JSON.stringify(posted.body));
  const listed = await anon.ask({ action: "message_list", headers: signed(), body: { queue_name: "shared", echo: true } });
  t.deepEqual(listed.body.messages.map((m: { body: unknown }) => m.body), ["via signature"]);
  const refused = [
    await anon.ask({ action: "message_post", headers: signed(), body: { queue_name: "other", messages: [{ body: 1 }] } }),
    await anon.ask({ action: "message_delete_many", headers: signed(), body: { queue_name: "shared", pop: 1 } }),
    await anon.ask({ action: "queue_list", headers: signed(), body: {} }),
    await anon.ask({ action: "message_list", headers: signed({ "URL-Signature": signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")) }), body: { queue_name: "shared" } }),
    await anon.ask({ action: "message_list", headers: signed({ "URL-Methods": "GET,POST" }), body: { queue_name: "shared" } }),
    await anon.ask({ action: "message_list", headers: signed({ "URL-Expires": "2001-01-01T00:00:00" }), body: { queue_name: "shared" } }),
  ];
  for (const r of refused) t.deepEqual([r.headers.status, r.body], [403, { error: "Not authentified." }], JSON.stringify(r.request));
});

test.serial("the connection is closed with 4003 when its token expires", async (t) => {
  const tenant = await createTenant();
  const { token, expiresAt } = await issueToken(tenant);
  // The edge's clock is moved to 300 ms before the token's expiry.
  skewMs = expiresAt - Date.now() - 300;
  t.teardown(() => {
    skewMs = 0;
  });
  const c = await env.client();
  const answer = await c.ask({ action: "authenticate", headers: headersOf("p", { "X-Auth-Token": token }) });
  t.is(answer.headers.status, 200);
  t.deepEqual(await c.closed(), { code: 4003, reason: "Authentication expired." });
});

test.serial("authenticate with an oversized or odd token is 401 and the connection goes on", async (t) => {
  const c = await env.client();
  for (const token of ["x".repeat(100_000), "bad\ntoken", "é"]) {
    const answer = await c.ask({ action: "authenticate", headers: headersOf("p", { "X-Auth-Token": token }) });
    t.deepEqual(answer.body, { error: "Authentication failed." });
  }
  const after = await c.ask({ action: "queue_list", headers: headersOf("p"), body: {} });
  t.is(after.headers.status, 403);
});
