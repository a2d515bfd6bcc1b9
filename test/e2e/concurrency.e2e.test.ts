/**
 * Competing consumers through the real REST edge on a real redis-server:
 * 8 consumers claim (limit 10, ttl 60) and delete with the claim id until the
 * queue is drained. Every message must be delivered exactly once while its claim
 * lives, none lost, none left behind.
 */
import { randomUUID } from "node:crypto";
import test from "ava";
import { Redis } from "ioredis";
import { claimIdOf, messageIdOf, restCaller } from "./support/rest.ts";
import { startRedisStack, type RedisStack } from "./support/stack.ts";

const TOTAL = 2000;
const POST_BATCH = 100;
const CONSUMERS = 8;
const CLAIM_TTL = 60;

let env: RedisStack;
test.before(async () => {
  env = await startRedisStack();
});
// env is unset when test.before failed.
test.after.always(() => env?.stop());

test("8 concurrent consumers each get every one of 2,000 messages exactly once and drain the queue", async (t) => {
  const project = `p-${randomUUID()}`;
  const queue = "work";
  const producer = restCaller(env.stack.restUrl, project);

  const posted: string[] = [];
  for (let start = 0; start < TOTAL; start += POST_BATCH) {
    const messages = Array.from({ length: POST_BATCH }, (_, i) => ({ ttl: 600, body: { seq: start + i } }));
    const reply = await producer("POST", `/v2/queues/${queue}/messages`, { messages });
    t.is(reply.status, 201);
    posted.push(...reply.body.resources.map(messageIdOf));
  }
  t.is(new Set(posted).size, TOTAL);
  t.like((await producer("GET", `/v2/queues/${queue}/stats`)).body.messages, { free: TOTAL, claimed: 0, total: TOTAL });
  // The messages really are in this test's redis-server, not in an embedded store.
  const inspector = new Redis(env.redis.url);
  t.true((await inspector.dbsize()) > 0);
  await inspector.quit();

  const deliveries = new Map<string, number>(); // message id → times claimed
  const holder = new Map<string, string>(); // message id → claim that got it
  const problems: string[] = [];
  const started = Date.now();

  const consume = async (consumer: number): Promise<number> => {
    const call = restCaller(env.stack.restUrl, project);
    let claims = 0;
    for (;;) {
      const claim = await call("POST", `/v2/queues/${queue}/claims?limit=10`, { ttl: CLAIM_TTL, grace: 60 });
      if (claim.status === 204) return claims;
      if (claim.status !== 201) throw new Error(`consumer ${consumer}: claim answered ${claim.status} ${JSON.stringify(claim.body)}`);
      claims++;
      const claimId = (claim.headers.get("location") ?? "").split("/").pop() as string;
      const messages = claim.body.messages as { id: string; href: string }[];
      if (messages.length < 1 || messages.length > 10) problems.push(`claim ${claimId} returned ${messages.length} messages`);
      for (const message of messages) {
        if (claimIdOf(message.href) !== claimId) problems.push(`${message.id} carries claim ${claimIdOf(message.href)}, not ${claimId}`);
        const earlier = holder.get(message.id);
        if (earlier !== undefined) problems.push(`${message.id} is in claim ${claimId} and in claim ${earlier}`);
        holder.set(message.id, claimId);
        deliveries.set(message.id, (deliveries.get(message.id) ?? 0) + 1);
      }
      for (const message of messages) {
        const deleted = await call("DELETE", `/v2/queues/${queue}/messages/${message.id}?claim_id=${claimId}`);
        if (deleted.status !== 204) problems.push(`deleting ${message.id} with claim ${claimId} answered ${deleted.status}`);
      }
    }
  };

  const claimsPerConsumer = await Promise.all(Array.from({ length: CONSUMERS }, (_, i) => consume(i)));
  const elapsed = Date.now() - started;

  // Claims were never renewed, so the exactly-once check holds only while they all lived.
  t.true(elapsed < CLAIM_TTL * 1000, `draining took ${elapsed} ms, longer than the claim ttl`);
  t.deepEqual(problems, []);
  t.is(deliveries.size, TOTAL, "messages lost");
  t.deepEqual([...new Set(deliveries.values())], [1]);
  t.deepEqual(new Set(deliveries.keys()), new Set(posted));
  t.true(claimsPerConsumer.reduce((a, b) => a + b, 0) >= TOTAL / 10);
  t.log(`drained ${TOTAL} messages in ${elapsed} ms; claims per consumer: ${claimsPerConsumer.join(", ")}`);

  const stats = await producer("GET", `/v2/queues/${queue}/stats`);
  t.deepEqual(stats.body, { messages: { claimed: 0, free: 0, total: 0 } });
  const listing = await producer("GET", `/v2/queues/${queue}/messages?include_claimed=true&echo=true&limit=20`);
  t.is(listing.status, 200);
  t.deepEqual(listing.body.messages, []);
});
