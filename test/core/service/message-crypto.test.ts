/**
 * The sealed body format (message-crypto.ts): what is stored, that it opens
 * byte for byte under the right key and project only, and what a reader gets
 * from a body that does not open.
 */
import { createDecipheriv, createHash, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import test from "ava";
import { pino } from "pino";
import { createMessageCrypto, encryptsMessages } from "../../../core/src/service/message-crypto.ts";
import type { NewMessage } from "../../../core/src/storage/driver.ts";

const silent = pino({ level: "silent" });
const scopeOf = (project = `p-${randomUUID()}`) => ({ project, queue: "q" });

/** A logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { log: pino({ level: "info" }, sink), lines };
}

const seal1 = (passphrase: string, body: string, scope = scopeOf()): string =>
  (createMessageCrypto(passphrase, silent).sealAll([{ body, ttl: 60, delay: 0 }], scope)[0] as NewMessage).body;

const BODIES = [
  '{"text":"héllo wörld — 你好 🎉","n":[1,2.5,-3e-7],"nested":{"deep":[true,false,null]}}',
  "42",
  '"a plain string ✓"',
  "null",
  "[]",
  JSON.stringify({ big: "x".repeat(70_000) }),
];

test("a sealed body opens to the posted JSON text byte for byte", (t) => {
  const crypto = createMessageCrypto("secret one", silent);
  const scope = scopeOf();
  const sealed = crypto.sealAll(BODIES.map((body) => ({ body, ttl: 60, delay: 0 })), scope);
  for (const [i, m] of sealed.entries()) {
    t.not(m.body, BODIES[i]);
    t.deepEqual(crypto.open(m.body, scope, `m${i}`), Buffer.from(BODIES[i] as string, "utf8"));
  }
});

test("the sealed form is ~enc1: and base64 of iv, tag and AES-256-GCM ciphertext under SHA-256 of the passphrase", (t) => {
  const scope = scopeOf();
  const body = '{"secret":"the owl flies at midnight"}';
  const sealed = seal1("my passphrase", body, scope);
  t.regex(sealed, /^~enc1:[A-Za-z0-9+/]+=*$/);
  t.throws(() => JSON.parse(sealed), undefined, "a sealed body is never a JSON text");
  const raw = Buffer.from(sealed.slice("~enc1:".length), "base64");
  t.is(raw.length, 12 + 16 + Buffer.byteLength(body));
  // Opened here with node:crypto directly, independent of the module.
  const key = createHash("sha256").update("my passphrase").digest();
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(scope.project));
  decipher.setAuthTag(raw.subarray(12, 28));
  t.is(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(), body);
});

test("sealing the same body twice gives different values", (t) => {
  const scope = scopeOf();
  t.not(seal1("k", "1", scope), seal1("k", "1", scope));
});

test("sealing keeps every other field and leaves the batch it was given alone", (t) => {
  const batch = [{ body: '"x"', ttl: 120, delay: 5 }];
  const sealed = createMessageCrypto("k", silent).sealAll(batch, scopeOf());
  t.deepEqual(batch, [{ body: '"x"', ttl: 120, delay: 5 }]);
  t.is(sealed[0]?.ttl, 120);
  t.is(sealed[0]?.delay, 5);
  t.true(sealed[0]?.body.startsWith("~enc1:"));
});

test("a plain body reads back as stored, whatever it looks like", (t) => {
  const crypto = createMessageCrypto("k", silent);
  for (const body of [...BODIES, '"~enc1:AAAA"', '"fo+/bar=="']) {
    t.deepEqual(crypto.open(body, scopeOf(), "m"), Buffer.from(body, "utf8"));
  }
});

test("a body sealed under another key reads as a JSON string of the stored text and is logged by id", (t) => {
  const scope = scopeOf();
  const sealed = seal1("old key", '{"secret":"the owl flies at midnight"}', scope);
  const { log, lines } = capturingLogger();
  const opened = createMessageCrypto("new key", log).open(sealed, scope, "m-1");
  t.is(opened.toString("utf8"), JSON.stringify(sealed));
  t.is(lines.length, 1);
  t.like(lines[0], { level: 50, project: scope.project, queue: "q", messageId: "m-1" });
  t.false(JSON.stringify(lines[0]).includes("owl"), "the log carries no body");
});

test("a sealed body does not open in another project", (t) => {
  const sealed = seal1("k", '"tenant a"');
  const opened = createMessageCrypto("k", silent).open(sealed, scopeOf(), "m");
  t.is(opened.toString("utf8"), JSON.stringify(sealed));
});

test("a damaged, truncated or unknown-scheme sealed body reads as a JSON string of the stored text", (t) => {
  const crypto = createMessageCrypto("k", silent);
  const scope = scopeOf();
  const sealed = seal1("k", '{"n":1}', scope);
  const flipped = sealed.slice(0, -6) + (sealed.at(-6) === "A" ? "B" : "A") + sealed.slice(-5);
  for (const stored of [flipped, sealed.slice(0, 20), "~enc9:" + sealed.slice(6), "~", "~enc1:", "~enc1:!!!\"\\"]) {
    t.is(crypto.open(stored, scope, "m").toString("utf8"), JSON.stringify(stored), stored.slice(0, 30));
    t.notThrows(() => JSON.parse(crypto.open(stored, scope, "m").toString("utf8")));
  }
});

test("only _enable_encrypt_messages: true turns encryption on", (t) => {
  t.true(encryptsMessages({ _enable_encrypt_messages: true }));
  for (const value of [false, null, 0, "", undefined]) t.false(encryptsMessages({ _enable_encrypt_messages: value }));
  t.false(encryptsMessages({}));
});
