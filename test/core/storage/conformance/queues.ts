/** Queue behaviour: create, info and versions, metadata, listing, delete. */
import type { Define } from "./harness.ts";
import { rejects } from "./harness.ts";

export function defineQueueTests(define: Define): void {
  define("create makes a queue once and keeps the first metadata", async (t, { driver, scope }) => {
    const s = scope();
    t.true(await driver.queues.create(s, { a: 1, nested: { b: [1, 2] } }));
    t.false(await driver.queues.create(s, { c: 3 }));
    const info = await driver.queues.info(s);
    t.true(info.exists);
    t.deepEqual(info.metadata, { a: 1, nested: { b: [1, 2] } });
  });

  define("info of an absent queue has no metadata and an empty version", async (t, { driver, scope }) => {
    t.deepEqual(await driver.queues.info(scope()), { exists: false, metadata: {}, version: "" });
  });

  define("info and list return copies of the stored metadata", async (t, { driver, scope }) => {
    const s = scope();
    const input = { a: { b: 1 } };
    await driver.queues.create(s, input);
    input.a.b = 2;
    const first = await driver.queues.info(s);
    (first.metadata["a"] as { b: number }).b = 3;
    t.deepEqual((await driver.queues.info(s)).metadata, { a: { b: 1 } });
    const listed = await driver.queues.list(s, { limit: 1, detailed: true, withCount: false });
    (listed.queues[0]!.metadata!["a"] as { b: number }).b = 4;
    t.deepEqual((await driver.queues.info(s)).metadata, { a: { b: 1 } });
  });

  define("version changes on every metadata change and on nothing else", async (t, { driver, scope, post }) => {
    const s = scope();
    await driver.queues.create(s, {});
    const v1 = (await driver.queues.info(s)).version;
    t.not(v1, "");
    await driver.queues.create(s, { ignored: true });
    await post(s, 2);
    t.is((await driver.queues.info(s)).version, v1);
    await driver.queues.setMetadata(s, { a: 1 }, v1);
    const v2 = (await driver.queues.info(s)).version;
    t.not(v2, v1);
    t.not(v2, "");
    await driver.queues.setMetadata(s, { a: 1 }, v2);
    const v3 = (await driver.queues.info(s)).version;
    t.not(v3, v2);
    t.not(v3, v1);
  });

  define("setMetadata replaces the whole metadata when the version matches", async (t, { driver, scope }) => {
    const s = scope();
    await driver.queues.create(s, { a: 1, b: 2 });
    await driver.queues.setMetadata(s, { c: "x", _default_message_ttl: 120 }, (await driver.queues.info(s)).version);
    t.deepEqual((await driver.queues.info(s)).metadata, { c: "x", _default_message_ttl: 120 });
  });

  define("setMetadata with a stale version throws QUEUE_VERSION_MISMATCH and changes nothing", async (t, { driver, scope }) => {
    const s = scope();
    await driver.queues.create(s, { a: 1 });
    const stale = (await driver.queues.info(s)).version;
    await driver.queues.setMetadata(s, { a: 2 }, stale);
    const current = await driver.queues.info(s);
    await rejects(t, driver.queues.setMetadata(s, { a: 3 }, stale), "QUEUE_VERSION_MISMATCH", "queue metadata changed");
    await rejects(t, driver.queues.setMetadata(s, { a: 3 }, ""), "QUEUE_VERSION_MISMATCH", "queue metadata changed");
    t.deepEqual(await driver.queues.info(s), current);
  });

  define("setMetadata on an absent queue throws QUEUE_NOT_FOUND", async (t, { driver, scope, project }) => {
    const s = scope("nothere");
    await rejects(t, driver.queues.setMetadata(s, { a: 1 }, ""), "QUEUE_NOT_FOUND", `Queue nothere does not exist for project ${project}`);
    t.false((await driver.queues.info(s)).exists);
  });

  define("delete removes the queue with its messages and claims", async (t, { driver, scope, post, mustClaim, project }) => {
    const s = scope("doomed");
    const [m1, m2] = await post(s, 2);
    const claim = await mustClaim(s, { limit: 1 });
    await driver.queues.delete(s);
    t.deepEqual(await driver.queues.info(s), { exists: false, metadata: {}, version: "" });
    await rejects(t, driver.messages.get(s, m1!), "QUEUE_NOT_FOUND", `Queue doomed does not exist for project ${project}`);
    t.deepEqual(await driver.messages.getMany(s, [m1!, m2!]), []);
    t.deepEqual(await driver.messages.list(s, { limit: 20, echo: true, clientId: "c", includeClaimed: true, includeDelayed: true }), []);
    await rejects(t, driver.claims.get(s, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue doomed for project ${project}`);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    t.deepEqual((await driver.queues.list(s, { limit: 20, detailed: false, withCount: true })).count, 0);
  });

  define("a re-created queue gets a new version and starts empty", async (t, { driver, scope, post, mustClaim, project }) => {
    const s = scope("again");
    await driver.queues.create(s, { old: true });
    const v1 = (await driver.queues.info(s)).version;
    const [m1] = await post(s, 3);
    const claim = await mustClaim(s);
    await driver.queues.delete(s);
    t.true(await driver.queues.create(s, {}));
    const info = await driver.queues.info(s);
    t.deepEqual(info.metadata, {});
    t.not(info.version, v1);
    t.not(info.version, "");
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    await rejects(t, driver.messages.get(s, m1!), "MESSAGE_NOT_FOUND", `Message ${m1} does not exist in queue again for project ${project}`);
    await rejects(t, driver.claims.get(s, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue again for project ${project}`);
    t.is(await driver.claims.create(s, { ttl: 60, grace: 60, limit: 10 }), null);
  });

  define("a queue re-created by a post gets a new version", async (t, { driver, scope, post }) => {
    const s = scope();
    await post(s, 1);
    const v1 = (await driver.queues.info(s)).version;
    await driver.queues.delete(s);
    await post(s, 1);
    const v2 = (await driver.queues.info(s)).version;
    t.not(v2, v1);
    t.not(v2, "");
  });

  define("delete of an absent queue succeeds", async (t, { driver, scope }) => {
    await t.notThrowsAsync(driver.queues.delete(scope()));
  });

  define("list orders queue names in byte order", async (t, { driver, project }) => {
    const names = ["b", "B", "a", "a.b", "a-b", "a_b", "Z9", "0", "ab", "a.a"];
    for (const queue of names) await driver.queues.create({ project, queue }, {});
    const page = await driver.queues.list({ project }, { limit: 20, detailed: false, withCount: false });
    t.deepEqual(
      page.queues.map((q) => q.name),
      ["0", "B", "Z9", "a", "a-b", "a.a", "a.b", "a_b", "ab", "b"],
    );
  });

  define("list pages by marker and limit until an empty page", async (t, { driver, project }) => {
    for (const queue of ["q4", "q1", "q3", "q0", "q2"]) await driver.queues.create({ project, queue }, {});
    const opts = { limit: 2, detailed: false, withCount: false };
    const names = async (marker?: string): Promise<string[]> =>
      (await driver.queues.list({ project }, marker === undefined ? opts : { ...opts, marker })).queues.map((q) => q.name);
    t.deepEqual(await names(), ["q0", "q1"]);
    t.deepEqual(await names("q1"), ["q2", "q3"]);
    t.deepEqual(await names("q3"), ["q4"]);
    t.deepEqual(await names("q4"), []);
    // A marker need not name a queue: the page starts at the next name after it.
    t.deepEqual(await names("q10"), ["q2", "q3"]);
    t.deepEqual(await names("a"), ["q0", "q1"]);
  });

  define("list adds metadata only when detailed and the count only when asked", async (t, { driver, project }) => {
    await driver.queues.create({ project, queue: "m1" }, { x: 1 });
    await driver.queues.create({ project, queue: "m2" }, {});
    await driver.queues.create({ project, queue: "m3" }, { y: [true] });
    const plain = await driver.queues.list({ project }, { limit: 2, detailed: false, withCount: false });
    t.deepEqual(plain, { queues: [{ name: "m1" }, { name: "m2" }] });
    const detailed = await driver.queues.list({ project }, { limit: 2, marker: "m1", detailed: true, withCount: true });
    t.deepEqual(detailed, { queues: [{ name: "m2", metadata: {} }, { name: "m3", metadata: { y: [true] } }], count: 3 });
    const empty = await driver.queues.list({ project: `p-empty-${project}` }, { limit: 5, detailed: true, withCount: true });
    t.deepEqual(empty, { queues: [], count: 0 });
  });
}
