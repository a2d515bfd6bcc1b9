/** Queue stats: exact counts of live messages through every kind of change. */
import type { Define } from "./harness.ts";

export function defineStatsTests(define: Define): void {
  define("stats of an absent or empty queue are all zero without oldest or newest", async (t, { driver, scope }) => {
    const s = scope();
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    await driver.queues.create(s, {});
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
  });

  define("stats stay exact through post, claim, delete, expiry, claim expiry and pop", async (t, { driver, clock, scope, post, mustClaim }) => {
    const s = scope();
    const t0 = clock.now();
    const stamp = (id: string | undefined, at: number): { id: string; createdAtMs: number } => ({ id: id!, createdAtMs: at });
    const [m1, m2, m3] = await post(s, [{ ttl: 60 }, { ttl: 600 }, { ttl: 600, delay: 30 }]);
    clock.advance(1000);
    const [m4, m5] = await post(s, [{ ttl: 90 }, { ttl: 600 }]);
    const t1 = t0 + 1000;
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 5, total: 5, oldest: stamp(m1, t0), newest: stamp(m5, t1) });

    // A claim takes m1, m2 (m3 is delayed) and extends m1 (ttl 60 < claim ttl 100).
    const c1 = await mustClaim(s, { ttl: 100, grace: 60, limit: 2 });
    t.deepEqual(c1.messages.map((m) => m.id), [m1, m2]);
    t.deepEqual(await driver.queues.stats(s), { claimed: 2, free: 3, total: 5, oldest: stamp(m1, t0), newest: stamp(m5, t1) });

    // Deleting a claimed message with its claim, and the newest one without.
    await driver.messages.delete(s, m2!, c1.id);
    await driver.messages.delete(s, m5!, null);
    t.deepEqual(await driver.queues.stats(s), { claimed: 1, free: 2, total: 3, oldest: stamp(m1, t0), newest: stamp(m4, t1) });

    // m4 expires at t1 + 90 s; the claim keeps m1 alive.
    clock.set(t1 + 90_000);
    t.deepEqual(await driver.queues.stats(s), { claimed: 1, free: 1, total: 2, oldest: stamp(m1, t0), newest: stamp(m3, t0) });

    // The claim expires at t1 + 100 s: m1 is free again (alive until t1 + 160 s).
    clock.set(c1.expiresAtMs);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 2, total: 2, oldest: stamp(m1, t0), newest: stamp(m3, t0) });

    // Pop takes m1 (oldest free); m3 is left.
    const popped = await driver.messages.pop(s, 1);
    t.deepEqual(popped.map((m) => m.id), [m1]);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 1, total: 1, oldest: stamp(m3, t0), newest: stamp(m3, t0) });

    // Claiming and releasing m3 moves it between claimed and free; it lives long enough to need no extension.
    const c2 = await mustClaim(s, { ttl: 100, grace: 60 });
    t.deepEqual(await driver.queues.stats(s), { claimed: 1, free: 0, total: 1, oldest: stamp(m3, t0), newest: stamp(m3, t0) });
    await driver.claims.delete(s, c2.id);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 1, total: 1, oldest: stamp(m3, t0), newest: stamp(m3, t0) });
    clock.set(t0 + 600_000);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
  });

  define("stats count delayed messages as free", async (t, { driver, scope, post }) => {
    const s = scope();
    await post(s, [{ delay: 900 }, { delay: 60 }]);
    t.like(await driver.queues.stats(s), { claimed: 0, free: 2, total: 2 });
  });

  define("stats count only messages a live claim still holds", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2, m3] = await post(s, 3);
    const claim = await mustClaim(s);
    t.like(await driver.queues.stats(s), { claimed: 3, free: 0, total: 3 });
    await driver.messages.deleteMany(s, [m1!, m2!]);
    t.like(await driver.queues.stats(s), { claimed: 1, free: 0, total: 1 });
    await driver.claims.update(s, claim.id, { ttl: 60, grace: 60 });
    t.like(await driver.queues.stats(s), { claimed: 1, free: 0, total: 1 });
    await driver.claims.delete(s, claim.id);
    t.like(await driver.queues.stats(s), { claimed: 0, free: 1, total: 1, oldest: { id: m3 }, newest: { id: m3 } });
  });
}
