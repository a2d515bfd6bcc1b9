/**
 * ZAQAR_CORE_SECRET and ZAQAR_CORE_TLS_{CERT,KEY,CA}: read the same way by
 * every process's config, checked at start (a bad setting names itself and
 * the file), absent when unset.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import anyTest, { type TestFn } from "ava";
import { readCoreAuth, MIN_SECRET_LENGTH, type CoreAuth } from "../../common/core-auth.ts";
import { readCoreConfig } from "../../core/src/config.ts";
import { readRestEdgeConfig } from "../../edge-rest/src/config.ts";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { readNotifierConfig } from "../../notifier/src/config.ts";
import { makeTestPki, type TestPki } from "../helpers/certs.ts";
import { root } from "../e2e/support/stack.ts";

const test = anyTest as TestFn<{ pki: TestPki }>;

test.before((t) => {
  t.context.pki = makeTestPki();
});
test.after.always((t) => t.context.pki?.remove());

const SECRET = "0123456789abcdef0123456789abcdef";

function read(env: NodeJS.ProcessEnv): { auth: CoreAuth | undefined; problems: string[] } {
  const problems: string[] = [];
  return { auth: readCoreAuth(env, problems), problems };
}

const tlsEnv = (pki: TestPki) => ({ ZAQAR_CORE_TLS_CERT: pki.client.cert, ZAQAR_CORE_TLS_KEY: pki.client.key, ZAQAR_CORE_TLS_CA: pki.ca });

test("nothing set, or set empty, means no core authentication", (t) => {
  t.deepEqual(read({}), { auth: undefined, problems: [] });
  t.deepEqual(read({ ZAQAR_CORE_SECRET: "", ZAQAR_CORE_TLS_CERT: "", ZAQAR_CORE_TLS_KEY: " ", ZAQAR_CORE_TLS_CA: "" }), { auth: undefined, problems: [] });
  for (const config of [readCoreConfig({}), readRestEdgeConfig({}), readWsEdgeConfig({}), readNotifierConfig({})]) {
    t.false("coreAuth" in config);
  }
});

test("the secret is read as is, into a frozen object", (t) => {
  const { auth, problems } = read({ ZAQAR_CORE_SECRET: SECRET });
  t.deepEqual(problems, []);
  t.deepEqual(auth, { secret: SECRET, tls: null });
  t.true(Object.isFrozen(auth));
});

test("the TLS files are read and checked at start", (t) => {
  const { pki } = t.context;
  const { auth, problems } = read(tlsEnv(pki));
  t.deepEqual(problems, []);
  t.is(auth?.secret, null);
  t.deepEqual(auth?.tls?.files, { cert: pki.client.cert, key: pki.client.key, ca: pki.ca });
  t.true(auth?.tls?.cert.toString().startsWith("-----BEGIN CERTIFICATE-----"));
  t.true(auth?.tls?.key.toString().includes("PRIVATE KEY-----"));
  t.true(auth?.tls?.ca.toString().startsWith("-----BEGIN CERTIFICATE-----"));
});

test("every process reads the same variables into config.coreAuth", (t) => {
  const env = { ZAQAR_CORE_SECRET: SECRET, ...tlsEnv(t.context.pki) };
  const expected = read(env).auth;
  t.truthy(expected?.tls);
  t.deepEqual(readCoreConfig(env).coreAuth, expected);
  t.deepEqual(readRestEdgeConfig(env).coreAuth, expected);
  t.deepEqual(readWsEdgeConfig(env).coreAuth, expected);
  t.deepEqual(readNotifierConfig(env).coreAuth, expected);
});

test("a short secret, or one with spaces or non-ASCII characters, is refused", (t) => {
  t.deepEqual(read({ ZAQAR_CORE_SECRET: "x".repeat(MIN_SECRET_LENGTH - 1) }).problems, [
    `ZAQAR_CORE_SECRET must be at least ${MIN_SECRET_LENGTH} characters long, got ${MIN_SECRET_LENGTH - 1}`,
  ]);
  t.is(read({ ZAQAR_CORE_SECRET: "x".repeat(MIN_SECRET_LENGTH) }).auth?.secret, "x".repeat(MIN_SECRET_LENGTH));
  for (const bad of [`${SECRET} `, `with space ${SECRET}`, `${SECRET}\n`, `${SECRET}é`]) {
    const { auth, problems } = read({ ZAQAR_CORE_SECRET: bad });
    t.is(auth, undefined);
    t.regex(problems[0] ?? "", /^ZAQAR_CORE_SECRET must be visible ASCII characters without spaces/);
  }
});

test("the TLS files go together: one or two of them is a problem naming the missing ones", (t) => {
  const { pki } = t.context;
  t.deepEqual(read({ ZAQAR_CORE_TLS_CERT: pki.client.cert }).problems, [
    "ZAQAR_CORE_TLS_CERT, ZAQAR_CORE_TLS_KEY and ZAQAR_CORE_TLS_CA must be set together (unset: ZAQAR_CORE_TLS_KEY, ZAQAR_CORE_TLS_CA)",
  ]);
  t.deepEqual(read({ ZAQAR_CORE_TLS_CERT: pki.client.cert, ZAQAR_CORE_TLS_KEY: pki.client.key }).problems, [
    "ZAQAR_CORE_TLS_CERT, ZAQAR_CORE_TLS_KEY and ZAQAR_CORE_TLS_CA must be set together (unset: ZAQAR_CORE_TLS_CA)",
  ]);
});

test("an unreadable file names its variable, its path and the reason", (t) => {
  const { pki } = t.context;
  const missing = join(pki.dir, "nope.pem");
  const { auth, problems } = read({ ...tlsEnv(pki), ZAQAR_CORE_TLS_KEY: missing, ZAQAR_CORE_TLS_CA: pki.dir });
  t.is(auth, undefined);
  t.is(problems.length, 2);
  t.regex(problems[0] ?? "", new RegExp(`^ZAQAR_CORE_TLS_KEY: cannot read "${missing}": ENOENT`));
  t.regex(problems[1] ?? "", new RegExp(`^ZAQAR_CORE_TLS_CA: cannot read "${pki.dir}": EISDIR`));
});

test("files that are not what their variable says, a key of another certificate and an expired certificate are refused", (t) => {
  const { pki } = t.context;
  const garbage = join(pki.dir, "garbage.pem");
  writeFileSync(garbage, "not a pem file\n");
  const swapped = read({ ZAQAR_CORE_TLS_CERT: pki.client.key, ZAQAR_CORE_TLS_KEY: pki.client.cert, ZAQAR_CORE_TLS_CA: garbage }).problems;
  t.is(swapped.length, 3);
  t.true(swapped[0]?.startsWith(`ZAQAR_CORE_TLS_CERT: "${pki.client.key}" is not a PEM certificate`));
  t.true(swapped[1]?.startsWith(`ZAQAR_CORE_TLS_KEY: "${pki.client.cert}" is not a PEM private key`));
  t.true(swapped[2]?.startsWith(`ZAQAR_CORE_TLS_CA: "${garbage}" is not a PEM certificate`));

  t.deepEqual(read({ ...tlsEnv(pki), ZAQAR_CORE_TLS_KEY: pki.core.key }).problems, [
    `ZAQAR_CORE_TLS_KEY: "${pki.core.key}" is not the private key of the certificate in "${pki.client.cert}"`,
  ]);
  t.deepEqual(read({ ...tlsEnv(pki), ZAQAR_CORE_TLS_CERT: pki.expired.cert, ZAQAR_CORE_TLS_KEY: pki.expired.key }).problems, [
    `ZAQAR_CORE_TLS_CERT: the certificate in "${pki.expired.cert}" expired on Jan  2 00:00:00 2020 GMT`,
  ]);
});

test("a process's config lists core-auth problems with its own", (t) => {
  for (const readConfig of [readCoreConfig, readRestEdgeConfig, readWsEdgeConfig, readNotifierConfig]) {
    const err = t.throws(() => readConfig({ ZAQAR_LOG_LEVEL: "loud", ZAQAR_CORE_SECRET: "short", ZAQAR_CORE_TLS_CA: t.context.pki.ca }));
    t.regex(err.message, /ZAQAR_LOG_LEVEL/);
    t.regex(err.message, /ZAQAR_CORE_SECRET must be at least 16 characters long, got 5/);
    t.regex(err.message, /must be set together \(unset: ZAQAR_CORE_TLS_CERT, ZAQAR_CORE_TLS_KEY\)/);
  }
});

/** Runs a process's main with `env` (and no ZAQAR_* from this shell); answers its exit code and stderr. */
function run(main: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ZAQAR_")));
  const child = spawn(process.execPath, ["--import", "tsx", main], { cwd: root, env: { ...clean, ...env }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, stderr })));
}

test("the core and the edges refuse to start on a bad setting, saying which and why", async (t) => {
  const missing = join(t.context.pki.dir, "missing.pem");
  const env = { ZAQAR_CORE_TLS_CERT: missing, ZAQAR_CORE_TLS_KEY: t.context.pki.core.key, ZAQAR_CORE_TLS_CA: t.context.pki.ca, ZAQAR_CORE_LISTEN: "127.0.0.1:0", ZAQAR_CORE_CONNECT_LISTEN: "off" };
  for (const [main, what] of [
    ["core/src/main.ts", "invalid core configuration"],
    ["edge-rest/src/main.ts", "invalid REST edge configuration"],
    ["edge-ws/src/main.ts", "invalid WebSocket edge configuration"],
    ["notifier/src/main.ts", "invalid notifier configuration"],
  ] as const) {
    const { code, stderr } = await run(main, env);
    t.is(code, 1, main);
    t.is(stderr, `${what}:\n  - ZAQAR_CORE_TLS_CERT: cannot read "${missing}": ENOENT: no such file or directory, open '${missing}'\n`, main);
  }
});
