/**
 * The confirmation flow end to end (rest-subscriptions-notifications.md §4),
 * registered once per store: with ZAQAR_REQUIRE_CONFIRMATION=true and a
 * signing key, a new subscriber first gets a confirmation (a webhook POST or
 * a mail with a link), gets no notifications until it confirms with the
 * signed headers by PUT to the REST edge, then gets them; unsubscribing
 * sends an UnsubscribeConfirmation and stops them again.
 */
import { createHmac } from "node:crypto";
import test, { type ExecutionContext } from "ava";
import { startSmtpSink } from "../../helpers/smtp-sink.ts";
import { eventually, payload, receiver } from "./flows.ts";
import { startNotifyStack } from "./stack.ts";

type Store = "memory" | "redis";

const SECRET = "s3cr3t-signing-key";
const EXTERNAL = "http://confirm.example.com/confirm";
const coreEnv = { ZAQAR_REQUIRE_CONFIRMATION: "true", ZAQAR_SIGNED_URL_SECRET_KEY: SECRET, ZAQAR_EXTERNAL_CONFIRMATION_URL: EXTERNAL };

/** signed-urls.md §2, written from the spec (the separator is a literal backslash-n). */
function signature(path: string, project: string, expires: string): string {
  return createHmac("sha256", SECRET).update(`${path}\\nPUT\\n${project}\\n${expires}`).digest("hex");
}

/** The Python-datetime expiry a subscription of `ttl` seconds created around `at` gets (either second). */
function expiryNear(at: number, ttl: number): string[] {
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  return [fmt(at + ttl * 1000 - 1000), fmt(at + ttl * 1000), fmt(at + ttl * 1000 + 1000)];
}

/** PUT <path> on the REST edge as a subscriber does: no token, the signed headers instead. */
async function confirmAs(restUrl: string, doc: Record<string, string>, confirmed: boolean): Promise<number> {
  const res = await fetch(`${restUrl}${doc["URL-Paths"]}`, {
    method: "PUT",
    headers: {
      "Client-ID": "3381af92-2b9e-11e3-b191-71861300734c",
      "Content-Type": "application/json",
      "URL-Signature": doc["URL-Signature"] as string,
      "URL-Methods": doc["URL-Methods"] as string,
      "URL-Paths": doc["URL-Paths"] as string,
      "URL-Expires": doc["URL-Expires"] as string,
      "X-Project-ID": doc["X-Project-ID"] as string,
    },
    body: JSON.stringify({ confirmed }),
  });
  await res.arrayBuffer();
  return res.status;
}

const quiet = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function defineConfirmationFlows(store: Store): void {
  const title = (s: string) => `${s} (${store})`;

  test(title("a webhook subscriber confirms with the signed headers it received, then gets notifications until it unsubscribes"), async (t: ExecutionContext) => {
    const stack = await startNotifyStack(t, { store, coreEnv });
    const hook = await receiver(t);
    const api = stack.api();
    const createdAt = Date.now();
    const created = await api("POST", "/v2/queues/orders/subscriptions", { subscriber: hook.url("/hook"), ttl: 600 });
    t.is(created.status, 201);
    const id = created.body.subscription_id as string;
    await stack.spawnNotifier();

    const [first] = await hook.waitFor(1);
    t.is(first!.headers["content-type"], "application/json");
    const doc = JSON.parse(first!.body.toString()) as Record<string, string>;
    const path = `/v2/queues/orders/subscriptions/${id}/confirm`;
    t.true(expiryNear(createdAt, 600).includes(doc["URL-Expires"] as string), doc["URL-Expires"]);
    t.is(
      first!.body.toString(),
      `{"Message_Type": "SubscriptionConfirmation", "Message": "You have chosen to subscribe to the queue: orders", ` +
        `"URL-Signature": "${signature(path, api.project, doc["URL-Expires"] as string)}", "URL-Methods": "PUT", "URL-Paths": "${path}", ` +
        `"X-Project-ID": "${api.project}", "URL-Expires": "${doc["URL-Expires"]}", "SubscribeBody": {"confirmed": true}, ` +
        `"UnsubscribeBody": {"confirmed": false}, "queue_name": "orders"}`,
    );

    // Unconfirmed: a post notifies nobody.
    await api("POST", "/v2/queues/orders/messages", { messages: [{ body: "before", ttl: 60 }] });
    await quiet(1000);
    t.is(hook.requests.length, 1);

    t.is(await confirmAs(stack.restUrl, doc, true), 204);
    t.is((await api("GET", `/v2/queues/orders/subscriptions/${id}`)).body.confirmed, true);
    await api("POST", "/v2/queues/orders/messages", { messages: [{ body: "after", ttl: 60 }] });
    const [, second] = await hook.waitFor(2);
    t.is(second!.body.toString(), payload("orders", "after", 60));

    t.is(await confirmAs(stack.restUrl, doc, false), 204);
    const [, , third] = await hook.waitFor(3);
    const bye = JSON.parse(third!.body.toString()) as Record<string, unknown>;
    t.like(bye, {
      Message_Type: "UnsubscribeConfirmation",
      Message: "You have unsubscribed successfully to the queue: orders, you can resubscribe it by using confirmed=True.",
      "URL-Paths": path,
      "URL-Methods": "PUT",
      "X-Project-ID": api.project,
      queue_name: "orders",
    });
    t.is(bye["URL-Signature"], signature(path, api.project, bye["URL-Expires"] as string));
    await api("POST", "/v2/queues/orders/messages", { messages: [{ body: "unsubscribed", ttl: 60 }] });
    await quiet(1000);
    t.is(hook.requests.length, 3);
  });

  test(title("an email subscriber gets the confirmation mail with its link, and notifications once the link's parameters confirm it"), async (t: ExecutionContext) => {
    const smtp = await startSmtpSink();
    t.teardown(() => smtp.close());
    const stack = await startNotifyStack(t, { store, coreEnv });
    const api = stack.api();
    const createdAt = Date.now();
    const created = await api("POST", "/v2/queues/alerts/subscriptions", { subscriber: "mailto:ops@example.com", ttl: 3600 });
    t.is(created.status, 201);
    const id = created.body.subscription_id as string;
    await stack.spawnNotifier({ ZAQAR_SMTP_URL: smtp.url });

    const [mail] = await smtp.waitFor(1);
    const path = `/v2/queues/alerts/subscriptions/${id}/confirm`;
    const link = /(http:\/\/\S+)$/.exec(mail!.text)?.[1] ?? "";
    const params = new URL(link).searchParams;
    const expires = params.get("Expires") as string;
    t.true(expiryNear(createdAt, 3600).includes(expires), expires);
    t.deepEqual(
      { to: mail!.to, from: mail!.from, subject: mail!.subject, text: mail!.text },
      {
        to: "ops@example.com",
        from: '"Zaqar Notifications" <no-reply@openstack.org>',
        subject: "Zaqar Notification - Subscription Confirmation",
        text:
          `You have chosen to subscribe to the queue: alerts. This queue belongs to project: ${api.project}. ` +
          `To confirm this subscription, click or visit this link below: ${EXTERNAL}?Signature=${signature(path, api.project, expires)}` +
          `&Methods=PUT&Paths=${path}&Project=${api.project}&Expires=${expires}&Url=&Queue=alerts`,
      },
    );

    await api("POST", "/v2/queues/alerts/messages", { messages: [{ body: "before", ttl: 60 }] });
    await quiet(1000);
    t.is(smtp.mails.length, 1);

    // What the confirmation page does with the link's parameters.
    const doc = {
      "URL-Signature": params.get("Signature") as string,
      "URL-Methods": params.get("Methods") as string,
      "URL-Paths": params.get("Paths") as string,
      "URL-Expires": expires,
      "X-Project-ID": params.get("Project") as string,
    };
    t.is(await confirmAs(stack.restUrl, doc, true), 204);
    await api("POST", "/v2/queues/alerts/messages", { messages: [{ body: { disk: "full" }, ttl: 60 }] });
    const [, note] = await smtp.waitFor(2);
    t.like(note, { to: "ops@example.com", text: payload("alerts", { disk: "full" }, 60) });
    await eventually(t, "nothing more arrives", async () => {
      await quiet(300);
      return smtp.mails.length === 2;
    });
  });
}
