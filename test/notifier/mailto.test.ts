import test from "ava";
import { createMailer, type MailerOptions } from "../../notifier/src/tasks/mailto.ts";
import { freePort } from "../helpers/free-port.ts";
import { startMuteServer } from "../helpers/mute-server.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const DEFAULT_FROM = "Zaqar Notifications <no-reply@zaqar.test>";

function mailer(t: { teardown(fn: () => unknown): void }, smtpUrl: string, options: Partial<MailerOptions> = {}) {
  const m = createMailer({ smtpUrl, defaultFrom: DEFAULT_FROM, timeoutMs: 2000, connections: 2, ...options });
  t.teardown(() => m.close());
  return m;
}

test("a mail reaches the SMTP server with the job's To, From, Subject and text", async (t) => {
  const smtp = await startSmtpSink();
  t.teardown(() => smtp.close());
  const text = `{"ttl": 3600, "body": {"event": "BackupStarted", "note": "${"x".repeat(200)} \u00e9\u2713"}, "Message_Type": "Notification", "queue_name": "orders"}`;
  const outcome = await mailer(t, smtp.url).send({ to: "ops@example.com", from: "zaqar@example.com", subject: "New message \u2709", text });
  t.true(outcome.delivered, outcome.detail);
  const [mail] = await smtp.waitFor(1);
  t.deepEqual(
    { to: mail!.to, from: mail!.from, subject: mail!.subject, text: mail!.text, type: mail!.contentType, envelope: mail!.envelope },
    {
      to: "ops@example.com",
      from: "zaqar@example.com",
      subject: "New message \u2709",
      text,
      type: "text/plain",
      envelope: { from: "zaqar@example.com", to: ["ops@example.com"] },
    },
  );
});

test("a mail whose job names no sender comes from the configured default", async (t) => {
  const smtp = await startSmtpSink();
  t.teardown(() => smtp.close());
  const outcome = await mailer(t, smtp.url).send({ to: "ops@example.com", from: "", subject: "", text: "hello" });
  t.true(outcome.delivered, outcome.detail);
  const [mail] = await smtp.waitFor(1);
  t.is(mail!.from, `"Zaqar Notifications" <no-reply@zaqar.test>`);
  t.is(mail!.envelope.from, "no-reply@zaqar.test");
  t.is(mail!.subject, "");
  t.is(mail!.text, "hello");
});

test("an SMTP server that refuses connections is unreachable: worth retrying", async (t) => {
  const port = await freePort();
  const outcome = await mailer(t, `smtp://127.0.0.1:${port}`).send({ to: "ops@example.com", from: "", subject: "s", text: "t" });
  t.false(outcome.delivered);
  t.true(!outcome.delivered && outcome.retry);
  t.regex(outcome.detail, /unreachable.*ECONNREFUSED/);
});

test("an SMTP server that never greets times out as unreachable: worth retrying", async (t) => {
  const mutePort = await startMuteServer(t);
  const started = performance.now();
  const outcome = await mailer(t, `smtp://127.0.0.1:${mutePort}`, { timeoutMs: 300 }).send({ to: "ops@example.com", from: "", subject: "s", text: "t" });
  const took = performance.now() - started;
  t.true(!outcome.delivered && outcome.retry, outcome.detail);
  t.regex(outcome.detail, /unreachable.*ETIMEDOUT/);
  t.true(took < 1500, `took ${took} ms`);
});

test("a recipient the server rejects is final: not retried, and the server saw one attempt", async (t) => {
  const smtp = await startSmtpSink({ reject: ["nobody@example.com"] });
  t.teardown(() => smtp.close());
  const outcome = await mailer(t, smtp.url).send({ to: "nobody@example.com", from: "", subject: "s", text: "t" });
  t.false(outcome.delivered);
  t.true(!outcome.delivered && !outcome.retry, outcome.detail);
  t.regex(outcome.detail, /EENVELOPE 550/);
  t.notRegex(outcome.detail, /nobody/);
  t.deepEqual(smtp.recipients, ["nobody@example.com"]);
  t.is(smtp.mails.length, 0);
});

test("a mail without recipient is final", async (t) => {
  const smtp = await startSmtpSink();
  t.teardown(() => smtp.close());
  t.deepEqual(await mailer(t, smtp.url).send({ to: "", from: "", subject: "s", text: "t" }), { delivered: false, retry: false, detail: "no recipient" });
});

test("one mailer sends many mails over its pooled connections", async (t) => {
  const smtp = await startSmtpSink();
  t.teardown(() => smtp.close());
  const m = mailer(t, smtp.url);
  const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => m.send({ to: `u${i}@example.com`, from: "", subject: `n${i}`, text: `t${i}` })));
  t.true(outcomes.every((o) => o.delivered));
  await smtp.waitFor(20);
  t.deepEqual(smtp.mails.map((m) => m.subject).sort(), Array.from({ length: 20 }, (_, i) => `n${i}`).sort());
});
