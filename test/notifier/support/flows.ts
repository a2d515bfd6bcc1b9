/**
 * Notification delivery end to end, registered once per store: a real core
 * and REST edge in process, real notifier processes, real HTTP receivers and
 * a real SMTP server. Every test has its own core and its own project.
 */
import test, { type ExecutionContext } from "ava";
import { freePort } from "../../helpers/free-port.ts";
import { startMuteServer } from "../../helpers/mute-server.ts";
import { startSmtpSink } from "../../helpers/smtp-sink.ts";
import { startWebhookReceiver, type Responder, type WebhookReceiver } from "../../helpers/webhook-receiver.ts";
import { startNotifyStack, type NotifierProcess } from "./stack.ts";

type Store = "memory" | "redis";

export async function receiver(t: ExecutionContext, respond?: Responder): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver(respond);
  t.teardown(() => hook.close());
  return hook;
}

/** The spec's notification payload for a message posted with `body` (compact JSON, as fetch sends it) and `ttl`. */
export const payload = (queue: string, body: unknown, ttl: number): string =>
  `{"ttl": ${ttl}, "body": ${JSON.stringify(body)}, "Message_Type": "Notification", "queue_name": "${queue}"}`;

export async function health(n: NotifierProcess): Promise<Record<string, number | boolean | string | null>> {
  const res = await fetch(n.healthUrl);
  return (await res.json()) as Record<string, number | boolean | string | null>;
}

/** Polls until `check` holds (or fails the test after timeoutMs). */
export async function eventually(t: ExecutionContext, what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) t.fail(`timed out waiting until ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function defineNotifyFlows(store: Store): void {
  const title = (s: string) => `${s} (${store})`;

  test(title("each posted message reaches every webhook subscriber as the spec's payload, with its post_headers"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hooks = [await receiver(t), await receiver(t), await receiver(t)];
    const api = stack.api();
    for (const [i, hook] of hooks.entries()) {
      const options = i === 0 ? { post_headers: { "X-Secret": "s3", "X-Trace": "t-1" } } : {};
      const created = await api("POST", "/v2/queues/orders/subscriptions", { subscriber: hook.url(`/hook/${i}`), ttl: 3600, options });
      t.is(created.status, 201);
    }
    await stack.spawnNotifier();
    const bodies = [{ event: "BackupStarted" }, { n: 1, nested: { list: [1, 2.5, "x"] } }, "plain string", 42, null];
    const posted = await api("POST", "/v2/queues/orders/messages", { messages: bodies.map((body) => ({ body, ttl: 300 })) });
    t.is(posted.status, 201);

    for (const [i, hook] of hooks.entries()) {
      const got = await hook.waitFor(bodies.length);
      await new Promise((r) => setTimeout(r, 100));
      t.is(got.length, bodies.length, `receiver ${i} got each message once`);
      t.deepEqual(got.map((r) => r.body.toString("utf8")).sort(), bodies.map((b) => payload("orders", b, 300)).sort());
      for (const r of got) {
        t.is(r.method, "POST");
        t.is(r.url, `/hook/${i}`);
        t.is(r.headers["content-type"], "application/json");
        t.is(r.headers["content-length"], String(r.body.length));
        if (i === 0) t.deepEqual([r.headers["x-secret"], r.headers["x-trace"]], ["s3", "t-1"]);
        else t.is(r.headers["x-secret"], undefined);
      }
    }
  });

  test(title("a mailto: subscriber gets each notification as a mail with the subscription's subject and sender"), async (t) => {
    const smtp = await startSmtpSink();
    t.teardown(() => smtp.close());
    const stack = await startNotifyStack(t, { store });
    const api = stack.api();
    const created = await api("POST", "/v2/queues/alerts/subscriptions", {
      subscriber: "mailto:ops@example.com?subject=Queue%20alert",
      options: { from: "zaqar@example.com", subject: "ignored when the URI has one" },
    });
    t.is(created.status, 201);
    await stack.spawnNotifier({ ZAQAR_SMTP_URL: smtp.url });
    t.is((await api("POST", "/v2/queues/alerts/messages", { messages: [{ body: { disk: "full" }, ttl: 120 }] })).status, 201);
    const [mail] = await smtp.waitFor(1);
    t.deepEqual(
      { to: mail!.to, from: mail!.from, subject: mail!.subject, text: mail!.text, rcpt: mail!.envelope.to },
      { to: "ops@example.com", from: "zaqar@example.com", subject: "Queue alert", text: payload("alerts", { disk: "full" }, 120), rcpt: ["ops@example.com"] },
    );
  });

  test(title("a receiver failing 5 times gets 6 POSTs spaced as the subscription's retry policy says"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t, (req) => (req.index < 5 ? 503 : 200));
    const api = stack.api();
    // Delays: 1 at once, 1 after minimum_delay, linear 20, 25, 30, then maximum_delay: 0, 20, 20, 25, 30, 35 s.
    const policy = { retries_with_no_delay: 1, minimum_delay_retries: 1, minimum_delay: 20, maximum_delay: 35, maximum_delay_retries: 1, retry_backoff_function: "linear" };
    t.is((await api("POST", "/v2/queues/flaky/subscriptions", { subscriber: hook.url("/flaky"), options: { _retry_policy: policy } })).status, 201);
    const notifier = await stack.spawnNotifier({ ZAQAR_NOTIFIER_TIME_SCALE: "0.01" });
    t.is((await api("POST", "/v2/queues/flaky/messages", { messages: [{ body: { try: "me" } }] })).status, 201);

    const got = await hook.waitFor(6);
    await new Promise((r) => setTimeout(r, 600));
    t.is(hook.requests.length, 6, "no POST after the first success");
    t.true(got.every((r) => r.body.toString() === got[0]!.body.toString()), "every attempt carries the same payload");
    const expected = [0, 200, 200, 250, 300];
    await eventually(t, "the notifier counts the delivery", async () => (await health(notifier))["delivered"] === 1);
    // The schedule the notifier followed, attempt by attempt ...
    const scheduled = notifier.records().filter((r) => r["msg"] === "delivery failed; retry scheduled");
    t.deepEqual(scheduled.map((r) => [r["attempts"], r["delayMs"], r["detail"]]), expected.map((d, i) => [i + 1, d, "HTTP 503"]));
    // ... and what the receiver saw: never early; late by the core's due-job poll and a lease
    // round trip (bounded loosely: the machine may be busy).
    const gaps = got.slice(1).map((r, i) => r.at - got[i]!.at);
    for (const [i, gap] of gaps.entries()) {
      t.true(gap >= expected[i]! - 5 && gap <= expected[i]! + 2000, `gap ${i + 1}: ${Math.round(gap)} ms, policy says ${expected[i]} ms (all: ${gaps.map(Math.round).join(", ")})`);
    }
    t.like(await health(notifier), { delivered: 1, retried: 5, failed: 0 });
  });

  test(title("a receiver that never succeeds gets exactly the policy's attempts, then the job is dropped"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t, () => 500);
    const api = stack.api();
    // 1 + 2 at once + 0 after minimum_delay + linear 0, 5 + 1 after maximum_delay = 6 attempts.
    const policy = { retries_with_no_delay: 2, minimum_delay_retries: 0, minimum_delay: 0, maximum_delay: 10, maximum_delay_retries: 1, retry_backoff_function: "linear" };
    await api("POST", "/v2/queues/dead/subscriptions", { subscriber: hook.url(), options: { _retry_policy: policy } });
    const notifier = await stack.spawnNotifier({ ZAQAR_NOTIFIER_TIME_SCALE: "0.01" });
    await api("POST", "/v2/queues/dead/messages", { messages: [{ body: 1 }] });
    await hook.waitFor(6);
    await eventually(t, "the notifier gives up", async () => (await health(notifier))["failed"] === 1);
    await new Promise((r) => setTimeout(r, 500));
    t.is(hook.requests.length, 6);
    t.like(await health(notifier), { delivered: 0, retried: 5, failed: 1 });
    const gaveUp = notifier.records().find((r) => r["msg"] === "delivery failed; giving up after the retry policy's last attempt");
    t.like(gaveUp, { level: 50, attempts: 6, detail: "HTTP 500", queue: "dead", project: api.project });
  });

  test(title("a redirect to another host is refused once and not retried"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const elsewhere = await receiver(t);
    const hook = await receiver(t, (_req, res) => void res.writeHead(307, { Location: elsewhere.url("/stolen") }).end());
    const api = stack.api();
    await api("POST", "/v2/queues/redir/subscriptions", { subscriber: hook.url("/moved") });
    const notifier = await stack.spawnNotifier({ ZAQAR_NOTIFIER_TIME_SCALE: "0.01" });
    await api("POST", "/v2/queues/redir/messages", { messages: [{ body: "x" }] });
    await eventually(t, "the notifier drops the job", async () => (await health(notifier))["failed"] === 1);
    await new Promise((r) => setTimeout(r, 300));
    t.is(hook.requests.length, 1);
    t.is(elsewhere.requests.length, 0);
  });

  test(title("an SMTP server that never answers does not hold up webhooks"), async (t) => {
    const mutePort = await startMuteServer(t);
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t);
    const api = stack.api();
    await api("POST", "/v2/queues/mixed/subscriptions", { subscriber: "mailto:ops@example.com" });
    await api("POST", "/v2/queues/mixed/subscriptions", { subscriber: hook.url() });
    const notifier = await stack.spawnNotifier({
      ZAQAR_SMTP_URL: `smtp://127.0.0.1:${mutePort}`,
      // Stuck mails would hold a shared slot for up to 3 × 20 s each.
      ZAQAR_SMTP_TIMEOUT_MS: "20000",
      ZAQAR_NOTIFIER_LEASE_SECONDS: "120",
      ZAQAR_NOTIFIER_CONCURRENCY: "8",
    });
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      await api("POST", "/v2/queues/mixed/messages", { messages: Array.from({ length: 20 }, (_, j) => ({ body: { n: i * 20 + j } })) });
    }
    await hook.waitFor(100, 15_000);
    t.true(performance.now() - started < 15_000, `100 webhooks took ${Math.round(performance.now() - started)} ms beside 100 stuck mails`);
    // The 4 SMTP slots hold 4 mails and queue 32 more; the rest went back to the core for later.
    await eventually(t, "only the mails are left in flight", async () => (await health(notifier))["inFlight"] === 36);
    const stats = await health(notifier);
    t.true(Number(stats["handedBack"]) > 0, JSON.stringify(stats));
  });

  test(title("mail for an SMTP server that was down arrives once it is up"), async (t) => {
    const port = await freePort();
    const stack = await startNotifyStack(t, { store });
    const api = stack.api();
    await api("POST", "/v2/queues/later/subscriptions", { subscriber: "mailto:ops@example.com", options: { _retry_policy: { retries_with_no_delay: 0, minimum_delay_retries: 50, minimum_delay: 20, maximum_delay: 30 } } });
    const notifier = await stack.spawnNotifier({ ZAQAR_SMTP_URL: `smtp://127.0.0.1:${port}`, ZAQAR_NOTIFIER_TIME_SCALE: "0.01" });
    await api("POST", "/v2/queues/later/messages", { messages: [{ body: "queued while down" }] });
    await eventually(t, "a failed attempt is retried", async () => Number((await health(notifier))["retried"]) >= 2);
    const smtp = await startSmtpSink({}, port);
    t.teardown(() => smtp.close());
    const [mail] = await smtp.waitFor(1);
    t.is(mail!.text, payload("later", "queued while down", 3600));
    await eventually(t, "the notifier counts it delivered", async () => (await health(notifier))["delivered"] === 1);
  });

  test(title("posting does not wait for slow webhooks"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t, (_req, res) => void setTimeout(() => res.writeHead(200).end(), 2000));
    const api = stack.api();
    for (let i = 0; i < 10; i++) await api("POST", "/v2/queues/slow/subscriptions", { subscriber: hook.url(`/s${i}`) });
    await stack.spawnNotifier();
    const started = performance.now();
    t.is((await api("POST", "/v2/queues/slow/messages", { messages: Array.from({ length: 10 }, (_, i) => ({ body: i })) })).status, 201);
    const took = performance.now() - started;
    // Each delivery takes 2 s; a post that waited for even one would take longer.
    t.true(took < 1500, `post took ${Math.round(took)} ms`);
    await hook.waitFor(100, 15_000);
  });

  test(title("a notifier stopped with SIGTERM finishes its deliveries, acks them and exits 0"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t, (_req, res) => void setTimeout(() => res.writeHead(204).end(), 700));
    const api = stack.api();
    await api("POST", "/v2/queues/drain/subscriptions", { subscriber: hook.url() });
    const first = await stack.spawnNotifier();
    await api("POST", "/v2/queues/drain/messages", { messages: Array.from({ length: 5 }, (_, i) => ({ body: i })) });
    await hook.waitFor(5);
    first.kill("SIGTERM");
    t.deepEqual(await first.exited, { code: 0, signal: null }, first.output());
    t.true(first.records().some((r) => r["msg"] === "notifier stopped" && r["delivered"] === 5), first.output());
    // A successor finds nothing left to deliver.
    const second = await stack.spawnNotifier();
    await new Promise((r) => setTimeout(r, 1500));
    t.is(hook.requests.length, 5);
    t.like(await health(second), { delivered: 0 });
  });
}
