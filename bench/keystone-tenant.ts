/**
 * The bench's tenant in its Keystone: a new project, a user with role member
 * in it, and project-scoped tokens for that user (Keystone v3 over fetch, as
 * the admin keystone.sh bootstraps). The tokens are what the load clients send
 * as X-Auth-Token; the project id is where their messages land.
 */
import { randomUUID } from "node:crypto";
import type { KeystoneAdmin } from "./keystone.ts";

export interface BenchTenant {
  readonly projectId: string;
  readonly tokens: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

async function call(admin: KeystoneAdmin, method: string, path: string, body?: unknown, token?: string): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== undefined) headers["x-auth-token"] = token;
  const init: RequestInit = { method, headers, signal: AbortSignal.timeout(30_000) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const res = await fetch(admin.url + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === "" ? null : JSON.parse(text) };
}

function expect(a: Answer, status: number, what: string): Answer {
  if (a.status !== status) throw new Error(`Keystone: ${what} answered ${a.status}, expected ${status}: ${JSON.stringify(a.body)}`);
  return a;
}

async function passwordToken(admin: KeystoneAdmin, user: string, password: string, project: { id: string } | { name: string }): Promise<string> {
  const domain = { id: admin.domain };
  const auth = {
    identity: { methods: ["password"], password: { user: { name: user, domain, password } } },
    scope: { project: "id" in project ? project : { ...project, domain } },
  };
  const a = expect(await call(admin, "POST", "/v3/auth/tokens?nocatalog", { auth }), 201, `password auth of ${user}`);
  const token = a.headers.get("x-subject-token");
  if (!token) throw new Error("Keystone: a token answer without X-Subject-Token");
  return token;
}

/** A new project with a member user, and `tokens` distinct tokens of that user scoped to it. */
export async function createBenchTenant(admin: KeystoneAdmin, name: string, tokens: number): Promise<BenchTenant> {
  const adminToken = await passwordToken(admin, admin.user, admin.password, { name: admin.project });
  const password = `pw-${randomUUID()}`;
  const project = expect(await call(admin, "POST", "/v3/projects", { project: { name, domain_id: admin.domain } }, adminToken), 201, "create project");
  const projectId = project.body.project.id as string;
  const user = expect(await call(admin, "POST", "/v3/users", { user: { name, domain_id: admin.domain, password } }, adminToken), 201, "create user");
  const role = expect(await call(admin, "GET", "/v3/roles?name=member", undefined, adminToken), 200, "GET role member").body.roles[0];
  if (!role) throw new Error("Keystone has no role named member");
  expect(await call(admin, "PUT", `/v3/projects/${projectId}/users/${user.body.user.id}/roles/${role.id}`, undefined, adminToken), 204, "grant member");
  // One at a time: Keystone serves one request at a time anyway.
  const issued: string[] = [];
  for (let i = 0; i < tokens; i++) issued.push(await passwordToken(admin, name, password, { id: projectId }));
  return { projectId, tokens: issued };
}
