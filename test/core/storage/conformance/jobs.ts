/** Notification jobs: recorded with the post, leased, acknowledged and retried; dropped with their subscription. */
import { randomUUID } from "node:crypto";
import type { LeasedJob, Scope, StorageDriver } from "../../../../core/src/storage/driver.ts";
import type { Define } from "./harness.ts";
import { newSub, subscribe } from "./subscriptions.ts";

const LEASE = { max: 100, leaseMs: 30_000 };

/** Leases until a lease comes back empty. */
async function leaseAll(driver: StorageDriver, max = 100, leaseMs = 30_000): Promise<LeasedJob[]> {
  const all: LeasedJob[] = [];
  for (let i = 0; i < 10_000; i++) {
    const got = await driver.jobs.lease({ max, leaseMs });
    if (got.length > max) throw new Error("a lease exceeded its max");
    if (got.length === 0) return all;
    all.push(...got);
  }
  throw new Error("leasing never ran dry");
}

/** "<subscription id> <body>" of each notification job, sorted. */
const pairs = (jobs: readonly LeasedJob[]): string[] => jobs.map((j) => `${j.subscription.id} ${j.message?.body}`).sort();

const postBodies = async (driver: StorageDriver, s: Scope, bodies: readonly string[], subscribers?: "all" | "confirmed"): Promise<string[]> => {
  const { version } = await driver.queues.info(s);
  const batch = bodies.map((body) => ({ body, ttl: 3600, delay: 0 }));
  return driver.messages.post(s, batch, { clientId: "c", ifVersion: version, ...(subscribers === undefined ? {} : { subscribers }) });
};

export function defineJobTests(define: Define): void {
  define("post records one notification job per message and live subscription, each with the message as posted", async (t, { driver, scope, post }) => {
    const s = scope();
    const a = await subscribe(driver, s, { subscriber: "http://a.example/", options: '{"x": 1}' });
    const b = await subscribe(driver, s, { subscriber: "mailto:b@example.com" });
    await post(s, [{ body: '{"n": 1}', ttl: 120 }, { body: '"two"', ttl: 3600, delay: 30 }, { body: "[3]" }]);
    const jobs = await leaseAll(driver);
    t.deepEqual(pairs(jobs), [`${a} "two"`, `${a} [3]`, `${a} {"n": 1}`, `${b} "two"`, `${b} [3]`, `${b} {"n": 1}`].sort());
    t.is(new Set(jobs.map((j) => j.id)).size, 6);
    for (const j of jobs) {
      t.is(j.kind, "notification");
      t.is(j.attempts, 0);
      t.deepEqual(j.scope, s);
      t.is(j.document, undefined);
      t.deepEqual(j.subscription, await driver.subscriptions.get(s, j.subscription.id));
    }
    const byBody = new Map(jobs.map((j) => [j.message!.body, j.message]));
    t.deepEqual(byBody.get('{"n": 1}'), { body: '{"n": 1}', ttl: 120, delay: 0 });
    t.deepEqual(byBody.get('"two"'), { body: '"two"', ttl: 3600, delay: 30 });
    t.deepEqual(byBody.get("[3]"), { body: "[3]", ttl: 3600, delay: 0 });
  });

  define("a queue without subscriptions records no jobs, and a subscription gets jobs only for later posts", async (t, { driver, scope, post }) => {
    const s = scope();
    await post(s, 3);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    const id = await subscribe(driver, s);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    await postBodies(driver, s, ["1"]);
    const jobs = await leaseAll(driver);
    t.deepEqual(pairs(jobs), [`${id} 1`]);
  });

  define("post with subscribers confirmed records jobs only for confirmed subscriptions", async (t, { driver, scope }) => {
    const s = scope();
    const yes = await subscribe(driver, s);
    const no = await subscribe(driver, s);
    const off = await subscribe(driver, s);
    await driver.subscriptions.confirm(s, yes, true, {});
    await driver.subscriptions.confirm(s, off, true, {});
    await driver.subscriptions.confirm(s, off, false, {});
    await postBodies(driver, s, ["1"], "confirmed");
    t.deepEqual(pairs(await leaseAll(driver)), [`${yes} 1`]);
    await postBodies(driver, s, ["2"], "all");
    t.deepEqual(pairs(await leaseAll(driver)), [`${yes} 2`, `${no} 2`, `${off} 2`].sort());
  });

  define("jobs keep their message copy after the message is deleted, purged or its queue emptied", async (t, { driver, scope }) => {
    const s = scope();
    const id = await subscribe(driver, s);
    const [m1, m2] = await postBodies(driver, s, ['{"a": 1}', '{"b": 2}']);
    await driver.messages.delete(s, m1!, null);
    await driver.messages.pop(s, 10);
    t.deepEqual(pairs(await leaseAll(driver)), [`${id} {"a": 1}`, `${id} {"b": 2}`]);
    await postBodies(driver, s, ["3"]);
    await driver.messages.purge(s);
    t.deepEqual(pairs(await leaseAll(driver)), [`${id} 3`]);
    t.truthy(m2);
  });

  define("a lease hides a job until the lease ends, then it is leased again with its attempts", async (t, { driver, clock, scope }) => {
    const s = scope();
    await subscribe(driver, s);
    await postBodies(driver, s, ["1"]);
    const [first] = await driver.jobs.lease({ max: 10, leaseMs: 30_000 });
    t.truthy(first);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    clock.advance(29_999);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    clock.advance(1);
    const [again] = await driver.jobs.lease({ max: 10, leaseMs: 10_000 });
    t.is(again?.id, first!.id);
    t.not(again?.leaseId, first!.leaseId);
    t.is(again?.attempts, 0);
    t.deepEqual(again?.message, first!.message);
    clock.advance(10_000);
    const [third] = await driver.jobs.lease(LEASE);
    t.is(third?.id, first!.id);
  });

  define("ack removes a job and is ignored with a stale lease id", async (t, { driver, clock, scope }) => {
    const s = scope();
    await subscribe(driver, s);
    await postBodies(driver, s, ["1", "2"]);
    const [j1, j2] = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
    await driver.jobs.ack([{ id: j1!.id, leaseId: j1!.leaseId }]);
    clock.advance(1000);
    const [j2again, none] = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
    t.is(j2again?.id, j2!.id);
    t.is(none, undefined);
    // The first lease of j2 has ended and it was leased again: the old lease id no longer counts.
    await driver.jobs.ack([{ id: j2!.id, leaseId: j2!.leaseId }, { id: j1!.id, leaseId: j1!.leaseId }]);
    clock.advance(1000);
    const [j2third] = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
    t.is(j2third?.id, j2!.id);
    await driver.jobs.ack([{ id: j2third!.id, leaseId: j2third!.leaseId }]);
    clock.advance(1000);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
  });

  define("ack and retry ignore unknown and malformed job ids", async (t, { driver, scope }) => {
    const s = scope();
    await subscribe(driver, s);
    await postBodies(driver, s, ["1"]);
    await driver.jobs.ack([{ id: randomUUID(), leaseId: randomUUID() }, { id: "", leaseId: "" }, { id: "zq:{x}:n:a:b", leaseId: "l" }]);
    await driver.jobs.retry({ id: "garbage", leaseId: "x" }, { delayMs: 0, attempts: 1 });
    await driver.jobs.ack([]);
    t.is((await leaseAll(driver)).length, 1);
  });

  define("retry makes a leased job due again after the delay with the given attempts", async (t, { driver, clock, scope }) => {
    const s = scope();
    await subscribe(driver, s);
    await postBodies(driver, s, ["1"]);
    const [job] = await driver.jobs.lease({ max: 1, leaseMs: 60_000 });
    await driver.jobs.retry(job!, { delayMs: 2000, attempts: 3 });
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    clock.advance(1999);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    clock.advance(1);
    const [again] = await driver.jobs.lease({ max: 1, leaseMs: 60_000 });
    t.is(again?.id, job!.id);
    t.is(again?.attempts, 3);
    // The retried lease is over: neither its retry nor its ack counts any more.
    await driver.jobs.retry(job!, { delayMs: 0, attempts: 9 });
    await driver.jobs.ack([job!]);
    clock.advance(60_000);
    const [third] = await driver.jobs.lease(LEASE);
    t.is(third?.id, job!.id);
    t.is(third?.attempts, 3);
    await driver.jobs.retry(third!, { delayMs: 0, attempts: 4 });
    const [fourth] = await driver.jobs.lease(LEASE);
    t.is(fourth?.attempts, 4);
  });

  define("jobs of deleted, expired and purged subscriptions and of deleted queues are dropped", async (t, { driver, clock, scope }) => {
    const s = scope();
    const gone = scope();
    const deleted = await subscribe(driver, s);
    const expiring = await subscribe(driver, s, { ttl: 60 });
    const kept = await subscribe(driver, s, { ttl: 3600 });
    await subscribe(driver, gone);
    await postBodies(driver, s, ["1"]);
    await postBodies(driver, gone, ["g"]);
    await driver.subscriptions.delete(s, deleted);
    await driver.queues.delete(gone);
    clock.advance(60_000);
    t.deepEqual(pairs(await leaseAll(driver)), [`${kept} 1`]);
    // An expired subscription gets no jobs either, and a leased job whose subscription goes is not leased again.
    await postBodies(driver, s, ["2"]);
    const [job] = await driver.jobs.lease({ max: 10, leaseMs: 1000 });
    t.is(job?.subscription.id, kept);
    await driver.subscriptions.purge(s);
    clock.advance(1000);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    t.truthy(expiring);
  });

  define("confirmation jobs carry their document", async (t, { driver, scope }) => {
    const s = scope();
    const sub = newSub({ subscriber: "mailto:c@example.com" });
    const { id } = await driver.subscriptions.create(s, sub, { confirmation: '{"Message_Type": "SubscriptionConfirmation"}' });
    const [first] = await leaseAll(driver);
    t.like(first, { kind: "subscription-confirmation", document: '{"Message_Type": "SubscriptionConfirmation"}', attempts: 0, scope: s });
    t.is(first?.message, undefined);
    t.like(first?.subscription, { id, subscriber: sub.subscriber, confirmed: false });
    // Re-posting an unconfirmed subscriber sends the confirmation again.
    t.deepEqual(await driver.subscriptions.create(s, sub, { confirmation: "again" }), { id, created: false });
    await driver.subscriptions.create(s, sub, {});
    const resent = await leaseAll(driver);
    t.deepEqual(resent.map((j) => [j.kind, j.document]), [["subscription-confirmation", "again"]]);
    await driver.subscriptions.confirm(s, id, true, {});
    t.deepEqual(await leaseAll(driver), []);
    await driver.subscriptions.confirm(s, id, false, { unsubscribe: "bye" });
    const [unsub] = await leaseAll(driver);
    t.like(unsub, { kind: "unsubscribe-confirmation", document: "bye" });
    t.like(unsub?.subscription, { id, confirmed: false });
  });

  define("a leased job shows its subscription as it is now", async (t, { driver, scope }) => {
    const s = scope();
    const id = await subscribe(driver, s, { subscriber: "http://old.example/" });
    await postBodies(driver, s, ["1"]);
    await driver.subscriptions.update(s, id, { subscriber: "http://new.example/", options: '{"post_data": "x"}' });
    await driver.subscriptions.confirm(s, id, true, {});
    const [job] = await leaseAll(driver);
    t.deepEqual(job?.subscription, await driver.subscriptions.get(s, id));
    t.like(job?.subscription, { subscriber: "http://new.example/", options: '{"post_data": "x"}', confirmed: true });
  });

  define("two concurrent leasers never get the same job while leases live", async (t, { driver, clock, scope }) => {
    const s = scope();
    for (let i = 0; i < 5; i++) await subscribe(driver, s);
    await postBodies(driver, s, Array.from({ length: 10 }, (_, i) => String(i)));
    const [a, b] = await Promise.all([driver.jobs.lease({ max: 30, leaseMs: 5000 }), driver.jobs.lease({ max: 30, leaseMs: 5000 })]);
    const taken = [...a!, ...b!].map((j) => j.id);
    t.is(new Set(taken).size, taken.length);
    const rest = await leaseAll(driver, 100, 5000);
    t.is(taken.length + rest.length, 50);
    t.is(new Set([...taken, ...rest.map((j) => j.id)]).size, 50);
    clock.advance(4999);
    t.deepEqual(await driver.jobs.lease(LEASE), []);
    clock.advance(1);
    t.is((await leaseAll(driver)).length, 50);
  });

  define("1,000 jobs over 4 queues leased by 4 concurrent leasers are each handed out exactly once", async (t, { driver, scope }) => {
    const queues = [scope(), scope(), scope(), scope()];
    for (const s of queues) {
      for (let i = 0; i < 5; i++) await subscribe(driver, s);
      await postBodies(driver, s, Array.from({ length: 50 }, (_, i) => String(i)));
    }
    const seen = new Map<string, number>();
    const leaser = async (): Promise<number> => {
      let got = 0;
      for (;;) {
        const jobs = await driver.jobs.lease({ max: 25, leaseMs: 60_000 });
        if (jobs.length === 0) return got;
        got += jobs.length;
        for (const j of jobs) seen.set(j.id, (seen.get(j.id) ?? 0) + 1);
        await driver.jobs.ack(jobs);
      }
    };
    const counts = await Promise.all([leaser(), leaser(), leaser(), leaser()]);
    t.is(counts.reduce((a, b) => a + b, 0), 1000);
    t.is(seen.size, 1000);
    t.true([...seen.values()].every((n) => n === 1));
    t.deepEqual(await driver.jobs.lease(LEASE), []);
  });
}
