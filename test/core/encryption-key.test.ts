/**
 * ZAQAR_MESSAGE_ENCRYPTION_KEY: read once by config.ts (default: upstream's
 * public "AES256"), and the one warning the core process logs at start while
 * that default is in use.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import test from "ava";
import { DEFAULT_MESSAGE_ENCRYPTION_KEY, readCoreConfig } from "../../core/src/config.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

test("the encryption passphrase defaults to upstream's AES256 and is read from ZAQAR_MESSAGE_ENCRYPTION_KEY", (t) => {
  t.is(DEFAULT_MESSAGE_ENCRYPTION_KEY, "AES256");
  t.is(readCoreConfig({}).messageEncryptionKey, "AES256");
  t.is(readCoreConfig({ ZAQAR_MESSAGE_ENCRYPTION_KEY: "correct horse battery staple" }).messageEncryptionKey, "correct horse battery staple");
});

test("an empty encryption passphrase is a configuration error listed with the others", (t) => {
  const err = t.throws(() => readCoreConfig({ ZAQAR_MESSAGE_ENCRYPTION_KEY: "", ZAQAR_STORE: "disk" }));
  t.regex(err?.message ?? "", /ZAQAR_MESSAGE_ENCRYPTION_KEY must not be empty/);
  t.regex(err?.message ?? "", /ZAQAR_STORE/);
});

/** Starts core/src/main.ts, collects its log lines until it listens, then stops it. */
async function startupLog(extraEnv: Record<string, string>): Promise<Array<Record<string, unknown>>> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ZAQAR_")));
  const child = spawn(process.execPath, ["--import", "tsx", "core/src/main.ts"], {
    cwd: root,
    env: { ...env, ZAQAR_STORE: "memory", ZAQAR_CORE_LISTEN: "127.0.0.1:0", ZAQAR_CORE_CONNECT_LISTEN: "off", ZAQAR_LOG_LEVEL: "info", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`core did not start in 20 s:\n${out}\n${err}`)), 20_000);
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('"msg":"core listening"')) {
          clearTimeout(timer);
          resolve();
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`core exited:\n${out}\n${err}`));
      });
    });
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  }
  return out
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const warnings = (lines: Array<Record<string, unknown>>) =>
  lines.filter((l) => l["level"] === 40 && String(l["msg"]).includes("ZAQAR_MESSAGE_ENCRYPTION_KEY"));

test("the core warns once at start while the default passphrase is in use", async (t) => {
  const lines = await startupLog({});
  t.is(warnings(lines).length, 1);
  t.false(JSON.stringify(lines).includes('"AES256"'), "the passphrase itself is not logged");
});

test("the core does not warn when a passphrase of its own is set, and never logs it", async (t) => {
  const lines = await startupLog({ ZAQAR_MESSAGE_ENCRYPTION_KEY: "a passphrase of our own" });
  t.is(warnings(lines).length, 0);
  t.true(lines.some((l) => l["msg"] === "core listening"));
  t.false(JSON.stringify(lines).includes("a passphrase of our own"));
});
