/**
 * The Keystone token validator against the real Keystone the test run starts
 * (scripts/test.sh → scripts/keystone.sh). Keystone requests are counted by a
 * real HTTP proxy in front of it (helpers/keystone.ts), never by mocking our code.
 */
import { randomBytes } from "node:crypto";
import test from "ava";
import {
  createKeystoneValidator,
  INVALID_CACHE_MS,
  KeystoneUnavailable,
  MAX_TOKEN_LENGTH,
  type KeystoneSettings,
  type TokenValidator,
} from "../../common/auth/keystone.ts";
import { freePort } from "../helpers/free-port.ts";
import {
  createTenant,
  issueToken,
  keystoneEnv,
  keystoneSettings,
  passwordToken,
  revokeToken,
  startKeystoneProxy,
} from "../helpers/keystone.ts";

const VALIDATE = "GET /v3/auth/tokens";
const AUTH = "POST /v3/auth/tokens";

/** A validator behind its own counting proxy, with a clock the test can move. */
async function setup(t: { teardown(fn: () => unknown): void }, overrides: Partial<KeystoneSettings> = {}) {
  const proxy = await startKeystoneProxy();
  // `at` stops the clock (a test that counts milliseconds must not depend on how long the machine takes).
  const clock: { offset: number; at?: number } = { offset: 0 };
  const validator = createKeystoneValidator(keystoneSettings({ url: proxy.url, ...overrides }), { now: () => (clock.at ?? Date.now()) + clock.offset });
  t.teardown(async () => {
    validator.close();
    await proxy.close();
  });
  return { proxy, validator, clock };
}

test("a member token validates to its project's id, its user's id, its roles and its expiry", async (t) => {
  const { validator } = await setup(t);
  const tenant = await createTenant();
  const issued = await issueToken(tenant);
  const identity = await validator.validate(issued.token);
  t.truthy(identity);
  t.is(identity?.projectId, tenant.projectId);
  t.is(identity?.userId, tenant.userId);
  t.true(identity?.roles.includes("member"));
  t.false(identity?.roles.includes("admin"));
  t.is(identity?.expiresAt, issued.expiresAt);
  t.true(Object.isFrozen(identity) && Object.isFrozen(identity?.roles));
});

test("two projects' tokens validate to their own projects", async (t) => {
  const { validator } = await setup(t);
  const [a, b] = await Promise.all([createTenant(), createTenant()]);
  const [ta, tb] = await Promise.all([issueToken(a), issueToken(b)]);
  const [ia, ib] = await Promise.all([validator.validate(ta.token), validator.validate(tb.token)]);
  t.is(ia?.projectId, a.projectId);
  t.is(ib?.projectId, b.projectId);
  t.not(a.projectId, b.projectId);
});

test("an admin token carries the admin role and the roles it implies", async (t) => {
  const { validator } = await setup(t);
  const tenant = await createTenant({ role: "admin" });
  const identity = await validator.validate((await issueToken(tenant)).token);
  t.is(identity?.projectId, tenant.projectId);
  t.deepEqual([...(identity?.roles ?? [])].sort(), ["admin", "member", "reader"]);
});

test("garbage tokens are not valid", async (t) => {
  const { validator, proxy } = await setup(t);
  for (const garbage of ["not-a-token", "x", randomBytes(140).toString("base64url"), "gAAAAAB" + "A".repeat(200)]) {
    t.is(await validator.validate(garbage), null, garbage);
  }
  t.is(proxy.count(VALIDATE), 4);
});

test("oversized tokens and tokens that cannot be a header value are not valid, without asking Keystone", async (t) => {
  const { validator, proxy } = await setup(t);
  const bad = ["", "a".repeat(MAX_TOKEN_LENGTH + 1), "abc def", "abc\r\nX-Evil: 1", "tab\there", "nul\0", "é-token", "line\n"];
  for (const token of bad) t.is(await validator.validate(token), null, JSON.stringify(token.slice(0, 20)));
  t.is(proxy.count(VALIDATE), 0);
  t.is(proxy.count(AUTH), 0);
});

test("an altered token is not valid", async (t) => {
  const { validator } = await setup(t);
  const { token } = await issueToken(await createTenant());
  const last = token.slice(-5);
  const altered = token.slice(0, -5) + (last === "AAAAA" ? "BBBBB" : "AAAAA");
  t.is(await validator.validate(altered), null);
  t.truthy(await validator.validate(token));
});

test("a revoked token is not valid", async (t) => {
  const { validator } = await setup(t, { cacheTtlMs: 0 });
  const { token } = await issueToken(await createTenant());
  t.truthy(await validator.validate(token));
  await revokeToken(token);
  t.is(await validator.validate(token), null);
});

test("a token revoked while cached stays valid only until its cache entry ends", async (t) => {
  const { validator, clock } = await setup(t, { cacheTtlMs: 30_000 });
  const { token } = await issueToken(await createTenant());
  t.truthy(await validator.validate(token));
  await revokeToken(token);
  t.truthy(await validator.validate(token), "the cached identity, as documented");
  clock.offset = 30_000;
  t.is(await validator.validate(token), null);
});

test("an unscoped token has no project and is not valid", async (t) => {
  const { validator } = await setup(t);
  const tenant = await createTenant();
  const unscoped = await passwordToken(tenant.userName, tenant.password, null);
  t.is(await validator.validate(unscoped.token), null);
});

test("a second validation is answered from the cache without a Keystone request", async (t) => {
  const { validator, proxy } = await setup(t);
  const tenant = await createTenant();
  const { token } = await issueToken(tenant);
  const first = await validator.validate(token);
  t.is(proxy.count(VALIDATE), 1);
  t.is(proxy.count(AUTH), 1, "one service token");
  const second = await validator.validate(token);
  t.is(second, first);
  t.is(proxy.count(VALIDATE), 1);
  t.is(proxy.count(AUTH), 1);
});

test("a cached validation ends after the cache time", async (t) => {
  const { validator, proxy, clock } = await setup(t, { cacheTtlMs: 60_000 });
  const { token } = await issueToken(await createTenant());
  clock.at = Date.now();
  t.truthy(await validator.validate(token));
  clock.offset = 59_999;
  t.truthy(await validator.validate(token));
  t.is(proxy.count(VALIDATE), 1);
  clock.offset = 60_000;
  t.truthy(await validator.validate(token));
  t.is(proxy.count(VALIDATE), 2);
});

test("a cached identity is never used at or after its token's expires_at", async (t) => {
  // A cache time far beyond the token's life: the token's expiry is the bound.
  const { validator, proxy, clock } = await setup(t, { cacheTtlMs: 24 * 3600_000 });
  const issued = await issueToken(await createTenant());
  const identity = await validator.validate(issued.token);
  t.is(identity?.expiresAt, issued.expiresAt);
  clock.offset = issued.expiresAt - Date.now() - 1_000;
  t.is(await validator.validate(issued.token), identity);
  t.is(proxy.count(VALIDATE), 1);
  clock.offset = issued.expiresAt - Date.now();
  // Keystone (on the real clock) still calls it valid; by the validator's clock it has expired.
  t.is(await validator.validate(issued.token), null);
  t.is(proxy.count(VALIDATE), 2);
});

test("invalid answers are cached for at most 10 s", async (t) => {
  const { validator, proxy, clock } = await setup(t);
  const garbage = randomBytes(120).toString("base64url");
  t.is(await validator.validate(garbage), null);
  t.is(await validator.validate(garbage), null);
  t.is(proxy.count(VALIDATE), 1);
  clock.offset = INVALID_CACHE_MS;
  t.is(await validator.validate(garbage), null);
  t.is(proxy.count(VALIDATE), 2);
});

test("the cache holds at most cacheMaxEntries tokens, dropping the least recently used", async (t) => {
  const { validator, proxy } = await setup(t, { cacheMaxEntries: 2 });
  const tenant = await createTenant();
  const [a, b, c] = await Promise.all([issueToken(tenant), issueToken(tenant), issueToken(tenant)]);
  await validator.validate(a.token);
  await validator.validate(b.token);
  await validator.validate(a.token); // a is now the most recently used
  await validator.validate(c.token); // pushes b out
  t.is(proxy.count(VALIDATE), 3);
  await validator.validate(a.token);
  await validator.validate(c.token);
  t.is(proxy.count(VALIDATE), 3);
  t.truthy(await validator.validate(b.token));
  t.is(proxy.count(VALIDATE), 4);
});

test("concurrent validations of one token share one Keystone request", async (t) => {
  const { validator, proxy } = await setup(t);
  const tenant = await createTenant();
  const { token } = await issueToken(tenant);
  const results = await Promise.all(Array.from({ length: 25 }, () => validator.validate(token)));
  t.true(results.every((r) => r !== null && r === results[0]));
  t.is(results[0]?.projectId, tenant.projectId);
  t.is(proxy.count(VALIDATE), 1);
  t.is(proxy.count(AUTH), 1);
});

test("concurrent validations of one garbage token share one Keystone request", async (t) => {
  const { validator, proxy } = await setup(t);
  const garbage = randomBytes(120).toString("base64url");
  const results = await Promise.all(Array.from({ length: 10 }, () => validator.validate(garbage)));
  t.deepEqual(results, Array(10).fill(null));
  t.is(proxy.count(VALIDATE), 1);
});

test("an unreachable Keystone makes validation throw KeystoneUnavailable", async (t) => {
  const port = await freePort();
  const validator = createKeystoneValidator(keystoneSettings({ url: `http://127.0.0.1:${port}` }));
  t.teardown(() => validator.close());
  const err = await t.throwsAsync(validator.validate("gAAAAABsome-token"), { instanceOf: KeystoneUnavailable });
  t.regex(err?.message ?? "", /ECONNREFUSED/);
});

test("Keystone answering 503 makes validation throw KeystoneUnavailable, and the failure is not cached", async (t) => {
  const { validator, proxy } = await setup(t);
  const { token } = await issueToken(await createTenant());
  proxy.mode = "fail";
  await t.throwsAsync(validator.validate(token), { instanceOf: KeystoneUnavailable, message: /503/ });
  proxy.mode = "pass";
  t.truthy(await validator.validate(token));
});

test("Keystone failing once the service token is held makes validation throw KeystoneUnavailable", async (t) => {
  const { validator, proxy } = await setup(t);
  const tenant = await createTenant();
  const [a, b] = await Promise.all([issueToken(tenant), issueToken(tenant)]);
  t.truthy(await validator.validate(a.token));
  proxy.mode = "fail";
  await t.throwsAsync(validator.validate(b.token), { instanceOf: KeystoneUnavailable, message: /503 to a token validation/ });
  t.truthy(await validator.validate(a.token), "a cached identity does not need Keystone");
});

test("a Keystone that does not answer within timeoutMs makes validation throw KeystoneUnavailable", async (t) => {
  const { validator, proxy } = await setup(t, { timeoutMs: 300 });
  proxy.mode = "hang";
  const started = Date.now();
  await t.throwsAsync(validator.validate("gAAAAABsome-token"), { instanceOf: KeystoneUnavailable, message: /within 300 ms/ });
  t.true(Date.now() - started < 3000);
});

test("refused service credentials make validation throw KeystoneUnavailable, not answer null", async (t) => {
  const { validator } = await setup(t, { servicePassword: "wrong-password" });
  const { token } = await issueToken(await createTenant());
  await t.throwsAsync(validator.validate(token), { instanceOf: KeystoneUnavailable, message: /refused the service credentials/ });
});

test("a service user without the service role cannot validate others' tokens: KeystoneUnavailable", async (t) => {
  const member = await createTenant();
  const { validator } = await setup(t, { serviceUser: member.userName, servicePassword: member.password, serviceProject: member.projectName });
  const { token } = await issueToken(await createTenant());
  await t.throwsAsync(validator.validate(token), { instanceOf: KeystoneUnavailable, message: /403/ });
});

test("a revoked service token is replaced and the validation succeeds", async (t) => {
  const { validator, proxy } = await setup(t);
  const tenant = await createTenant();
  const [a, b] = await Promise.all([issueToken(tenant), issueToken(tenant)]);
  t.truthy(await validator.validate(a.token));
  const service = proxy.lastServiceToken;
  t.truthy(service);
  await revokeToken(service as string);
  const identity = await validator.validate(b.token);
  t.is(identity?.projectId, tenant.projectId);
  t.is(proxy.count(AUTH), 2, "a second service token");
  t.is(proxy.count(VALIDATE), 3, "the refused validation, then the retry");
  t.not(proxy.lastServiceToken, service);
});

test("the service token is renewed before it expires", async (t) => {
  const { validator, proxy, clock } = await setup(t, { cacheTtlMs: 0 });
  const tenant = await createTenant();
  const { token } = await issueToken(tenant);
  t.truthy(await validator.validate(token));
  clock.offset = 50 * 60_000;
  t.truthy(await validator.validate(token));
  t.is(proxy.count(AUTH), 1, "an hour-long service token is kept 50 minutes on");
  // The renewal is due 5 minutes before the service token's expiry; the user's token,
  // issued just before it, has not expired yet.
  clock.offset = 55 * 60_000 + 1_000;
  t.is((await validator.validate(token))?.projectId, tenant.projectId);
  t.is(proxy.count(AUTH), 2);
});

test("a closed validator aborts requests in flight and refuses new ones", async (t) => {
  const { validator, proxy } = await setup(t);
  proxy.mode = "hang";
  const pending = validator.validate("gAAAAABsome-token");
  await new Promise((r) => setTimeout(r, 100));
  validator.close();
  await t.throwsAsync(pending, { instanceOf: KeystoneUnavailable, message: /closed/ });
  await t.throwsAsync(validator.validate("gAAAAABsome-token"), { instanceOf: KeystoneUnavailable, message: /closed/ });
});

test("the validator reaches Keystone through the test run's URL with a trailing /v3", async (t) => {
  const validator: TokenValidator = createKeystoneValidator(keystoneSettings({ url: `${keystoneEnv().url}/v3/` }));
  t.teardown(() => validator.close());
  const tenant = await createTenant();
  t.is((await validator.validate((await issueToken(tenant)).token))?.projectId, tenant.projectId);
});

test("cached() answers only what the cache knows, without asking Keystone", async (t) => {
  const { validator, proxy } = await setup(t);
  const { token } = await issueToken(await createTenant());
  t.is(validator.cached(token), undefined, "not asked yet");
  t.is(validator.cached("x".repeat(9000)), null, "can never be valid");
  const identity = await validator.validate(token);
  t.truthy(identity);
  t.is(validator.cached(token), identity);
  t.is(await validator.validate("garbage-token"), null);
  t.is(validator.cached("garbage-token"), null);
  t.is(proxy.count(VALIDATE), 2, "cached() itself never asks");
  validator.close();
  t.is(validator.cached(token), undefined, "closed: validate() says why");
});

test("at most maxConcurrent validations reach Keystone at once; the rest wait their turn", async (t) => {
  const { validator, proxy } = await setup(t, { maxConcurrent: 3, timeoutMs: 5000 });
  const { token } = await issueToken(await createTenant());
  t.truthy(await validator.validate(token)); // the service token is held from here on
  const before = proxy.count(VALIDATE);
  proxy.mode = "hang";
  const asked = Array.from({ length: 10 }, (_, i) => validator.validate(`gAAAAAB-unknown-${i}`).then(() => "answered", (e: Error) => e.name));
  await new Promise((r) => setTimeout(r, 500));
  t.is(proxy.count(VALIDATE) - before, 3, "only three reached Keystone");
  proxy.mode = "pass";
  const outcomes = await Promise.all(asked);
  // The three hung ones time out (503); the seven that waited are then asked and answered (unknown: null).
  t.is(outcomes.filter((o) => o === "KeystoneUnavailable").length, 3);
  t.is(outcomes.filter((o) => o === "answered").length, 7);
  t.is(proxy.count(VALIDATE) - before, 10);
});

test("a validation queue that overflows is refused at once with KeystoneUnavailable", async (t) => {
  const { validator, proxy } = await setup(t, { maxConcurrent: 1, timeoutMs: 5000 });
  const { token } = await issueToken(await createTenant());
  t.truthy(await validator.validate(token));
  proxy.mode = "hang";
  // One slot: one asks Keystone and 64 wait; the next is refused without waiting.
  const held = Array.from({ length: 65 }, (_, i) => validator.validate(`gAAAAAB-held-${i}`).catch((e: Error) => e));
  const started = Date.now();
  await t.throwsAsync(validator.validate("gAAAAAB-one-too-many"), { instanceOf: KeystoneUnavailable, message: /too many token validations/ });
  t.true(Date.now() - started < 500);
  proxy.mode = "fail";
  await Promise.all(held);
});
