/**
 * python-zaqarclient (Debian's python3-zaqarclient, API v2, no auth) against the
 * real processes — core on a private redis-server, REST edge — through a short
 * scenario: create a queue, post, list, claim, delete the claimed messages, stats,
 * delete the queue.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { root, startRedisStack, type RedisStack } from "./support/stack.ts";

const run = promisify(execFile);
// Debian's interpreter: a pyenv python3 earlier on PATH cannot import Debian packages.
const PYTHON = "/usr/bin/python3";

let env: RedisStack;
test.before(async () => {
  env = await startRedisStack();
});
// env is unset when test.before failed.
test.after.always(() => env?.stop());

interface Message {
  id: string;
  body: { n: number };
  ttl: number;
  claim_id: string | null;
}

test("python-zaqarclient creates, posts, claims, deletes and reads stats through the REST edge", async (t) => {
  const project = `p-${randomUUID()}`;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  const { stdout } = await run(PYTHON, [join(root, "test/e2e/zaqar_scenario.py"), env.stack.restUrl, project, randomUUID(), queue], {
    timeout: 30_000,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(`${err.message}\n${err.stderr ?? ""}\n${env.stack.output()}`);
  });
  const out = JSON.parse(stdout) as {
    ping: boolean;
    queues_after_create: string[];
    posted_ids: string[];
    listed: Message[];
    fetched: Message;
    claim_id: string;
    claimed: Message[];
    stats_after_claim: { messages: { free: number; claimed: number; total: number } };
    stats_after_delete: { messages: { free: number; claimed: number; total: number } };
    remaining: Message[];
    queues_after_delete: string[];
  };

  t.true(out.ping);
  t.deepEqual(out.queues_after_create, [queue]);
  t.is(out.posted_ids.length, 5);
  t.is(new Set(out.posted_ids).size, 5);

  // Listing is FIFO and shows the bodies and TTLs as posted; no claims yet.
  t.deepEqual(
    out.listed.map((m) => [m.id, m.body.n, m.ttl, m.claim_id]),
    out.posted_ids.map((id, n) => [id, n, 300, null]),
  );
  t.deepEqual([out.fetched.id, out.fetched.body], [out.posted_ids[0], { n: 0 }]);

  // The claim takes the three oldest, and the client reads the claim id from the hrefs.
  t.regex(out.claim_id, /^[0-9a-f-]{36}$/);
  t.deepEqual(
    out.claimed.map((m) => [m.id, m.body.n, m.claim_id]),
    out.posted_ids.slice(0, 3).map((id, n) => [id, n, out.claim_id]),
  );
  t.like(out.stats_after_claim.messages, { claimed: 3, free: 2, total: 5 });

  // Deleting with the claim id removed exactly the claimed ones.
  t.like(out.stats_after_delete.messages, { claimed: 0, free: 2, total: 2 });
  t.deepEqual(
    out.remaining.map((m) => m.id),
    out.posted_ids.slice(3),
  );
  t.deepEqual(out.queues_after_delete, []);
});
