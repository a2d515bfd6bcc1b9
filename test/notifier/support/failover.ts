/**
 * Several notifiers and dead notifiers, end to end, registered once per
 * store: a notifier killed with SIGKILL mid-delivery loses nothing (its
 * leases run out and another notifier delivers), and two live notifiers
 * share the work without losing or (normally) repeating any of it.
 */
import test from "ava";
import type { ServerResponse } from "node:http";
import { eventually, health, receiver } from "./flows.ts";
import { startNotifyStack } from "./stack.ts";

type Store = "memory" | "redis";

/** Posts `count` messages {"n": i} to the queue, 20 a request (the post limit). */
async function postNumbered(api: (m: string, p: string, b?: unknown) => Promise<{ status: number }>, queue: string, count: number): Promise<void> {
  for (let from = 0; from < count; from += 20) {
    const messages = Array.from({ length: Math.min(20, count - from) }, (_, i) => ({ body: { n: from + i } }));
    const res = await api("POST", `/v2/queues/${queue}/messages`, { messages });
    if (res.status !== 201) throw new Error(`post answered ${res.status}`);
  }
}

const numberOf = (body: Buffer): number => (JSON.parse(body.toString()) as { body: { n: number } }).body.n;

export function defineFailoverFlows(store: Store): void {
  const title = (s: string) => `${s} (${store})`;

  test(title("after kill -9 of a notifier with 500 notifications in flight, another notifier delivers every one"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    // Holds every request unanswered until the first notifier is dead, then answers 200.
    let holding = true;
    const held: ServerResponse[] = [];
    const hook = await receiver(t, (_req, res) => {
      if (!holding) return 200;
      held.push(res);
      return undefined;
    });
    const api = stack.api();
    await api("POST", "/v2/queues/orders/subscriptions", { subscriber: hook.url() });
    // Short leases so the test need not wait long for the dead notifier's to run out.
    const settings = { ZAQAR_NOTIFIER_LEASE_SECONDS: "10", ZAQAR_WEBHOOK_TIMEOUT_MS: "5000", ZAQAR_SMTP_TIMEOUT_MS: "500" };
    const doomed = await stack.spawnNotifier({ ...settings, ZAQAR_NOTIFIER_CONCURRENCY: "500", ZAQAR_NOTIFIER_LEASE_SIZE: "500" });
    await postNumbered(api, "orders", 500);
    await hook.waitFor(500, 30_000);
    // (More than 500 only if some timed out and were retried already on a very busy machine.)
    t.true(held.length >= 500, "all 500 deliveries were in flight at once");
    doomed.kill("SIGKILL");
    t.deepEqual(await doomed.exited, { code: null, signal: "SIGKILL" });
    holding = false;
    for (const res of held) res.destroy();

    const before = hook.requests.length;
    const successor = await stack.spawnNotifier(settings);
    await eventually(t, "every notification was delivered again", () => new Set(hook.requests.slice(before).map((r) => numberOf(r.body))).size === 500, 40_000);
    const numbers = new Set(hook.requests.map((r) => numberOf(r.body)));
    t.deepEqual([...numbers].sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i));
    await eventually(t, "the successor acked them all", async () => (await health(successor))["delivered"] === 500);
  });

  test(title("two notifiers split 1,000 notifications with no loss and no duplicates"), async (t) => {
    const stack = await startNotifyStack(t, { store });
    const hook = await receiver(t, (_req, res) => void setTimeout(() => res.writeHead(200).end(), 5));
    const api = stack.api();
    await api("POST", "/v2/queues/split/subscriptions", { subscriber: hook.url() });
    // Small leases so that neither takes everything at once.
    const settings = { ZAQAR_NOTIFIER_CONCURRENCY: "16", ZAQAR_NOTIFIER_LEASE_SIZE: "8" };
    const [a, b] = await Promise.all([stack.spawnNotifier(settings), stack.spawnNotifier(settings)]);
    await postNumbered(api, "split", 1000);
    await hook.waitFor(1000, 60_000);
    await eventually(t, "both notifiers acked their share", async () => Number((await health(a!))["delivered"]) + Number((await health(b!))["delivered"]) === 1000);
    await new Promise((r) => setTimeout(r, 500));
    const numbers = hook.requests.map((r) => numberOf(r.body));
    t.is(new Set(numbers).size, 1000, "no notification lost");
    t.is(numbers.length, 1000, "none delivered twice");
    const [sa, sb] = [await health(a!), await health(b!)];
    t.true(Number(sa["delivered"]) > 0 && Number(sb["delivered"]) > 0, `split ${sa["delivered"]} / ${sb["delivered"]}`);
  });
}
