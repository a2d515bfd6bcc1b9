/** Subscriptions: create and duplicate rules, listing, get/update/delete, confirm, TTL expiry, purge, queue delete. */
import { randomUUID } from "node:crypto";
import type { NewSubscription, Scope, StorageDriver, StoredSubscription } from "../../../../core/src/storage/driver.ts";
import type { Define } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

const EXISTS = ["SUBSCRIPTION_EXISTS", "Such subscription already exists.Subscriptions are unique by project + queue + subscriber URI."] as const;
const notFound = (id: string) => ["SUBSCRIPTION_NOT_FOUND", `Subscription ${id} does not exist`] as const;

/** A subscription to create: a random webhook, ttl 3600 and a small options object unless given. */
export function newSub(overrides: Partial<NewSubscription> = {}): NewSubscription {
  return { subscriber: `http://127.0.0.1:9/${randomUUID()}`, ttl: 3600, options: '{"k": "v"}', ...overrides };
}

/** Creates a subscription that must be new; returns its id. */
export async function subscribe(driver: StorageDriver, s: Scope, overrides: Partial<NewSubscription> = {}): Promise<string> {
  const { id, created } = await driver.subscriptions.create(s, newSub(overrides), {});
  if (!created) throw new Error("expected a new subscription");
  return id;
}

/** Every live subscription of the queue, paging by `limit`. */
async function listAllSubs(driver: StorageDriver, s: Scope, limit: number): Promise<StoredSubscription[]> {
  const all: StoredSubscription[] = [];
  for (let marker: string | undefined; ; ) {
    const page = await driver.subscriptions.list(s, marker === undefined ? { limit } : { marker, limit });
    if (page.length === 0) return all;
    if (page.length > limit) throw new Error("a page exceeded its limit");
    all.push(...page);
    marker = page[page.length - 1]!.id;
  }
}

export function defineSubscriptionTests(define: Define): void {
  define("subscription create stores an unconfirmed subscription and creates the queue", async (t, { driver, clock, scope }) => {
    const s = scope();
    const now = clock.now();
    const sub = newSub({ subscriber: "mailto:ops@example.com?subject=Alert", ttl: 120, options: '{"from": "z@example.com", "n": [1, 2]}' });
    const { id, created } = await driver.subscriptions.create(s, sub, {});
    t.true(created);
    t.regex(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    t.deepEqual(await driver.subscriptions.get(s, id), {
      id,
      subscriber: sub.subscriber,
      ttl: 120,
      createdAtMs: now,
      expiresAtMs: now + 120_000,
      options: sub.options,
      confirmed: false,
    });
    t.like(await driver.queues.info(s), { exists: true, metadata: {} });
  });

  define("subscription create keeps an existing queue's metadata", async (t, { driver, scope }) => {
    const s = scope();
    await driver.queues.create(s, { _default_message_ttl: 60 });
    await subscribe(driver, s);
    t.deepEqual((await driver.queues.info(s)).metadata, { _default_message_ttl: 60 });
  });

  define("subscription create with an unconfirmed subscriber answers its id unchanged with created false", async (t, { driver, clock, scope }) => {
    const s = scope();
    const first = newSub({ ttl: 300 });
    const id = await subscribe(driver, s, first);
    const before = await driver.subscriptions.get(s, id);
    clock.advance(5000);
    t.deepEqual(await driver.subscriptions.create(s, { ...first, ttl: 900, options: '{"other": true}' }, {}), { id, created: false });
    t.deepEqual(await driver.subscriptions.get(s, id), before);
    t.deepEqual(ids(await driver.subscriptions.list(s, { limit: 10 })), [id]);
  });

  define("subscription create with a confirmed subscriber throws SUBSCRIPTION_EXISTS", async (t, { driver, scope }) => {
    const s = scope();
    const sub = newSub();
    const id = await subscribe(driver, s, sub);
    await driver.subscriptions.confirm(s, id, true, {});
    await rejects(t, driver.subscriptions.create(s, sub, {}), ...EXISTS);
    await driver.subscriptions.confirm(s, id, false, {});
    t.deepEqual(await driver.subscriptions.create(s, sub, {}), { id, created: false });
  });

  define("subscribers are unique per queue, not across queues or projects", async (t, { driver, scope }) => {
    const a = scope();
    const b = scope();
    const other = { project: `p-${randomUUID()}`, queue: a.queue };
    const sub = newSub();
    const ids3 = [await subscribe(driver, a, sub), await subscribe(driver, b, sub), await subscribe(driver, other, sub)];
    t.is(new Set(ids3).size, 3);
    await rejects(t, driver.subscriptions.get(b, ids3[0]!), ...notFound(ids3[0]!));
    await rejects(t, driver.subscriptions.get(other, ids3[0]!), ...notFound(ids3[0]!));
    t.deepEqual(ids(await driver.subscriptions.list(other, { limit: 10 })), [ids3[2]]);
  });

  define("subscription list pages by id in byte order", async (t, { driver, scope }) => {
    const s = scope();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await subscribe(driver, s));
    const sorted = [...created].sort();
    t.deepEqual(ids(await driver.subscriptions.list(s, { limit: 3 })), sorted.slice(0, 3));
    t.deepEqual(ids(await driver.subscriptions.list(s, { marker: sorted[2]!, limit: 3 })), sorted.slice(3, 6));
    t.deepEqual(ids(await driver.subscriptions.list(s, { marker: sorted[6]!, limit: 3 })), []);
    t.deepEqual(ids(await listAllSubs(driver, s, 2)), sorted);
    // A marker need not be a stored id: listing resumes after it.
    t.deepEqual(ids(await driver.subscriptions.list(s, { marker: sorted[3]!.slice(0, 10), limit: 10 })), sorted.filter((id) => id > sorted[3]!.slice(0, 10)));
    t.deepEqual(await driver.subscriptions.list(scope(), { limit: 10 }), []);
    const [one] = await driver.subscriptions.list(s, { limit: 1 });
    t.deepEqual(one, await driver.subscriptions.get(s, sorted[0]!));
  });

  define("subscription get throws SUBSCRIPTION_NOT_FOUND for unknown ids and absent queues", async (t, { driver, scope }) => {
    const s = scope();
    const unknown = randomUUID();
    await rejects(t, driver.subscriptions.get(s, unknown), ...notFound(unknown));
    await subscribe(driver, s);
    await rejects(t, driver.subscriptions.get(s, unknown), ...notFound(unknown));
    await rejects(t, driver.subscriptions.get(s, "not a uuid"), ...notFound("not a uuid"));
  });

  define("subscription update changes only the given fields and a new ttl counts from now", async (t, { driver, clock, scope }) => {
    const s = scope();
    const t0 = clock.now();
    const id = await subscribe(driver, s, { subscriber: "http://a.example/x", ttl: 100, options: '{"a": 1}' });
    clock.advance(30_000);
    await driver.subscriptions.update(s, id, { options: '{"b": 2}' });
    t.like(await driver.subscriptions.get(s, id), { subscriber: "http://a.example/x", ttl: 100, expiresAtMs: t0 + 100_000, options: '{"b": 2}', createdAtMs: t0 });
    await driver.subscriptions.update(s, id, { ttl: 200 });
    t.like(await driver.subscriptions.get(s, id), { ttl: 200, expiresAtMs: t0 + 230_000, options: '{"b": 2}', createdAtMs: t0 });
    await driver.subscriptions.update(s, id, { subscriber: "mailto:x@example.com", ttl: 60, options: "{}" });
    t.deepEqual(await driver.subscriptions.get(s, id), {
      id, subscriber: "mailto:x@example.com", ttl: 60, createdAtMs: t0, expiresAtMs: t0 + 90_000, options: "{}", confirmed: false,
    });
    // The old subscriber is free again; the new one is taken.
    await subscribe(driver, s, { subscriber: "http://a.example/x" });
    t.deepEqual(await driver.subscriptions.create(s, newSub({ subscriber: "mailto:x@example.com" }), {}), { id, created: false });
    // A ttl renewal keeps it alive past its first expiry.
    clock.advance(59_999);
    await driver.subscriptions.update(s, id, { ttl: 60 });
    clock.advance(59_999);
    t.is((await driver.subscriptions.get(s, id)).id, id);
  });

  define("subscription update to another subscription's subscriber throws SUBSCRIPTION_EXISTS and changes nothing", async (t, { driver, scope }) => {
    const s = scope();
    const a = await subscribe(driver, s, { subscriber: "http://a.example/" });
    const b = await subscribe(driver, s, { subscriber: "http://b.example/" });
    const before = await driver.subscriptions.get(s, b);
    await rejects(t, driver.subscriptions.update(s, b, { subscriber: "http://a.example/", ttl: 999 }), ...EXISTS);
    t.deepEqual(await driver.subscriptions.get(s, b), before);
    // Its own subscriber is no conflict.
    await driver.subscriptions.update(s, a, { subscriber: "http://a.example/", ttl: 999 });
    t.is((await driver.subscriptions.get(s, a)).ttl, 999);
  });

  define("subscription update and confirm of an unknown subscription throw SUBSCRIPTION_NOT_FOUND", async (t, { driver, scope }) => {
    const s = scope();
    const unknown = randomUUID();
    await rejects(t, driver.subscriptions.update(s, unknown, { ttl: 60 }), ...notFound(unknown));
    await rejects(t, driver.subscriptions.confirm(s, unknown, true, {}), ...notFound(unknown));
    await subscribe(driver, s);
    await rejects(t, driver.subscriptions.update(s, unknown, { options: "{}" }), ...notFound(unknown));
    await rejects(t, driver.subscriptions.confirm(s, unknown, false, { unsubscribe: "{}" }), ...notFound(unknown));
    t.false((await driver.queues.info(scope())).exists, "no queue is created by these");
  });

  define("subscription delete removes it and ignores unknown ids", async (t, { driver, scope }) => {
    const s = scope();
    const sub = newSub();
    const id = await subscribe(driver, s, sub);
    const keep = await subscribe(driver, s);
    await driver.subscriptions.delete(s, id);
    await driver.subscriptions.delete(s, id);
    await driver.subscriptions.delete(s, randomUUID());
    await driver.subscriptions.delete(scope(), randomUUID());
    await rejects(t, driver.subscriptions.get(s, id), ...notFound(id));
    t.deepEqual(ids(await driver.subscriptions.list(s, { limit: 10 })), [keep]);
    const again = await subscribe(driver, s, sub);
    t.not(again, id);
  });

  define("subscription confirm sets and clears the confirmed flag", async (t, { driver, scope }) => {
    const s = scope();
    const id = await subscribe(driver, s);
    await driver.subscriptions.confirm(s, id, true, {});
    t.true((await driver.subscriptions.get(s, id)).confirmed);
    t.true((await driver.subscriptions.list(s, { limit: 1 }))[0]!.confirmed);
    await driver.subscriptions.confirm(s, id, true, {});
    t.true((await driver.subscriptions.get(s, id)).confirmed);
    await driver.subscriptions.confirm(s, id, false, {});
    t.false((await driver.subscriptions.get(s, id)).confirmed);
  });

  define("a subscription expires ttl seconds after creation", async (t, { driver, clock, scope }) => {
    const s = scope();
    const sub = newSub({ ttl: 60 });
    const id = await subscribe(driver, s, sub);
    await driver.subscriptions.confirm(s, id, true, {});
    const long = await subscribe(driver, s, { ttl: 3600 });
    clock.advance(59_999);
    t.is((await driver.subscriptions.get(s, id)).id, id);
    await rejects(t, driver.subscriptions.create(s, sub, {}), ...EXISTS);
    clock.advance(1);
    await rejects(t, driver.subscriptions.get(s, id), ...notFound(id));
    await rejects(t, driver.subscriptions.update(s, id, { ttl: 600 }), ...notFound(id));
    await rejects(t, driver.subscriptions.confirm(s, id, true, {}), ...notFound(id));
    t.deepEqual(ids(await driver.subscriptions.list(s, { limit: 10 })), [long]);
    // Its subscriber is free again, also for an update of another subscription.
    await driver.subscriptions.update(s, long, { subscriber: sub.subscriber });
    await driver.subscriptions.update(s, long, { subscriber: "http://elsewhere.example/" });
    const again = await driver.subscriptions.create(s, sub, {});
    t.true(again.created);
    t.not(again.id, id);
    t.false((await driver.subscriptions.get(s, again.id)).confirmed);
  });

  define("subscription purge deletes every subscription of the queue and keeps the queue", async (t, { driver, scope, post }) => {
    const s = scope();
    const other = scope();
    await driver.queues.create(s, { a: 1 });
    for (let i = 0; i < 25; i++) await subscribe(driver, s);
    const kept = await subscribe(driver, other);
    await post(s, 2);
    await driver.subscriptions.purge(s);
    await driver.subscriptions.purge(scope());
    t.deepEqual(await driver.subscriptions.list(s, { limit: 20 }), []);
    t.deepEqual((await driver.queues.info(s)).metadata, { a: 1 });
    t.is((await driver.queues.stats(s)).total, 2);
    t.deepEqual(ids(await driver.subscriptions.list(other, { limit: 20 })), [kept]);
    await subscribe(driver, s);
    t.is((await driver.subscriptions.list(s, { limit: 20 })).length, 1);
  });

  define("queue delete deletes its subscriptions, and a re-created queue has none", async (t, { driver, scope }) => {
    const s = scope();
    const sub = newSub();
    const id = await subscribe(driver, s, sub);
    await driver.subscriptions.confirm(s, id, true, {});
    await driver.queues.delete(s);
    await rejects(t, driver.subscriptions.get(s, id), ...notFound(id));
    await driver.queues.create(s, {});
    t.deepEqual(await driver.subscriptions.list(s, { limit: 10 }), []);
    const again = await driver.subscriptions.create(s, sub, {});
    t.true(again.created);
    t.not(again.id, id);
  });
}
