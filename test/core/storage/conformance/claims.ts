/** Claims: selection, exclusivity, TTL extension, expiry, renew, release, claim counts. */
import type { Define } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

export function defineClaimTests(define: Define): void {
  define("claim takes at most limit free messages, oldest first", async (t, { driver, clock, scope, post }) => {
    const s = scope();
    const posted = await post(s, 5);
    clock.advance(1500);
    const now = clock.now();
    const claim = await driver.claims.create(s, { ttl: 120, grace: 60, limit: 3 });
    t.truthy(claim);
    t.like(claim, { ttl: 120, updatedAtMs: now, expiresAtMs: now + 120_000 });
    t.deepEqual(ids(claim!.messages), posted.slice(0, 3));
    for (const m of claim!.messages) t.like(m, { claimId: claim!.id, claimCount: 1 });
    const rest = await driver.claims.create(s, { ttl: 120, grace: 60, limit: 10 });
    t.deepEqual(ids(rest!.messages), posted.slice(3));
    t.not(rest!.id, claim!.id);
  });

  define("claim gives null when nothing is claimable", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const opts = { ttl: 60, grace: 60, limit: 10 };
    t.is(await driver.claims.create(s, opts), null);
    t.false((await driver.queues.info(s)).exists);
    await driver.queues.create(s, {});
    t.is(await driver.claims.create(s, opts), null);
    await post(s, [{}, { delay: 60 }]);
    await mustClaim(s);
    t.is(await driver.claims.create(s, opts), null);
  });

  define("claim skips each message held by another live claim", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2] = await post(s, 2);
    const c1 = await mustClaim(s, { limit: 1 });
    const c2 = await mustClaim(s, { limit: 1 });
    t.deepEqual(ids(c1.messages), [m1]);
    t.deepEqual(ids(c2.messages), [m2]);
    await driver.claims.delete(s, c1.id);
    const c3 = await mustClaim(s, { limit: 2 });
    t.deepEqual(ids(c3.messages), [m1]);
    t.deepEqual(ids((await driver.claims.get(s, c2.id)).messages), [m2]);
    t.is((await driver.messages.get(s, m2!)).claimId, c2.id);
    const [m3] = await post(s, 1);
    await driver.claims.delete(s, c3.id);
    const c4 = await mustClaim(s, { limit: 5 });
    t.deepEqual(ids(c4.messages), [m1, m3]);
  });

  define("claim skips each delayed message until its delay has passed", async (t, { clock, scope, post, mustClaim, claim }) => {
    const s = scope();
    const [m1, delayed, m3] = await post(s, [{}, { delay: 120 }, {}]);
    t.deepEqual(ids((await mustClaim(s)).messages), [m1, m3]);
    clock.advance(119_999);
    t.is(await claim(s), null);
    clock.advance(1);
    t.deepEqual(ids((await mustClaim(s)).messages), [delayed]);
  });

  define("claim extends to ttl + grace only messages that would expire before the claim", async (t, { driver, clock, scope, post }) => {
    const s = scope();
    const t0 = clock.now();
    const [short, long, edge, near] = await post(s, [{ ttl: 60 }, { ttl: 3600 }, { ttl: 110 }, { ttl: 100 }]);
    clock.advance(10_000);
    const now = clock.now();
    const claim = await driver.claims.create(s, { ttl: 100, grace: 70, limit: 10 });
    const extended = { ttl: 170, expiresAtMs: now + 170_000 };
    t.deepEqual(
      claim!.messages.map((m) => ({ id: m.id, ttl: m.ttl, expiresAtMs: m.expiresAtMs, createdAtMs: m.createdAtMs })),
      [
        { id: short!, ...extended, createdAtMs: t0 },
        { id: long!, ttl: 3600, expiresAtMs: t0 + 3_600_000, createdAtMs: t0 },
        { id: edge!, ttl: 110, expiresAtMs: t0 + 110_000, createdAtMs: t0 },
        { id: near!, ...extended, createdAtMs: t0 },
      ],
    );
    t.like(await driver.messages.get(s, short!), extended);
    // The extension outlives the claim: released messages keep it.
    await driver.claims.delete(s, claim!.id);
    clock.set(now + 170_000 - 1);
    t.like(await driver.messages.get(s, short!), { ...extended, claimId: null });
    clock.advance(1);
    t.deepEqual(ids(await driver.messages.getMany(s, [short!, long!, edge!, near!])), [long]);
  });

  define("an expired claim frees its messages and is no longer found", async (t, { driver, clock, scope, post, mustClaim, project }) => {
    const s = scope("exp");
    const [m1] = await post(s, 1);
    const claim = await mustClaim(s, { ttl: 60 });
    clock.set(claim.expiresAtMs - 1);
    t.deepEqual(ids((await driver.claims.get(s, claim.id)).messages), [m1]);
    t.is((await driver.messages.get(s, m1!)).claimId, claim.id);
    t.is(await driver.claims.create(s, { ttl: 60, grace: 60, limit: 10 }), null);

    clock.advance(1);
    const notFound = `Claim ${claim.id} does not exist in queue exp for project ${project}`;
    await rejects(t, driver.claims.get(s, claim.id), "CLAIM_NOT_FOUND", notFound);
    await rejects(t, driver.claims.update(s, claim.id, { ttl: 60, grace: 60 }), "CLAIM_NOT_FOUND", notFound);
    await t.notThrowsAsync(driver.claims.delete(s, claim.id));
    t.is((await driver.messages.get(s, m1!)).claimId, null);
    const next = await mustClaim(s);
    t.deepEqual(ids(next.messages), [m1]);
    t.is(next.messages[0]!.claimCount, 2);
  });

  define("get shows the claim's live messages in enqueue order", async (t, { driver, clock, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2, m3] = await post(s, 3);
    const claim = await mustClaim(s, { ttl: 90, grace: 60 });
    clock.advance(5000);
    const got = await driver.claims.get(s, claim.id);
    t.deepEqual(got, claim);
    await driver.messages.deleteMany(s, [m2!]);
    t.deepEqual(ids((await driver.claims.get(s, claim.id)).messages), [m1, m3]);
    await driver.messages.delete(s, m1!, claim.id);
    const after = await driver.claims.get(s, claim.id);
    t.deepEqual(ids(after.messages), [m3]);
    t.like(after.messages[0], { claimId: claim.id, claimCount: 1 });
  });

  define("update renews the claim and extends messages that would expire before it", async (t, { driver, clock, scope, post }) => {
    const s = scope();
    const t0 = clock.now();
    const [m1, m2] = await post(s, [{ ttl: 100 }, { ttl: 3600 }]);
    const claim = await driver.claims.create(s, { ttl: 60, grace: 60, limit: 10 });
    t.like(claim!.messages[0], { ttl: 100, expiresAtMs: t0 + 100_000 });
    clock.advance(30_000);
    await driver.claims.update(s, claim!.id, { ttl: 120, grace: 60 });
    const renewed = await driver.claims.get(s, claim!.id);
    t.like(renewed, { id: claim!.id, ttl: 120, updatedAtMs: t0 + 30_000, expiresAtMs: t0 + 150_000 });
    t.deepEqual(
      renewed.messages.map((m) => [m.id, m.ttl, m.expiresAtMs]),
      [
        [m1, 180, t0 + 210_000],
        [m2, 3600, t0 + 3_600_000],
      ],
    );
    clock.set(t0 + 149_999);
    t.is((await driver.claims.get(s, claim!.id)).messages.length, 2);
    clock.advance(1);
    await rejects(t, driver.claims.get(s, claim!.id), "CLAIM_NOT_FOUND", `Claim ${claim!.id} does not exist in queue ${s.queue} for project ${s.project}`);
    t.like(await driver.messages.get(s, m1!), { claimId: null, ttl: 180 });
  });

  define("update and get of an unknown claim throw CLAIM_NOT_FOUND", async (t, { driver, scope, post, project }) => {
    const s = scope("cq");
    const absent = `Claim nope does not exist in queue cq for project ${project}`;
    await rejects(t, driver.claims.get(s, "nope"), "CLAIM_NOT_FOUND", absent);
    await rejects(t, driver.claims.update(s, "nope", { ttl: 60, grace: 60 }), "CLAIM_NOT_FOUND", absent);
    await post(s, 1);
    await rejects(t, driver.claims.get(s, "nope"), "CLAIM_NOT_FOUND", absent);
    await rejects(t, driver.claims.update(s, "nope", { ttl: 60, grace: 60 }), "CLAIM_NOT_FOUND", absent);
  });

  define("delete releases the messages at once and keeps their extended ttl", async (t, { driver, scope, post, mustClaim, project }) => {
    const s = scope("rel");
    const [m1, m2] = await post(s, [{ ttl: 60 }, {}]);
    const claim = await mustClaim(s, { ttl: 300, grace: 60 });
    await driver.claims.delete(s, claim.id);
    await rejects(t, driver.claims.get(s, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue rel for project ${project}`);
    t.like(await driver.messages.get(s, m1!), { claimId: null, ttl: 360, claimCount: 1 });
    const again = await mustClaim(s);
    t.deepEqual(ids(again.messages), [m1, m2]);
    t.deepEqual(
      again.messages.map((m) => m.claimCount),
      [2, 2],
    );
    await t.notThrowsAsync(driver.claims.delete(s, claim.id));
    await t.notThrowsAsync(driver.claims.delete(s, "unknown"));
    await t.notThrowsAsync(driver.claims.delete(scope(), "unknown"));
    t.deepEqual(ids((await driver.claims.get(s, again.id)).messages), [m1, m2]);
  });

  define("claimCount counts every claim that took the message", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m] = await post(s, 1);
    for (let i = 1; i <= 3; i++) {
      const c = await mustClaim(s);
      t.is(c.messages[0]!.claimCount, i);
      t.is((await driver.messages.get(s, m!)).claimCount, i);
      await driver.claims.delete(s, c.id);
    }
    const [popped] = await driver.messages.pop(s, 1);
    t.like(popped, { id: m, claimCount: 3 });
  });

  define("concurrent claims never share a message and together take all", async (t, { driver, scope, post }) => {
    const s = scope();
    const posted = await post(s, 50);
    const claims = await Promise.all(Array.from({ length: 20 }, () => driver.claims.create(s, { ttl: 60, grace: 60, limit: 5 })));
    const taken = claims.flatMap((c) => (c === null ? [] : ids(c.messages)));
    t.is(taken.length, 50);
    t.is(new Set(taken).size, 50);
    t.deepEqual([...taken].sort(), [...posted].sort());
    t.is(claims.filter((c) => c !== null).length, 10);
    t.like(await driver.queues.stats(s), { claimed: 50, free: 0, total: 50 });
  });
}
