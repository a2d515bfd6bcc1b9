import test from "ava";
import { readNotifierConfig, redactUrl } from "../../notifier/src/config.ts";

test("the notifier's defaults need no environment", (t) => {
  t.deepEqual(readNotifierConfig({}), {
    coreUrl: "127.0.0.1:7070",
    concurrency: 128,
    leaseSize: 100,
    leaseSeconds: 60,
    leaseWaitMs: 2000,
    webhookTimeoutMs: 10_000,
    webhookAllowCrossHostRedirects: false,
    smtpUrl: "smtp://127.0.0.1:25",
    smtpFrom: "Zaqar Notifications <no-reply@localhost>",
    smtpTimeoutMs: 10_000,
    smtpConcurrency: 4,
    healthListen: { host: "127.0.0.1", port: 8890 },
    logLevel: "info",
    timeScale: 1,
  });
  t.true(Object.isFrozen(readNotifierConfig({})));
});

test("every ZAQAR_* setting of the notifier is read", (t) => {
  const config = readNotifierConfig({
    ZAQAR_CORE_URL: "[::1]:9000",
    ZAQAR_NOTIFIER_CONCURRENCY: "8",
    ZAQAR_NOTIFIER_LEASE_SIZE: "16",
    ZAQAR_NOTIFIER_LEASE_SECONDS: "120",
    ZAQAR_NOTIFIER_LEASE_WAIT_MS: "0",
    ZAQAR_WEBHOOK_TIMEOUT_MS: "1500",
    ZAQAR_WEBHOOK_ALLOW_CROSS_HOST_REDIRECTS: "true",
    ZAQAR_SMTP_URL: "smtps://user:secret@mail.example.com:465",
    ZAQAR_SMTP_FROM: "ops@example.com",
    ZAQAR_SMTP_TIMEOUT_MS: "5000",
    ZAQAR_SMTP_CONCURRENCY: "2",
    ZAQAR_NOTIFIER_HEALTH_LISTEN: "off",
    ZAQAR_LOG_LEVEL: "debug",
    ZAQAR_NOTIFIER_TIME_SCALE: "0.01",
  });
  t.like(config, {
    coreUrl: "[::1]:9000",
    concurrency: 8,
    leaseSize: 16,
    leaseSeconds: 120,
    leaseWaitMs: 0,
    webhookTimeoutMs: 1500,
    webhookAllowCrossHostRedirects: true,
    smtpUrl: "smtps://user:secret@mail.example.com:465",
    smtpFrom: "ops@example.com",
    smtpTimeoutMs: 5000,
    smtpConcurrency: 2,
    healthListen: null,
    logLevel: "debug",
    timeScale: 0.01,
  });
});

test("a bad notifier configuration lists every problem at once, without the SMTP password", (t) => {
  const err = t.throws(() =>
    readNotifierConfig({
      ZAQAR_CORE_URL: "nowhere",
      ZAQAR_NOTIFIER_CONCURRENCY: "0",
      ZAQAR_NOTIFIER_LEASE_SIZE: "1001",
      ZAQAR_NOTIFIER_LEASE_WAIT_MS: "-1",
      ZAQAR_WEBHOOK_ALLOW_CROSS_HOST_REDIRECTS: "maybe",
      ZAQAR_SMTP_URL: "imap://u:hunter2@x",
      ZAQAR_NOTIFIER_HEALTH_LISTEN: "8890",
      ZAQAR_LOG_LEVEL: "loud",
      ZAQAR_NOTIFIER_TIME_SCALE: "2",
    }),
  );
  const lines = err!.message.split("\n").slice(1);
  t.is(lines.length, 9, err!.message);
  t.notRegex(err!.message, /hunter2/);
  t.regex(err!.message, /ZAQAR_SMTP_URL .*imap:\/\/u:\*\*\*@x/);
});

test("a lease shorter than twice the slowest delivery is refused", (t) => {
  const err = t.throws(() => readNotifierConfig({ ZAQAR_NOTIFIER_LEASE_SECONDS: "30", ZAQAR_WEBHOOK_TIMEOUT_MS: "20000" }));
  t.regex(err!.message, /ZAQAR_NOTIFIER_LEASE_SECONDS \(30\) must be at least twice the slowest delivery/);
  t.notThrows(() => readNotifierConfig({ ZAQAR_NOTIFIER_LEASE_SECONDS: "40", ZAQAR_WEBHOOK_TIMEOUT_MS: "20000", ZAQAR_SMTP_TIMEOUT_MS: "1000" }));
});

test("redactUrl hides only the password", (t) => {
  t.is(redactUrl("smtps://user:pa:ss@host:465"), "smtps://user:***@host:465");
  t.is(redactUrl("smtp://host:25"), "smtp://host:25");
});
