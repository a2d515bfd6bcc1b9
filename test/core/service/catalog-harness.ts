/**
 * The pool and flavor handlers without sockets, as the other service tests
 * run them: the real handler table and dispatcher over a fresh driver per
 * test, on each store (memory, and redis on a private redis-server with a
 * catalog of the test's own). URIs are checked by the real probe, so pools
 * point at real servers: `redisUri(n)` is this file's redis-server (db n,
 * one URI per n), `deadUri()` a loopback port nobody listens on.
 */
import { randomUUID } from "node:crypto";
import type { TestFn } from "ava";
import { pino } from "pino";
import { createManualClock } from "../../../core/src/clock.ts";
import { readCoreConfig } from "../../../core/src/config.ts";
import { defaultLimits } from "../../../core/src/limits.ts";
import type { OpName, RequestOf, ResponseOf } from "../../../core/src/service/handler-types.ts";
import { createHandlers } from "../../../core/src/service/handlers.ts";
import { createJobSignal } from "../../../core/src/service/job-signal.ts";
import { createMessageCrypto } from "../../../core/src/service/message-crypto.ts";
import { createPushSignal } from "../../../core/src/service/push-signal.ts";
import { createQueueCache } from "../../../core/src/service/queue-cache.ts";
import type { StorageDriver } from "../../../core/src/storage/driver.ts";
import { createMemoryDriver } from "../../../core/src/storage/memory/driver.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { createDispatcher } from "../../../core/src/transport/dispatch.ts";
import { freePort } from "../../helpers/free-port.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

export type Store = "memory" | "redis";

export interface Catalog {
  readonly driver: StorageDriver;
  /** A random project of this test. */
  readonly project: string;
  /** Runs an operation as an admin of the project (or with the given roles). */
  run<K extends OpName>(op: K, req: Omit<RequestOf<K>, "$typeName" | "$unknown">, roles?: readonly string[]): Promise<ResponseOf<K>>;
  /** The same, in another project. */
  runIn<K extends OpName>(project: string, op: K, req: Omit<RequestOf<K>, "$typeName" | "$unknown">, roles?: readonly string[]): Promise<ResponseOf<K>>;
}

const log = pino({ level: "silent" });
const rules = { clientIdUuidSafe: "strict", minLengthClientId: 10, maxLengthClientId: 36 } as const;

export const json = (doc: unknown): Uint8Array => Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc));

export function catalogOf(driver: StorageDriver): Catalog {
  const clock = createManualClock();
  const handlers = createHandlers({
    driver,
    clock,
    limits: defaultLimits,
    cache: createQueueCache(driver),
    crypto: createMessageCrypto("test passphrase", log),
    log,
    notification: readCoreConfig({}).notification,
    jobSignal: createJobSignal(),
    pushSignal: createPushSignal(),
  });
  const dispatcher = createDispatcher(handlers, rules, log);
  const project = `p-${randomUUID()}`;
  const runIn: Catalog["runIn"] = (p, op, req, roles = ["admin"]) =>
    dispatcher.run({ project: p, roles: [...roles] }, op, req as RequestOf<typeof op>);
  return { driver, project, runIn, run: (op, req, roles) => runIn(project, op, req, roles) };
}

export interface Stores {
  /** [store, a fresh catalog on it] for each store; the caller closes nothing (teardown does). */
  readonly stores: ReadonlyArray<readonly [Store, (t: { teardown(fn: () => Promise<void>): void }) => Promise<Catalog>]>;
  /** A URI of this file's redis-server (db `n`); distinct n, distinct URIs. */
  redisUri(n: number): string;
  /** A redis URI on a loopback port nothing listens on. */
  deadUri(): Promise<string>;
}

export function useCatalogStores(test: TestFn<unknown>): Stores {
  let redis: RedisServer | undefined;
  test.serial.before(async () => {
    redis = await startRedisServer();
  });
  test.after.always(async () => redis?.stop());

  const memory = async (t: { teardown(fn: () => Promise<void>): void }): Promise<Catalog> => {
    const driver = createMemoryDriver({ clock: createManualClock(), sweepIntervalMs: 0 });
    t.teardown(() => driver.close());
    return catalogOf(driver);
  };
  const onRedis = async (t: { teardown(fn: () => Promise<void>): void }): Promise<Catalog> => {
    const client = connectRedis((redis as RedisServer).url);
    await whenReady(client);
    const own = randomUUID();
    const driver = createRedisDriver({
      clock: createManualClock(),
      client,
      subscribedIndexKey: `zq:subscribed:${own}`,
      catalogKeyBase: `zq:{:catalog-${own}}:`,
    });
    t.teardown(() => driver.close());
    return catalogOf(driver);
  };
  return {
    stores: [
      ["memory", memory],
      ["redis", onRedis],
    ],
    redisUri: (n) => `${(redis as RedisServer).url}/${n}`,
    deadUri: async () => `redis://127.0.0.1:${await freePort()}`,
  };
}
