/**
 * Starts a real core in this process on free ports, for tests: gRPC (grpc-js)
 * and Connect listeners on 127.0.0.1:0, on the memory store unless told otherwise.
 */
import { pino } from "pino";
import type { Clock } from "../../core/src/clock.ts";
import { readCoreConfig } from "../../core/src/config.ts";
import { startCore as start, type RunningCore } from "../../core/src/core.ts";
import type { StorageDriver } from "../../core/src/storage/driver.ts";

export interface TestCoreOptions {
  store?: "memory" | "redis";
  redisUrl?: string;
  clientIdUuidSafe?: "strict" | "off";
  /** Extra ZAQAR_* settings (limits and the like). */
  env?: Record<string, string>;
  clock?: Clock;
  driver?: StorageDriver;
}

export interface TestCore {
  /** "127.0.0.1:PORT" of the native gRPC server. */
  grpcAddress: string;
  /** "http://127.0.0.1:PORT" of the Connect (h2c) server; https:// with ZAQAR_CORE_TLS_* set. */
  connectUrl: string;
  core: RunningCore;
  close(): Promise<void>;
}

export async function startCore(options: TestCoreOptions = {}): Promise<TestCore> {
  const config = readCoreConfig({
    ZAQAR_STORE: options.store ?? "memory",
    ...(options.redisUrl ? { ZAQAR_REDIS_URL: options.redisUrl } : {}),
    ZAQAR_CORE_LISTEN: "127.0.0.1:0",
    ZAQAR_CORE_CONNECT_LISTEN: "127.0.0.1:0",
    ZAQAR_CLIENT_ID_UUID_SAFE: options.clientIdUuidSafe ?? "strict",
    ZAQAR_LOG_LEVEL: process.env["ZAQAR_TEST_LOG_LEVEL"] ?? "silent",
    ...options.env,
  });
  const core = await start(config, {
    log: pino({ level: config.logLevel }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.driver ? { driver: options.driver } : {}),
  });
  return {
    grpcAddress: `127.0.0.1:${core.grpcPort}`,
    connectUrl: `${config.coreAuth?.tls ? "https" : "http"}://127.0.0.1:${core.connectPort}`,
    core,
    close: () => core.close(),
  };
}
