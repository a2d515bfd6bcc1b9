/**
 * Direct storage access for the bench's bookkeeping (never timed): counting
 * a queue's messages to verify what clients reported, topping a queue up
 * before a consume run, and emptying Redis between scenario pairs.
 */
import { systemClock } from "../core/src/clock.ts";
import { isZaqarError } from "../core/src/errors.ts";
import type { NewMessage, Scope, StorageDriver } from "../core/src/storage/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../core/src/storage/redis/driver.ts";
import type { Redis } from "ioredis";
import { CLIENT_ID, MESSAGES_PER_POST, MESSAGE_TTL, messageBody } from "./payload.ts";

export interface Backlog {
  /** Live messages in the queue (claimed ones included). */
  count(scope: Scope): Promise<number>;
  /** Posts messages until the queue holds at least `target`; returns how many were added. */
  fill(scope: Scope, target: number): Promise<number>;
  /** FLUSHALL on the bench's own Redis. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openBacklog(url: string): Promise<Backlog> {
  const client: Redis = connectRedis(url);
  await whenReady(client);
  // A second client for FLUSHALL: the driver owns the first.
  const admin: Redis = connectRedis(url);
  await whenReady(admin);
  const driver: StorageDriver = createRedisDriver({ client, clock: systemClock });
  const batch: NewMessage[] = Array.from({ length: MESSAGES_PER_POST }, (_, i) => ({ body: messageBody(i), ttl: MESSAGE_TTL, delay: 0 }));

  const count = async (scope: Scope) => {
    try {
      return (await driver.queues.stats(scope)).total;
    } catch (err) {
      if (isZaqarError(err, "QUEUE_NOT_FOUND")) return 0;
      throw err;
    }
  };
  return {
    count,
    async fill(scope, target) {
      const missing = target - (await count(scope));
      if (missing <= 0) return 0;
      await driver.queues.create(scope, {});
      const { version } = await driver.queues.info(scope);
      let posts = Math.ceil(missing / MESSAGES_PER_POST);
      const total = posts * MESSAGES_PER_POST;
      const worker = async () => {
        while (posts-- > 0) await driver.messages.post(scope, batch, { clientId: CLIENT_ID, ifVersion: version });
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      return total;
    },
    async flush() {
      await admin.flushall();
    },
    async close() {
      await driver.close();
      await admin.quit();
    },
  };
}
