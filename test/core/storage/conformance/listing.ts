/** Message listing: paging by marker and the echo / claimed / delayed filters. */
import { randomUUID } from "node:crypto";
import type { Define } from "./harness.ts";
import { ids } from "./harness.ts";

export function defineListTests(define: Define): void {
  define("list pages by marker, oldest first, until an empty page", async (t, { driver, scope, post, clientId }) => {
    const s = scope();
    const posted = await post(s, 7);
    const opts = { limit: 3, echo: true, clientId, includeClaimed: false, includeDelayed: false };
    const seen: string[] = [];
    let page = await driver.messages.list(s, opts);
    for (let n = 0; page.length > 0 && n < 10; n++) {
      t.true(page.length <= 3);
      seen.push(...ids(page));
      page = await driver.messages.list(s, { ...opts, marker: page[page.length - 1]!.marker });
    }
    t.deepEqual(page, []);
    t.deepEqual(seen, posted);
  });

  define("list of an absent queue is an empty page", async (t, { driver, scope, clientId }) => {
    const opts = { limit: 10, echo: true, clientId, includeClaimed: true, includeDelayed: true };
    t.deepEqual(await driver.messages.list(scope(), opts), []);
  });

  define("list hides the caller's own messages unless echo", async (t, { scope, post, listAll, clientId }) => {
    const s = scope();
    const other = randomUUID();
    const [mine1] = await post(s, 1);
    const [theirs1, theirs2] = await post(s, 2, other);
    const [mine2] = await post(s, 1);
    t.deepEqual(ids(await listAll(s, { echo: false, clientId })), [theirs1, theirs2]);
    t.deepEqual(ids(await listAll(s, { echo: false, clientId: other })), [mine1, mine2]);
    t.deepEqual(ids(await listAll(s, { echo: true, clientId })), [mine1, theirs1, theirs2, mine2]);
    t.deepEqual((await listAll(s)).map((m) => m.clientId), [clientId, other, other, clientId]);
  });

  define("list hides claimed messages unless includeClaimed", async (t, { driver, scope, post, mustClaim, listAll }) => {
    const s = scope();
    const [m1, m2, m3] = await post(s, 3);
    const claim = await mustClaim(s, { limit: 2 });
    t.deepEqual(ids(await listAll(s, { includeClaimed: false })), [m3]);
    const all = await listAll(s, { includeClaimed: true });
    t.deepEqual(ids(all), [m1, m2, m3]);
    t.deepEqual(
      all.map((m) => m.claimId),
      [claim.id, claim.id, null],
    );
    await driver.claims.delete(s, claim.id);
    t.deepEqual(ids(await listAll(s, { includeClaimed: false })), [m1, m2, m3]);
  });

  define("list hides delayed messages unless includeDelayed, until their delay has passed", async (t, { clock, scope, post, listAll }) => {
    const s = scope();
    const [m1, delayed, m3] = await post(s, [{}, { delay: 30 }, {}]);
    t.deepEqual(ids(await listAll(s, { includeDelayed: false })), [m1, m3]);
    t.deepEqual(ids(await listAll(s, { includeDelayed: true })), [m1, delayed, m3]);
    clock.advance(29_999);
    t.deepEqual(ids(await listAll(s, { includeDelayed: false })), [m1, m3]);
    clock.advance(1);
    t.deepEqual(ids(await listAll(s, { includeDelayed: false })), [m1, delayed, m3]);
  });

  define("list with an unknown or malformed marker starts at the oldest message", async (t, { driver, scope, post, clientId }) => {
    const s = scope();
    const posted = await post(s, 3);
    const opts = { limit: 10, echo: true, clientId, includeClaimed: true, includeDelayed: true };
    for (const marker of ["nonsense", randomUUID(), "999999999999", "-1", "1.5"]) {
      t.deepEqual(ids(await driver.messages.list(s, { ...opts, marker })), posted, `marker ${marker}`);
    }
  });

  define("list filters while paging and never skips a match", async (t, { driver, scope, post, mustClaim, clientId }) => {
    const s = scope();
    const other = randomUUID();
    // Interleave messages each filter hides with ones that stay visible.
    const posted = await post(s, [{}, { delay: 60 }, {}, {}, { delay: 60 }, {}, {}, {}], other);
    const mine = await post(s, 2);
    const claim = await mustClaim(s, { limit: 2 });
    t.deepEqual(ids(claim.messages), [posted[0], posted[2]]);
    const visible = [posted[3], posted[5], posted[6], posted[7]];
    const opts = { limit: 2, echo: false, clientId, includeClaimed: false, includeDelayed: false };
    const seen: string[] = [];
    let marker: string | undefined;
    for (let n = 0; n < 20; n++) {
      const page = await driver.messages.list(s, marker === undefined ? opts : { ...opts, marker });
      if (page.length === 0) break;
      seen.push(...ids(page));
      marker = page[page.length - 1]!.marker;
    }
    t.deepEqual(seen, visible);
    t.false(seen.some((id) => mine.includes(id)));
  });

  define("list skips expired messages", async (t, { clock, scope, post, listAll }) => {
    const s = scope();
    const [, keep] = await post(s, [{ ttl: 60 }, { ttl: 120 }]);
    clock.advance(60_000);
    t.deepEqual(ids(await listAll(s)), [keep]);
  });
}

export function defineVolumeTests(define: Define): void {
  define("listing, claims and stats stay exact after many deletions and expiries", async (t, { driver, clock, scope, post, listAll }) => {
    const s = scope();
    const posted: string[] = [];
    for (let batch = 0; batch < 6; batch++) {
      posted.push(...(await post(s, Array.from({ length: 50 }, (_, i) => ({ ttl: i % 3 === 0 ? 60 : 3600 })))));
    }
    // Drop most messages by id, then let the short-lived third of the rest expire.
    await driver.messages.deleteMany(s, posted.filter((_, i) => i % 5 !== 0));
    clock.advance(60_000);
    const survivors = posted.filter((_, i) => i % 5 === 0 && (i % 50) % 3 !== 0);
    t.is(survivors.length, 36);
    t.deepEqual(ids(await listAll(s, { limit: 7 })), survivors);
    t.like(await driver.queues.stats(s), { claimed: 0, free: survivors.length, total: survivors.length, oldest: { id: survivors[0] }, newest: { id: survivors.at(-1) } });
    const claim = await driver.claims.create(s, { ttl: 60, grace: 60, limit: 20 });
    t.deepEqual(ids(claim!.messages), survivors.slice(0, 20));
    t.deepEqual(ids(await driver.messages.pop(s, 10)), survivors.slice(20, 30));
    t.like(await driver.queues.stats(s), { claimed: 20, free: survivors.length - 30, total: survivors.length - 10 });
  });
}
