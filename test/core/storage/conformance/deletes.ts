/** Deleting messages: the single-delete outcome table (claim checks), deleteMany and pop. */
import { randomUUID } from "node:crypto";
import type { Reason } from "../../../../core/src/errors.ts";
import type { Scope } from "../../../../core/src/storage/driver.ts";
import type { Define, Env } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

const CLAIMED = ["MESSAGE_CLAIMED", "This message is claimed; it cannot be deleted without a valid claim ID."] as const;
const GONE = ["CLAIM_GONE", "The specified claim does not exist or has expired."] as const;
const NOT_CLAIMED = ["MESSAGE_NOT_CLAIMED", "A claim was specified, but the message is not currently claimed."] as const;

interface Row {
  readonly title: string;
  /** Builds the situation; returns what to delete. */
  readonly setup: (env: Env) => Promise<{ s: Scope; id: string; claimId: string | null }>;
  /** The error expected, or null for success. */
  readonly error: readonly [Reason, string] | null;
  /** What happens to the message: deleted now, kept, or absent all along. */
  readonly outcome: "removed" | "kept" | "absent";
}

const rows: Row[] = [
  {
    title: "delete in an absent queue is a no-op",
    setup: async ({ scope }) => ({ s: scope(), id: randomUUID(), claimId: null }),
    error: null,
    outcome: "absent",
  },
  {
    title: "delete with a claim id in an absent queue is a no-op",
    setup: async ({ scope }) => ({ s: scope(), id: randomUUID(), claimId: randomUUID() }),
    error: null,
    outcome: "absent",
  },
  {
    title: "delete of an unknown message is a no-op",
    setup: async ({ scope, post }) => {
      const s = scope();
      await post(s, 1);
      return { s, id: randomUUID(), claimId: null };
    },
    error: null,
    outcome: "absent",
  },
  {
    title: "delete of an unknown message with a live claim's id is a no-op",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      await post(s, 1);
      const claim = await mustClaim(s);
      return { s, id: "unknown", claimId: claim.id };
    },
    error: null,
    outcome: "absent",
  },
  {
    title: "delete of an expired message is a no-op even with an unknown claim id",
    setup: async ({ scope, post, clock }) => {
      const s = scope();
      const [id] = await post(s, [{ ttl: 60 }]);
      clock.advance(60_000);
      return { s, id: id!, claimId: "invalid" };
    },
    error: null,
    outcome: "absent",
  },
  {
    title: "delete without a claim id removes an unclaimed message",
    setup: async ({ scope, post }) => {
      const s = scope();
      const [id] = await post(s, 1);
      return { s, id: id!, claimId: null };
    },
    error: null,
    outcome: "removed",
  },
  {
    title: "delete without a claim id of a claimed message throws MESSAGE_CLAIMED",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      const [id] = await post(s, 1);
      await mustClaim(s);
      return { s, id: id!, claimId: null };
    },
    error: CLAIMED,
    outcome: "kept",
  },
  {
    title: "delete with the holding claim's id removes the message",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      const [id] = await post(s, 1);
      const claim = await mustClaim(s);
      return { s, id: id!, claimId: claim.id };
    },
    error: null,
    outcome: "removed",
  },
  {
    title: "delete with a live claim's id of an unclaimed message throws MESSAGE_NOT_CLAIMED",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      const [, free] = await post(s, 2);
      const claim = await mustClaim(s, { limit: 1 });
      return { s, id: free!, claimId: claim.id };
    },
    error: NOT_CLAIMED,
    outcome: "kept",
  },
  {
    title: "delete of a claimed message with a malformed claim id throws CLAIM_GONE",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      const [id] = await post(s, 1);
      await mustClaim(s);
      return { s, id: id!, claimId: "invalid" };
    },
    error: GONE,
    outcome: "kept",
  },
  {
    title: "delete of an unclaimed message with an unknown claim id throws CLAIM_GONE",
    setup: async ({ scope, post }) => {
      const s = scope();
      const [id] = await post(s, 1);
      return { s, id: id!, claimId: randomUUID() };
    },
    error: GONE,
    outcome: "kept",
  },
  {
    title: "delete with an expired claim's id throws CLAIM_GONE and keeps the message",
    setup: async ({ scope, post, mustClaim, clock }) => {
      const s = scope();
      const [id] = await post(s, 1);
      const claim = await mustClaim(s, { ttl: 60 });
      clock.set(claim.expiresAtMs);
      return { s, id: id!, claimId: claim.id };
    },
    error: GONE,
    outcome: "kept",
  },
  {
    title: "delete with a released claim's id throws CLAIM_GONE and keeps the message",
    setup: async ({ scope, post, mustClaim, driver }) => {
      const s = scope();
      const [id] = await post(s, 1);
      const claim = await mustClaim(s);
      await driver.claims.delete(s, claim.id);
      return { s, id: id!, claimId: claim.id };
    },
    error: GONE,
    outcome: "kept",
  },
  {
    title: "delete with another live claim's id throws MESSAGE_CLAIMED",
    setup: async ({ scope, post, mustClaim }) => {
      const s = scope();
      const [m1] = await post(s, 2);
      await mustClaim(s, { limit: 1 });
      const other = await mustClaim(s, { limit: 1 });
      return { s, id: m1!, claimId: other.id };
    },
    error: CLAIMED,
    outcome: "kept",
  },
  {
    title: "delete without a claim id removes a message whose claim expired",
    setup: async ({ scope, post, mustClaim, clock }) => {
      const s = scope();
      const [id] = await post(s, 1);
      const claim = await mustClaim(s, { ttl: 60 });
      clock.set(claim.expiresAtMs);
      return { s, id: id!, claimId: null };
    },
    error: null,
    outcome: "removed",
  },
];

export function defineDeleteTests(define: Define): void {
  for (const row of rows) {
    define(row.title, async (t, env) => {
      const { s, id, claimId } = await row.setup(env);
      const before = await env.driver.queues.stats(s);
      const deleting = env.driver.messages.delete(s, id, claimId);
      if (row.error === null) await t.notThrowsAsync(deleting);
      else await rejects(t, deleting, ...row.error);
      t.deepEqual(ids(await env.driver.messages.getMany(s, [id])), row.outcome === "kept" ? [id] : []);
      const after = await env.driver.queues.stats(s);
      t.is(after.total, before.total - (row.outcome === "removed" ? 1 : 0));
    });
  }

  define("delete with the holding claim's id also removes the message from the claim", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2] = await post(s, 2);
    const claim = await mustClaim(s);
    await driver.messages.delete(s, m1!, claim.id);
    t.deepEqual(ids((await driver.claims.get(s, claim.id)).messages), [m2]);
    t.like(await driver.queues.stats(s), { claimed: 1, free: 0, total: 1 });
  });

  define("deleteMany removes claimed and unclaimed messages and ignores unknown ids", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2, m3, m4] = await post(s, 4);
    const claim = await mustClaim(s, { limit: 2 });
    await driver.messages.deleteMany(s, [m1!, m3!, "unknown", randomUUID()]);
    t.deepEqual(ids(await driver.messages.getMany(s, [m1!, m2!, m3!, m4!])), [m2, m4]);
    t.deepEqual(ids((await driver.claims.get(s, claim.id)).messages), [m2]);
    t.like(await driver.queues.stats(s), { claimed: 1, free: 1, total: 2 });
  });

  define("deleteMany of all claimed messages leaves a live claim holding none", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2, m3] = await post(s, 3);
    const claim = await mustClaim(s, { limit: 2 });
    await driver.messages.deleteMany(s, [m1!, m2!]);
    const got = await driver.claims.get(s, claim.id);
    t.is(got.id, claim.id);
    t.deepEqual(got.messages, []);
    await driver.claims.update(s, claim.id, { ttl: 120, grace: 60 });
    t.deepEqual(ids((await driver.claims.get(s, claim.id)).messages), []);
    t.like(await driver.queues.stats(s), { claimed: 0, free: 1, total: 1, oldest: { id: m3 }, newest: { id: m3 } });
    t.deepEqual(ids((await driver.claims.create(s, { ttl: 60, grace: 60, limit: 5 }))!.messages), [m3]);
  });

  define("deleteMany in an absent queue succeeds", async (t, { driver, scope }) => {
    await t.notThrowsAsync(driver.messages.deleteMany(scope(), ["a", randomUUID()]));
  });

  define("pop removes and returns the oldest free visible messages under one transient claim id", async (t, { driver, clock, scope, post, mustClaim }) => {
    const s = scope();
    const t0 = clock.now();
    const [m1, m2, m3, m4, m5] = await post(s, [{}, { delay: 60 }, { ttl: 120, body: '{"x": 3}' }, {}, {}]);
    const claim = await mustClaim(s, { limit: 1 });
    t.deepEqual(ids(claim.messages), [m1]);
    clock.advance(2000);
    const popped = await driver.messages.pop(s, 2);
    t.deepEqual(ids(popped), [m3, m4]);
    const claimId = popped[0]!.claimId;
    t.is(typeof claimId, "string");
    t.not(claimId, "");
    t.not(claimId, claim.id);
    t.is(popped[1]!.claimId, claimId);
    t.like(popped[0], { body: '{"x": 3}', ttl: 120, createdAtMs: t0, expiresAtMs: t0 + 120_000, claimCount: 0 });
    t.deepEqual(ids(await driver.messages.getMany(s, [m1!, m2!, m3!, m4!, m5!])), [m1, m2, m5]);
    t.like(await driver.queues.stats(s), { claimed: 1, free: 2, total: 3 });
    t.deepEqual(ids(await driver.messages.pop(s, 20)), [m5]);
    t.deepEqual(await driver.messages.pop(s, 20), []);
  });

  define("pop reports the claim count from before the pop", async (t, { driver, scope, post, mustClaim }) => {
    const s = scope();
    const [m1, m2] = await post(s, 2);
    const first = await mustClaim(s, { limit: 1 });
    await driver.claims.delete(s, first.id);
    const popped = await driver.messages.pop(s, 5);
    t.deepEqual(
      popped.map((m) => [m.id, m.claimCount]),
      [
        [m1, 1],
        [m2, 0],
      ],
    );
  });

  define("pop of an empty or absent queue gives no messages", async (t, { driver, scope }) => {
    const s = scope();
    t.deepEqual(await driver.messages.pop(s, 5), []);
    await driver.queues.create(s, {});
    t.deepEqual(await driver.messages.pop(s, 5), []);
  });
}

export function definePurgeTests(define: Define): void {
  define("purge deletes every message and claim but keeps the queue and its metadata", async (t, { driver, scope, post, mustClaim, listAll }) => {
    const s = scope("purged");
    await driver.queues.create(s, { keep: "me" });
    const before = await driver.queues.info(s);
    const posted = await post(s, [{}, {}, { delay: 300 }, {}]);
    const claim = await mustClaim(s, { limit: 2 });
    await driver.messages.purge(s);
    t.deepEqual(await driver.queues.info(s), before);
    t.deepEqual(await listAll(s), []);
    t.deepEqual(await driver.messages.getMany(s, posted), []);
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    await rejects(t, driver.claims.get(s, claim.id), "CLAIM_NOT_FOUND", `Claim ${claim.id} does not exist in queue purged for project ${s.project}`);
    await rejects(t, driver.messages.get(s, posted[0]!), "MESSAGE_NOT_FOUND", `Message ${posted[0]} does not exist in queue purged for project ${s.project}`);
    const [fresh] = await post(s, 1);
    t.deepEqual(ids((await mustClaim(s)).messages), [fresh]);
  });

  define("purge of an absent queue succeeds and creates nothing", async (t, { driver, scope }) => {
    const s = scope();
    await t.notThrowsAsync(driver.messages.purge(s));
    t.false((await driver.queues.info(s)).exists);
  });
}
