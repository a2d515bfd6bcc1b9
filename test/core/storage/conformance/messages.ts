/** Posting and reading messages: FIFO, lazy queue creation, versions, get/getMany, expiry. */
import { randomUUID } from "node:crypto";
import type { Define } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

export function defineMessageTests(define: Define): void {
  define("post returns new ids in request order and keeps FIFO order across batches", async (t, { driver, post, scope, listAll }) => {
    const s = scope();
    const first = await post(s, [{ body: '"a"' }, { body: '"b"' }, { body: '"c"' }]);
    const second = await post(s, [{ body: '"d"' }, { body: '"e"' }]);
    const all = [...first, ...second];
    t.is(new Set(all).size, 5);
    const listed = await listAll(s);
    t.deepEqual(ids(listed), all);
    t.deepEqual(
      listed.map((m) => m.body),
      ['"a"', '"b"', '"c"', '"d"', '"e"'],
    );
    t.deepEqual(ids(await driver.messages.getMany(s, all)), all);
  });

  define("post stores bodies byte for byte with the poster, ttl, delay and time", async (t, { driver, clock, scope, clientId }) => {
    const s = scope();
    const body = '{"b":  [1, 2.50, null],\n "ü": "✓ \\u00e9 😀"}';
    const now = clock.now();
    const [id] = await driver.messages.post(s, [{ body, ttl: 300, delay: 30 }], { clientId, ifVersion: "" });
    const m = await driver.messages.get(s, id!);
    t.like(m, {
      id,
      body,
      ttl: 300,
      createdAtMs: now,
      expiresAtMs: now + 300_000,
      visibleAtMs: now + 30_000,
      clientId,
      claimId: null,
      claimCount: 0,
    });
    t.is(typeof m.marker, "string");
  });

  define("post creates an absent queue with empty metadata", async (t, { driver, scope, post }) => {
    const s = scope();
    await post(s, 1);
    const info = await driver.queues.info(s);
    t.true(info.exists);
    t.deepEqual(info.metadata, {});
    t.not(info.version, "");
    t.deepEqual((await driver.queues.list(s, { limit: 20, detailed: false, withCount: false })).queues, [{ name: s.queue }]);
  });

  define("post with a version that differs stores nothing and throws QUEUE_VERSION_MISMATCH", async (t, { driver, scope, clientId, post }) => {
    const s = scope();
    const msg = [{ body: "1", ttl: 60, delay: 0 }];
    const mismatch = ["QUEUE_VERSION_MISMATCH", "queue metadata changed"] as const;
    await rejects(t, driver.messages.post(s, msg, { clientId, ifVersion: "stale" }), ...mismatch);
    t.false((await driver.queues.info(s)).exists);

    await driver.queues.create(s, {});
    const v1 = (await driver.queues.info(s)).version;
    await rejects(t, driver.messages.post(s, msg, { clientId, ifVersion: "" }), ...mismatch);
    await post(s, 1);
    await driver.queues.setMetadata(s, { _default_message_ttl: 60 }, v1);
    await rejects(t, driver.messages.post(s, msg, { clientId, ifVersion: v1 }), ...mismatch);
    t.is((await driver.queues.stats(s)).total, 1);
    const v2 = (await driver.queues.info(s)).version;
    t.is((await driver.messages.post(s, msg, { clientId, ifVersion: v2 })).length, 1);
    t.is((await driver.queues.stats(s)).total, 2);
  });

  // Zaqar limits a post by size only, so 256 KiB of {"body":1} is ~23,000 messages.
  define("one post of 20,000 messages, some delayed, stores them all in order (delayed ones count as free)", async (t, { driver, scope, clientId, clock }) => {
    const s = scope();
    const batch = Array.from({ length: 20_000 }, (_, i) => ({ body: String(i), ttl: 300, delay: i % 3 === 0 ? 30 : 0 }));
    const posted = await driver.messages.post(s, batch, { clientId, ifVersion: "" });
    t.is(posted.length, 20_000);
    t.like(await driver.queues.stats(s), { total: 20_000, free: 20_000, claimed: 0 });
    const last = await driver.messages.get(s, posted[19_999]!);
    t.like(last, { body: "19999", visibleAtMs: clock.now() });
    const delayed = await driver.messages.get(s, posted[19_998]!);
    t.like(delayed, { body: "19998", visibleAtMs: clock.now() + 30_000 });
    const firstPage = await driver.messages.list(s, { limit: 3, echo: true, clientId, includeClaimed: false, includeDelayed: true });
    t.deepEqual(ids(firstPage), posted.slice(0, 3));
  });

  define("get returns claimed and delayed messages alike", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [claimed, delayed] = await post(s, [{}, { delay: 600 }]);
    const claim = await mustClaim(s);
    t.deepEqual(ids(claim.messages), [claimed]);
    t.like(await driver.messages.get(s, claimed!), { id: claimed, claimId: claim.id, claimCount: 1 });
    t.like(await driver.messages.get(s, delayed!), { id: delayed, claimId: null, claimCount: 0 });
  });

  define("get of an unknown message or queue throws the not-found errors", async (t, { driver, scope, post, project }) => {
    const s = scope("known");
    await rejects(t, driver.messages.get(s, "nope"), "QUEUE_NOT_FOUND", `Queue known does not exist for project ${project}`);
    await post(s, 1);
    await rejects(t, driver.messages.get(s, "nope"), "MESSAGE_NOT_FOUND", `Message nope does not exist in queue known for project ${project}`);
    const id = randomUUID();
    await rejects(t, driver.messages.get(s, id), "MESSAGE_NOT_FOUND", `Message ${id} does not exist in queue known for project ${project}`);
  });

  define("getMany follows the order of ids and skips unknown ones", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    t.deepEqual(await driver.messages.getMany(s, ["x"]), []);
    const [m1, m2, m3] = await post(s, [{}, {}, { delay: 900 }]);
    const claim = await mustClaim(s, { limit: 1 });
    const got = await driver.messages.getMany(s, [m3!, "unknown", m1!, randomUUID(), m2!]);
    t.deepEqual(ids(got), [m3, m1, m2]);
    t.is(got[1]!.claimId, claim.id);
    t.is(got[0]!.claimId, null);
    t.deepEqual(await driver.messages.getMany(s, []), []);
  });

  define("a message is live until its expiry and gone exactly at expiresAt", async (t, { driver, clock, scope, post, listAll }) => {
    const s = scope();
    const [short, long] = await post(s, [{ ttl: 60 }, { ttl: 61 }]);
    const expiresAt = (await driver.messages.get(s, short!)).expiresAtMs;
    clock.set(expiresAt - 1);
    t.is((await driver.messages.get(s, short!)).id, short!);
    t.deepEqual(ids(await listAll(s)), [short, long]);
    t.deepEqual(ids(await driver.messages.getMany(s, [short!, long!])), [short, long]);
    t.is((await driver.queues.stats(s)).total, 2);

    clock.advance(1);
    await rejects(t, driver.messages.get(s, short!), "MESSAGE_NOT_FOUND", `Message ${short} does not exist in queue ${s.queue} for project ${s.project}`);
    t.deepEqual(ids(await listAll(s)), [long]);
    t.deepEqual(ids(await driver.messages.getMany(s, [short!, long!])), [long]);
    t.like(await driver.queues.stats(s), { total: 1, free: 1, claimed: 0, oldest: { id: long } });

    clock.advance(1000);
    t.deepEqual(await listAll(s), []);
    await rejects(t, driver.messages.get(s, long!), "MESSAGE_NOT_FOUND", `Message ${long} does not exist in queue ${s.queue} for project ${s.project}`);
    t.is(await driver.claims.create(s, { ttl: 60, grace: 60, limit: 10 }), null);
    t.deepEqual(await driver.messages.pop(s, 10), []);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
  });
}
