/**
 * Storage ceiling: the redis driver's own stores (the same Lua scripts the
 * core runs, plus the driver's JS around them) called directly from one
 * ioredis client at the bench concurrency, with no RPC and no service layer.
 *
 * Usage: node --import tsx bench/clients/storage.ts <produce|consume> <redis url> <project> <queue> <seconds> <concurrency>
 * Prints BENCH_RESULT {messages, requests, errors, elapsedUs, p50Us, p99Us, ...}.
 */
import { systemClock } from "../../core/src/clock.ts";
import type { NewMessage } from "../../core/src/storage/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../core/src/storage/redis/driver.ts";
import { CLAIM_LIMIT, CLIENT_ID, MESSAGES_PER_POST, MESSAGE_TTL, messageBody } from "../payload.ts";
import { consumeStep, report, runClosedLoop } from "./loop.ts";

const [mode, url, project, queue, seconds, concurrency] = process.argv.slice(2) as [string, string, string, string, string, string];
const client = connectRedis(url);
await whenReady(client);
const driver = createRedisDriver({ client, clock: systemClock });
const scope = { project, queue };
const durationMs = Number(seconds) * 1000;

if (mode === "produce") {
  // As the core does: read the queue's version once, then post against it.
  await driver.queues.create(scope, {});
  const { version } = await driver.queues.info(scope);
  const batch: NewMessage[] = Array.from({ length: MESSAGES_PER_POST }, (_, i) => ({ body: messageBody(i), ttl: MESSAGE_TTL, delay: 0 }));
  const result = await runClosedLoop(Number(concurrency), durationMs, async () => {
    await driver.messages.post(scope, batch, { clientId: CLIENT_ID, ifVersion: version });
  });
  report({ ...result, messages: (result.requests) * MESSAGES_PER_POST });
} else if (mode === "consume") {
  const { step, counts } = consumeStep<{ id: string; claim: string }>({
    async claim() {
      const c = await driver.claims.create(scope, { ttl: 60, grace: 60, limit: CLAIM_LIMIT });
      return c ? c.messages.map((m) => ({ id: m.id, claim: c.id })) : [];
    },
    remove: (m) => driver.messages.delete(scope, m.id, m.claim),
  });
  const result = await runClosedLoop(Number(concurrency), durationMs, step);
  report({ ...result, messages: counts.deleted, claims: counts.claims, empty: counts.empty });
} else {
  throw new Error(`unknown mode ${mode}`);
}
await driver.close();
