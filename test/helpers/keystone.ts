/**
 * The real Keystone the test run shares (scripts/test.sh starts one with
 * scripts/keystone.sh and exports ZAQAR_TEST_KEYSTONE_*), and what tests do with it:
 *
 *   const tenant = await createTenant();                 // a new project + a user with role member in it
 *   const admin = await createTenant({ role: "admin" }); // ... with role admin
 *   const { token } = await issueToken(tenant);          // a token scoped to tenant's project
 *   await revokeToken(token);
 *   const validator = createKeystoneValidator(keystoneSettings());   // the service credentials
 *
 * Names are random, so tests (and test files) run concurrently against one Keystone.
 * A test that needs Keystone fails with a clear message when the variables are
 * missing (run it through `npm test`, or start one as the message says); it is never skipped.
 *
 * startKeystoneProxy() puts a counting HTTP proxy (a real server) in front of
 * Keystone, for tests that count Keystone requests or make it fail.
 */
import { randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { KeystoneSettings } from "../../common/auth/keystone.ts";

export interface KeystoneEnv {
  readonly url: string;
  readonly domain: string;
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly adminProject: string;
  readonly serviceUser: string;
  readonly servicePassword: string;
  readonly serviceProject: string;
}

const VARS = {
  url: "ZAQAR_TEST_KEYSTONE_URL",
  domain: "ZAQAR_TEST_KEYSTONE_DOMAIN",
  adminUser: "ZAQAR_TEST_KEYSTONE_ADMIN_USER",
  adminPassword: "ZAQAR_TEST_KEYSTONE_ADMIN_PASSWORD",
  adminProject: "ZAQAR_TEST_KEYSTONE_ADMIN_PROJECT",
  serviceUser: "ZAQAR_TEST_KEYSTONE_SERVICE_USER",
  servicePassword: "ZAQAR_TEST_KEYSTONE_SERVICE_PASSWORD",
  serviceProject: "ZAQAR_TEST_KEYSTONE_SERVICE_PROJECT",
} as const satisfies Record<keyof KeystoneEnv, string>;

/** The shared Keystone's URL and credentials; throws, naming what is missing and how to get it, when they are absent. */
export function keystoneEnv(): KeystoneEnv {
  const missing = Object.values(VARS).filter((name) => !process.env[name]);
  if (missing.length > 0) {
    const why = process.env["ZAQAR_TEST_KEYSTONE_ERROR"];
    throw new Error(
      `this test needs a real Keystone, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set` +
        (why ? ` (${why}). ` : ". ") +
        "Run the tests with `npm test` (scripts/test.sh starts one), or start one and export its env file: " +
        "`scripts/keystone.sh start /tmp/zq-keystone && set -a && . /tmp/zq-keystone/keystone.env && set +a`",
    );
  }
  const read = (name: string): string => process.env[name] as string;
  return {
    url: read(VARS.url).replace(/\/+$/, ""),
    domain: read(VARS.domain),
    adminUser: read(VARS.adminUser),
    adminPassword: read(VARS.adminPassword),
    adminProject: read(VARS.adminProject),
    serviceUser: read(VARS.serviceUser),
    servicePassword: read(VARS.servicePassword),
    serviceProject: read(VARS.serviceProject),
  };
}

/** Validator settings with the service credentials (cache 60 s, 1000 entries unless overridden; a 15 s timeout, since one single-threaded Keystone serves every test file at once). */
export function keystoneSettings(overrides: Partial<KeystoneSettings> = {}): KeystoneSettings {
  const env = keystoneEnv();
  return {
    url: env.url,
    serviceUser: env.serviceUser,
    servicePassword: env.servicePassword,
    serviceProject: env.serviceProject,
    serviceDomain: env.domain,
    cacheTtlMs: 60_000,
    cacheMaxEntries: 1000,
    timeoutMs: 15_000,
    ...overrides,
  };
}

export interface Tenant {
  readonly projectId: string;
  readonly projectName: string;
  readonly userId: string;
  readonly userName: string;
  readonly password: string;
  /** The role granted on the project (Keystone adds the roles it implies to tokens). */
  readonly role: string;
}

export interface IssuedToken {
  readonly token: string;
  /** ms since epoch */
  readonly expiresAt: number;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

async function call(method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers["x-auth-token"] = token;
  const init: RequestInit = { method, headers, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(keystoneEnv().url + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? null : JSON.parse(text) };
}

function expect(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`Keystone: ${what} answered ${answer.status}, expected ${status}: ${JSON.stringify(answer.body)}`);
  return answer;
}

/** Password auth; scoped to a project (by id or by name in the domain) or, with scope null, unscoped. */
export async function passwordToken(user: string, password: string, scope: { projectId: string } | { projectName: string } | null): Promise<IssuedToken> {
  const domain = { id: keystoneEnv().domain };
  const auth: Record<string, unknown> = {
    identity: { methods: ["password"], password: { user: { name: user, domain, password } } },
  };
  if (scope !== null) auth["scope"] = { project: "projectId" in scope ? { id: scope.projectId } : { name: scope.projectName, domain } };
  const answer = expect(await call("POST", "/v3/auth/tokens?nocatalog", { auth }), 201, `password auth of ${user}`);
  return { token: answer.headers.get("x-subject-token") as string, expiresAt: Date.parse(answer.body.token.expires_at) };
}

let admin: Promise<string> | null = null;

/** A token of the bootstrap admin (scoped to the admin project), shared by the test file. */
export function adminToken(): Promise<string> {
  if (admin === null) {
    const env = keystoneEnv();
    admin = passwordToken(env.adminUser, env.adminPassword, { projectName: env.adminProject }).then((t) => t.token);
    admin.catch(() => (admin = null));
  }
  return admin;
}

/** An admin call; a 401 (the admin token expired or was revoked) gets a new token and one more try. */
async function adminCall(method: string, path: string, body?: unknown): Promise<Answer> {
  const first = await call(method, path, body, await adminToken());
  if (first.status !== 401) return first;
  admin = null;
  return call(method, path, body, await adminToken());
}

const roleIds = new Map<string, Promise<string>>();

function roleId(name: string): Promise<string> {
  let id = roleIds.get(name);
  if (id === undefined) {
    id = adminCall("GET", `/v3/roles?name=${encodeURIComponent(name)}`).then((a) => {
      const role = expect(a, 200, `GET role ${name}`).body.roles[0];
      if (!role) throw new Error(`Keystone has no role named ${name}`);
      return role.id as string;
    });
    roleIds.set(name, id);
  }
  return id;
}

/** A new project with a new user holding `role` (default member) in it. */
export async function createTenant(options: { role?: string } = {}): Promise<Tenant> {
  const role = options.role ?? "member";
  const domainId = keystoneEnv().domain;
  const suffix = randomUUID().replaceAll("-", "").slice(0, 16);
  const projectName = `zq-p-${suffix}`;
  const userName = `zq-u-${suffix}`;
  const password = `pw-${randomUUID()}`;
  const [project, rid] = await Promise.all([
    adminCall("POST", "/v3/projects", { project: { name: projectName, domain_id: domainId } }),
    roleId(role),
  ]);
  const projectId = expect(project, 201, "create project").body.project.id as string;
  const user = await adminCall("POST", "/v3/users", { user: { name: userName, domain_id: domainId, password } });
  const userId = expect(user, 201, "create user").body.user.id as string;
  expect(await adminCall("PUT", `/v3/projects/${projectId}/users/${userId}/roles/${rid}`), 204, `grant ${role}`);
  return { projectId, projectName, userId, userName, password, role };
}

/** A token for the tenant's user, scoped to the tenant's project. */
export function issueToken(tenant: Tenant): Promise<IssuedToken> {
  return passwordToken(tenant.userName, tenant.password, { projectId: tenant.projectId });
}

/** Revokes a token (DELETE /v3/auth/tokens); Keystone then answers 404 when it is validated. */
export async function revokeToken(token: string): Promise<void> {
  const send = async (): Promise<Response> =>
    fetch(`${keystoneEnv().url}/v3/auth/tokens`, {
      method: "DELETE",
      headers: { "x-auth-token": await adminToken(), "x-subject-token": token },
      signal: AbortSignal.timeout(30_000),
    });
  let res = await send();
  if (res.status === 401) {
    admin = null;
    res = await send();
  }
  await res.text();
  if (res.status !== 204) throw new Error(`Keystone: revoking a token answered ${res.status}`);
}

export interface KeystoneProxy {
  /** The proxy's URL, to use in place of Keystone's. */
  readonly url: string;
  /** Requests seen, by "METHOD /path" (query string left out), e.g. "GET /v3/auth/tokens". */
  count(route: string): number;
  /** The X-Auth-Token of the latest validation that passed through (the service token). */
  readonly lastServiceToken: string | undefined;
  /** pass: forward to Keystone; fail: answer 503 at once; hang: never answer. */
  mode: "pass" | "fail" | "hang";
  close(): Promise<void>;
}

/** A real HTTP proxy in front of the shared Keystone that counts what it forwards. */
export async function startKeystoneProxy(): Promise<KeystoneProxy> {
  const upstream = new URL(keystoneEnv().url);
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let lastServiceToken: string | undefined;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const route = `${req.method} ${(req.url ?? "").split("?")[0]}`;
    counts.set(route, (counts.get(route) ?? 0) + 1);
    if (route === "GET /v3/auth/tokens") lastServiceToken = req.headers["x-auth-token"] as string | undefined;
    if (proxy.mode === "fail") {
      res.writeHead(503, { "content-type": "application/json" }).end('{"error":{"code":503,"message":"proxy says down"}}');
      return;
    }
    if (proxy.mode === "hang") {
      hanging.add(res);
      return;
    }
    const forward = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const proxy: KeystoneProxy = {
    url: `http://127.0.0.1:${port}`,
    count: (route) => counts.get(route) ?? 0,
    get lastServiceToken() {
      return lastServiceToken;
    },
    mode: "pass",
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
