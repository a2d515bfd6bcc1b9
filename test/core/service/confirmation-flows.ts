/**
 * Subscription confirmation through NotificationService
 * (rest-subscriptions-notifications.md §4), registered once per store:
 * the SubscriptionConfirmation / UnsubscribeConfirmation documents byte for
 * byte (signatures recomputed here from signed-urls.md §2), the emails, and
 * which subscriptions get notifications when confirmation is required.
 */
import { createHmac } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { lease, post, subscribe } from "./notification-flows.ts";
import { json, startHarness, type Harness, type StoreSetup } from "./subscription-harness.ts";

const KEY = "s3cr3t-key";
const CONFIRMING = { ZAQAR_REQUIRE_CONFIRMATION: "true", ZAQAR_SIGNED_URL_SECRET_KEY: KEY };

/** "%Y-%m-%dT%H:%M:%S" of now + ttl seconds, now in whole seconds (upstream's utcnow_ts). */
const expiresAfter = (h: Harness, ttl: number): string =>
  new Date((Math.floor(h.clock.now() / 1000) + ttl) * 1000).toISOString().replace(/\.\d{3}Z$/, "");

/** The signature, computed here independently: the separator is a backslash and an "n". */
const signature = (path: string, project: string, expires: string): string =>
  createHmac("sha256", KEY).update(`${path}\\nPUT\\n${project}\\n${expires}`).digest("hex");

/** The document upstream's json.dumps writes, built by hand. */
function expectedDocument(kind: "subscribe" | "unsubscribe", h: Harness, name: string, path: string, expires: string): string {
  const type = kind === "subscribe" ? "SubscriptionConfirmation" : "UnsubscribeConfirmation";
  const message =
    kind === "subscribe"
      ? `You have chosen to subscribe to the queue: ${name}`
      : `You have unsubscribed successfully to the queue: ${name}, you can resubscribe it by using confirmed=True.`;
  return (
    `{"Message_Type": "${type}", "Message": "${message}", "URL-Signature": "${signature(path, h.project, expires)}", ` +
    `"URL-Methods": "PUT", "URL-Paths": "${path}", "X-Project-ID": "${h.project}", "URL-Expires": "${expires}", ` +
    `"SubscribeBody": {"confirmed": true}, "UnsubscribeBody": {"confirmed": false}, "queue_name": "${name}"}`
  );
}

const confirm = (h: Harness, queue: string, id: string, confirmed: boolean, topic = false) =>
  h.call("SubscriptionService", "ConfirmSubscription", { queue, subscriptionId: id, body: json({ confirmed }), topic });

export function confirmationSuite(setup: StoreSetup): void {
  const title = (s: string): string => `${setup.store}: ${s}`;
  const start = (t: ExecutionContext, env: Record<string, string>): Promise<Harness> => startHarness(t, setup, env);

  test(title("creating a subscription sends a signed SubscriptionConfirmation, again on each re-create while unconfirmed"), async (t) => {
    const h = await start(t, CONFIRMING);
    const id = await subscribe(h, "orders", { subscriber: "http://hooks.example/in", ttl: 600 });
    const path = `/v2/queues/orders/subscriptions/${id}/confirm`;
    const [job, ...rest] = await lease(h);
    t.deepEqual(rest, []);
    t.like(job, { kind: "JOB_KIND_SUBSCRIPTION_CONFIRMATION", subscriptionId: id, queue: "orders", projectId: h.project, delivery: "webhook" });
    t.is(job!.webhook!.url, "http://hooks.example/in");
    t.deepEqual(job!.webhook!.headers, { "Content-Type": "application/json" });
    t.is(job!.webhook!.body.toString(), expectedDocument("subscribe", h, "orders", path, expiresAfter(h, 600)));
    await h.call("NotificationService", "AckJobs", { jobs: [{ id: job!.id, leaseId: job!.leaseId }] });

    h.clock.advance(10_000);
    t.is(await subscribe(h, "orders", { subscriber: "http://hooks.example/in", ttl: 900 }), id);
    const [again] = await lease(h);
    t.is(again!.webhook!.body.toString(), expectedDocument("subscribe", h, "orders", path, expiresAfter(h, 900)));
  });

  test(title("with confirmation required only confirmed subscriptions are notified"), async (t) => {
    const h = await start(t, CONFIRMING);
    const id = await subscribe(h, "q", { subscriber: "http://hooks.example/in" });
    await lease(h); // the confirmation
    await post(h, "q", [{ body: 1 }]);
    t.deepEqual(await lease(h), [], "unconfirmed: no notification");
    await confirm(h, "q", id, true);
    await post(h, "q", [{ body: 2 }]);
    const jobs = await lease(h);
    t.deepEqual(jobs.map((j) => [j.kind, JSON.parse(j.webhook!.body.toString()).body]), [["JOB_KIND_NOTIFICATION", 2]]);
  });

  test(title("confirming false sends an UnsubscribeConfirmation whose link lives default_subscription_ttl"), async (t) => {
    const h = await start(t, { ...CONFIRMING, ZAQAR_DEFAULT_SUBSCRIPTION_TTL: "7200" });
    const id = await subscribe(h, "q", { subscriber: "https://hooks.example/in", options: { post_data: '{"wrapped": "$zaqar_message$"}' } });
    await lease(h);
    await confirm(h, "q", id, true);
    t.deepEqual(await lease(h), [], "confirming true sends nothing");
    h.clock.advance(3_000);
    await confirm(h, "q", id, false);
    const [job] = await lease(h);
    t.is(job!.kind, "JOB_KIND_UNSUBSCRIBE_CONFIRMATION");
    const path = `/v2/queues/q/subscriptions/${id}/confirm`;
    t.is(job!.webhook!.body.toString(), `{"wrapped": ${expectedDocument("unsubscribe", h, "q", path, expiresAfter(h, 7200))}}`);
  });

  test(title("a topic's confirmation link is under /v2/topics"), async (t) => {
    const h = await start(t, CONFIRMING);
    const id = await subscribe(h, "news", { subscriber: "http://hooks.example/in" }, true);
    const [job] = await lease(h);
    const path = `/v2/topics/news/subscriptions/${id}/confirm`;
    t.like(job, { queue: "news", projectId: h.project });
    t.is(job!.webhook!.body.toString(), expectedDocument("subscribe", h, "news", path, expiresAfter(h, 3600)));
  });

  test(title("mailto subscribers get the confirmation emails from the templates, with the signed link"), async (t) => {
    const h = await start(t, {
      ...CONFIRMING,
      ZAQAR_EXTERNAL_CONFIRMATION_URL: "https://confirm.example/page",
      ZAQAR_UNSUBSCRIBE_CONFIRMATION_EMAIL_TOPIC: "Bye",
      ZAQAR_UNSUBSCRIBE_CONFIRMATION_EMAIL_SENDER: "ops@example.com",
      ZAQAR_UNSUBSCRIBE_CONFIRMATION_EMAIL_BODY: "Left {0} of {1}: {2} {{literal}}",
    });
    const id = await subscribe(h, "q", { subscriber: "mailto:ops@example.com?subject=Alert", options: { from: "x@example.com" } });
    const path = `/v2/queues/q/subscriptions/${id}/confirm`;
    let expires = expiresAfter(h, 3600);
    const link = (exp: string) =>
      `https://confirm.example/page?Signature=${signature(path, h.project, exp)}&Methods=PUT&Paths=${path}` +
      `&Project=${h.project}&Expires=${exp}&Url=&Queue=q`;
    const [job] = await lease(h);
    t.is(job!.delivery, "email");
    t.deepEqual(job!.email, {
      to: "ops@example.com",
      from: "Zaqar Notifications <no-reply@openstack.org>",
      subject: "Zaqar Notification - Subscription Confirmation",
      text:
        `You have chosen to subscribe to the queue: q. This queue belongs to project: ${h.project}. ` +
        `To confirm this subscription, click or visit this link below: ${link(expires)}`,
    });
    await confirm(h, "q", id, false);
    expires = expiresAfter(h, 3600);
    const [bye] = await lease(h);
    t.deepEqual(bye!.email, { to: "ops@example.com", from: "ops@example.com", subject: "Bye", text: `Left q of ${h.project}: ${link(expires)} {literal}` });
  });

  test(title("without an external confirmation URL a confirmation email is dropped unsent, notifications still flow"), async (t) => {
    const h = await start(t, CONFIRMING);
    const id = await subscribe(h, "q", { subscriber: "mailto:ops@example.com" });
    t.deepEqual(await lease(h), []);
    h.clock.advance(600_000);
    t.deepEqual(await lease(h), [], "the job was acked, not merely leased");
    await confirm(h, "q", id, true);
    await post(h, "q", [{ body: 1 }]);
    const jobs = await lease(h);
    t.deepEqual(jobs.map((j) => [j.kind, j.email?.to]), [["JOB_KIND_NOTIFICATION", "ops@example.com"]]);
  });

  test(title("without confirmation required nothing is sent on create and unconfirmed subscriptions are notified"), async (t) => {
    const h = await start(t, { ZAQAR_SIGNED_URL_SECRET_KEY: KEY });
    const id = await subscribe(h, "q", { subscriber: "http://hooks.example/in" });
    t.deepEqual(await lease(h), []);
    await confirm(h, "q", id, false);
    t.deepEqual(await lease(h), []);
    await post(h, "q", [{ body: 1 }]);
    t.deepEqual((await lease(h)).map((j) => j.kind), ["JOB_KIND_NOTIFICATION"]);
  });

  test(title("confirmation required without a secret key sends no confirmation and notifies confirmed subscriptions only"), async (t) => {
    const h = await start(t, { ZAQAR_REQUIRE_CONFIRMATION: "true" });
    const id = await subscribe(h, "q", { subscriber: "http://hooks.example/in" });
    await post(h, "q", [{ body: 1 }]);
    t.deepEqual(await lease(h), []);
    await confirm(h, "q", id, true);
    await post(h, "q", [{ body: 2 }]);
    t.deepEqual((await lease(h)).map((j) => j.kind), ["JOB_KIND_NOTIFICATION"]);
  });
}
