/**
 * Building the ioredis command client, and classifying its failures.
 *
 * The client fails fast instead of queueing while Redis is away: with the
 * offline queue off, a call made while disconnected is rejected at once, and a
 * call caught by a dropped connection is retried at most once after a
 * reconnect attempt. Reconnection itself never stops (capped exponential
 * backoff), so the same client works again as soon as Redis is back.
 */
import { type Cluster, Redis } from "ioredis";
import { storageUnavailable } from "../failures.ts";

/** The little logging the driver does (a pino logger fits). */
export interface RedisLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RedisConnectOptions {
  readonly log?: RedisLog;
  /** Timeout of one connection attempt (ms). Default 5000. */
  readonly connectTimeoutMs?: number;
  /** A command still unanswered after this long fails (ms). Default 5000. */
  readonly commandTimeoutMs?: number;
  /** Longest pause between reconnect attempts (ms). Default 2000. */
  readonly maxBackoffMs?: number;
  /** Connection name shown by CLIENT LIST. */
  readonly name?: string;
}

/**
 * A client for `redis://[:password@]host:port[/db]` (or `rediss://` for TLS)
 * that starts connecting at once. Until it is ready, calls fail fast with
 * STORAGE_UNAVAILABLE (through the driver); `whenReady` waits for readiness.
 */
export function connectRedis(url: string, opts: RedisConnectOptions = {}): Redis {
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`redis url must start with redis:// or rediss://, got ${parsed.protocol}//`);
  }
  const maxBackoff = opts.maxBackoffMs ?? 2000;
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    retryStrategy: (attempt: number) => Math.min(50 * 2 ** Math.min(attempt, 10), maxBackoff),
    ...(opts.name === undefined ? {} : { connectionName: opts.name }),
  });
  attachErrorListener(client, opts.log);
  return client;
}

/** Resolves once the client is ready; STORAGE_UNAVAILABLE when it is not within `timeoutMs`. */
export async function whenReady(client: Redis | Cluster, timeoutMs = 5000): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off("ready", onReady);
      reject(storageUnavailable(new Error(`redis not ready after ${timeoutMs} ms`)));
    }, timeoutMs);
    const onReady = (): void => {
      clearTimeout(timer);
      resolve();
    };
    client.once("ready", onReady);
  });
}

/**
 * ioredis emits 'error' on every failed reconnect; without a listener Node
 * would crash the process. Logs once per outage rather than once per attempt.
 */
export function attachErrorListener(client: Redis | Cluster, log?: RedisLog): void {
  let failing = false;
  client.on("error", (err: Error) => {
    if (failing) return;
    failing = true;
    log?.warn({ err }, "redis connection failing; reconnecting");
  });
  client.on("ready", () => {
    if (failing) log?.warn({}, "redis connection ready again");
    failing = false;
  });
}

/** Reply errors that mean "Redis cannot serve right now" rather than "a script is wrong". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|MOVED|ASK|NOREPLICAS|OOM)\b/;

/**
 * Whether an error thrown by ioredis means the storage is unavailable: every
 * connection-level failure (closed or unwritable stream, timeouts, retries
 * exhausted) and the transient reply errors. Other reply errors are bugs
 * (a broken script, WRONGTYPE) and must surface as internal errors.
 */
export function isUnavailableError(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  if (err.name === "ReplyError") return TRANSIENT_REPLY.test(err.message);
  return true;
}
