/** Dead-lettering on claim (DeadLetterOptions in driver.ts; rest-queues.md §4.2). */
import type { ClaimOptions, DeadLetterOptions } from "../../../../core/src/storage/driver.ts";
import type { Define, Env } from "./harness.ts";
import { ids, rejects } from "./harness.ts";

/** Claims and releases until every message of `scope` has been claimed `times` times. */
async function wearOut(env: Env, scope: ReturnType<Env["scope"]>, times: number, options: Partial<ClaimOptions> = {}): Promise<void> {
  for (let i = 0; i < times; i++) {
    const c = await env.mustClaim(scope, { limit: 20, ...options });
    await env.driver.claims.delete(scope, c.id);
  }
}

export function defineDeadLetterTests(define: Define): void {
  define("a message claimed maxClaims times moves to the dead-letter queue at its next claim, as the contract says", async (t, env) => {
    const { driver, clock, scope, post } = env;
    const s = scope();
    const dlq = scope();
    const deadLetter: DeadLetterOptions = { maxClaims: 2, queue: dlq.queue, ttl: 120 };
    const created = clock.now();
    const posted = await post(s, [{ body: '"a"' }, { body: '{"b":[1,2]}' }, { body: "3" }]);
    clock.advance(5_000);
    await wearOut(env, s, 2, { deadLetter });
    t.true((await driver.queues.info(dlq)).exists === false, "nothing moved before the limit");
    clock.advance(5_000);
    t.is(await env.claim(s, { deadLetter }), null, "a claim whose every message moved claims nothing");

    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    t.deepEqual(await env.listAll(s), []);
    const moved = await env.listAll(dlq, { includeClaimed: false, includeDelayed: false });
    t.deepEqual(ids(moved), posted);
    const now = clock.now();
    for (const [i, m] of moved.entries()) {
      t.like(m, {
        body: ['"a"', '{"b":[1,2]}', "3"][i],
        ttl: 120,
        createdAtMs: created,
        expiresAtMs: now + 120_000,
        visibleAtMs: now,
        clientId: env.clientId,
        claimId: null,
        claimCount: 0,
      });
    }
    t.like(await driver.queues.stats(dlq), { claimed: 0, free: 3, total: 3 });
    const info = await driver.queues.info(dlq);
    t.deepEqual(info.metadata, {}, "the dead-letter queue is created with empty metadata");
    const listed = await driver.queues.list({ project: env.project }, { limit: 20, detailed: false, withCount: false });
    t.true(listed.queues.some((q) => q.name === dlq.queue));
    await t.throwsAsync(driver.messages.get(s, posted[0]!));
    // Moved messages are ordinary messages of their new queue.
    const again = await env.mustClaim(dlq, { limit: 2 });
    t.deepEqual(ids(again.messages), posted.slice(0, 2));
  });

  define("moved messages count against the claim's limit and the claim keeps the rest", async (t, env) => {
    const { driver, scope, post } = env;
    const s = scope();
    const dlq = scope();
    const deadLetter: DeadLetterOptions = { maxClaims: 1, queue: dlq.queue, ttl: null };
    const [old] = await post(s, 1);
    await wearOut(env, s, 1, { deadLetter });
    const fresh = await post(s, 2);
    const claim = await env.mustClaim(s, { limit: 2, deadLetter });
    t.deepEqual(ids(claim.messages), [fresh[0]]);
    t.is(claim.messages[0]!.claimCount, 1);
    t.deepEqual(ids(await env.listAll(dlq)), [old]);
    t.deepEqual(await driver.queues.stats(s), {
      claimed: 1,
      free: 1,
      total: 2,
      oldest: (await driver.queues.stats(s)).oldest!,
      newest: (await driver.queues.stats(s)).newest!,
    });
    t.is((await driver.queues.stats(s)).oldest?.id, fresh[0]);
  });

  define("without a dead-letter ttl a moved message keeps its ttl and expiry, and maxClaims 0 moves at the first claim", async (t, env) => {
    const { driver, clock, scope, post } = env;
    const s = scope();
    const dlq = scope();
    const [id] = await post(s, [{ ttl: 500 }]);
    const before = await driver.messages.get(s, id!);
    clock.advance(1_000);
    t.is(await env.claim(s, { deadLetter: { maxClaims: 0, queue: dlq.queue, ttl: null } }), null);
    t.like(await driver.messages.get(dlq, id!), { ttl: 500, expiresAtMs: before.expiresAtMs, claimCount: 0 });
    clock.set(before.expiresAtMs);
    t.deepEqual(await env.listAll(dlq), [], "it still expires when it would have");
  });

  define("messages under their limit, and every message without dead-lettering, are claimed as usual", async (t, env) => {
    const { driver, scope, post } = env;
    const s = scope();
    const dlq = scope();
    await post(s, 2);
    await wearOut(env, s, 3);
    const claim = await env.mustClaim(s, { deadLetter: { maxClaims: 5, queue: dlq.queue, ttl: 60 } });
    t.deepEqual(
      claim.messages.map((m) => m.claimCount),
      [4, 4],
    );
    t.false((await driver.queues.info(dlq)).exists);
  });

  define("a claim against a stale version claims and moves nothing", async (t, env) => {
    const { driver, scope, post } = env;
    const s = scope();
    const dlq = scope();
    await post(s, 1);
    const deadLetter: DeadLetterOptions = { maxClaims: 0, queue: dlq.queue, ttl: 60 };
    const mismatch = ["QUEUE_VERSION_MISMATCH", "queue metadata changed"] as const;
    await rejects(t, driver.claims.create(s, { ttl: 60, grace: 60, limit: 10, ifVersion: "stale", deadLetter }), ...mismatch);
    await rejects(t, driver.claims.create(s, { ttl: 60, grace: 60, limit: 10, ifVersion: "", deadLetter }), ...mismatch);
    t.like(await driver.queues.stats(s), { claimed: 0, free: 1, total: 1 });
    t.false((await driver.queues.info(dlq)).exists);
    const { version } = await driver.queues.info(s);
    t.is(await driver.claims.create(s, { ttl: 60, grace: 60, limit: 10, ifVersion: version, deadLetter }), null);
    t.is((await driver.queues.stats(dlq)).total, 1);
    t.is(await driver.claims.create(scope(), { ttl: 60, grace: 60, limit: 10, ifVersion: "" }), null, "an absent queue at version \"\" has nothing");
  });

  define("1,000 messages driven through claim expiry by 4 concurrent consumers each land exactly once in the dead-letter queue", async (t, env) => {
    const { driver, clock, scope, post } = env;
    const s = scope();
    const dlq = scope();
    const deadLetter: DeadLetterOptions = { maxClaims: 2, queue: dlq.queue, ttl: 600 };
    const posted: string[] = [];
    for (let i = 0; i < 10; i++) posted.push(...(await post(s, 100)));
    const handedOut = new Map<string, number>();
    for (let round = 1; round <= 4; round++) {
      const live = new Set<string>();
      // Consumers take claims until the queue has nothing claimable, and never delete.
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (;;) {
            const c = await env.claim(s, { ttl: 60, grace: 60, limit: 20, deadLetter });
            if (c === null) {
              if ((await driver.queues.stats(s)).free === 0) return;
              continue;
            }
            for (const m of c.messages) {
              t.false(live.has(m.id), `round ${round}: ${m.id} handed to two live claims`);
              live.add(m.id);
              handedOut.set(m.id, (handedOut.get(m.id) ?? 0) + 1);
            }
          }
        }),
      );
      clock.advance(61_000);
    }
    t.is(handedOut.size, 1_000);
    t.true([...handedOut.values()].every((n) => n === 2), "each message was handed out exactly maxClaims times");
    t.deepEqual(await driver.queues.stats(s), { claimed: 0, free: 0, total: 0 });
    const moved = ids(await env.listAll(dlq));
    t.is(moved.length, 1_000);
    // Concurrent moves may land out of post order (ava compares Sets in order): compare sorted.
    t.deepEqual([...moved].sort(), [...posted].sort());
    t.like(await driver.queues.stats(dlq), { claimed: 0, free: 1_000, total: 1_000 });
  });
}
