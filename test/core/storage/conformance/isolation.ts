/** Tenancy: projects (and queues) never see each other's queues, messages or claims. */
import { randomUUID } from "node:crypto";
import type { Define } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

export function defineIsolationTests(define: Define): void {
  define("the same queue name in two projects names two queues", async (t, { driver, post, project }) => {
    const a = { project, queue: "shared" };
    const b = { project: `p-${randomUUID()}`, queue: "shared" };
    await driver.queues.create(a, { owner: "a" });
    const posted = await post(a, 2);
    t.deepEqual(await driver.queues.info(b), { exists: false, metadata: {}, version: "" });
    t.deepEqual(await driver.queues.list({ project: b.project }, { limit: 20, detailed: false, withCount: true }), { queues: [], count: 0 });
    t.deepEqual(await driver.queues.stats(b), { claimed: 0, free: 0, total: 0 });
    t.is(await driver.claims.create(b, { ttl: 60, grace: 60, limit: 10 }), null);
    t.deepEqual(await driver.messages.pop(b, 10), []);

    await driver.queues.create(b, { owner: "b" });
    await post(b, 1);
    await driver.queues.delete(b);
    t.deepEqual((await driver.queues.info(a)).metadata, { owner: "a" });
    t.deepEqual(ids(await driver.messages.getMany(a, posted)), posted);
    t.is((await driver.queues.stats(a)).total, 2);
  });

  define("message and claim ids of another project are not found", async (t, { driver, post, mustClaim, project }) => {
    const a = { project, queue: "q" };
    const otherProject = `p-${randomUUID()}`;
    const b = { project: otherProject, queue: "q" };
    const [m1, m2] = await post(a, 2);
    const claim = await mustClaim(a, { limit: 1 });

    await rejects(t, driver.messages.get(b, m1!), "QUEUE_NOT_FOUND", `Queue q does not exist for project ${otherProject}`);
    const [own] = await post(b, 1);
    await rejects(t, driver.messages.get(b, m1!), "MESSAGE_NOT_FOUND", `Message ${m1} does not exist in queue q for project ${otherProject}`);
    t.deepEqual(await driver.messages.getMany(b, [m1!, m2!]), []);
    await rejects(t, driver.claims.get(b, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue q for project ${otherProject}`);
    await rejects(
      t,
      driver.claims.update(b, claim.id, { ttl: 60, grace: 60 }),
      "CLAIM_NOT_FOUND",
      `Claim ${claim.id} does not exist in queue q for project ${otherProject}`,
    );
    await rejects(t, driver.messages.delete(b, own!, claim.id), "CLAIM_GONE", "The specified claim does not exist or has expired.");

    // Writes through the other project leave project a untouched.
    await driver.messages.delete(b, m2!, null);
    await driver.messages.delete(b, m1!, claim.id);
    await driver.messages.deleteMany(b, [m1!, m2!]);
    await driver.claims.delete(b, claim.id);
    t.deepEqual(ids(await driver.messages.getMany(a, [m1!, m2!])), [m1, m2]);
    const held = await driver.claims.get(a, claim.id);
    t.deepEqual(ids(held.messages), [m1]);
    t.deepEqual(ids(await driver.messages.getMany(b, [own!])), [own]);
  });

  define("claim ids of another queue of the same project are not found", async (t, { driver, post, mustClaim, scope, project }) => {
    const q1 = scope("one");
    const q2 = scope("two");
    await post(q1, 1);
    const [m] = await post(q2, 1);
    const claim = await mustClaim(q1);
    await rejects(t, driver.claims.get(q2, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue two for project ${project}`);
    await rejects(t, driver.messages.delete(q2, m!, claim.id), "CLAIM_GONE", "The specified claim does not exist or has expired.");
    await rejects(t, driver.messages.get(q2, claim.messages[0]!.id), "MESSAGE_NOT_FOUND", `Message ${claim.messages[0]!.id} does not exist in queue two for project ${project}`);
  });
}
