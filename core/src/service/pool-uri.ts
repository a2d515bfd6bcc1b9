/**
 * What the catalog needs to know about a pool's URI: which capabilities its
 * backend offers, and whether it answers now (Zaqar's storage_utils.can_connect,
 * checked before a pool is stored).
 *
 * Schemes: `redis:` and `rediss:` (our production driver; a Unix socket as
 * `redis:/path/to.sock`), `memory:` (the core's embedded store; any text may
 * follow the colon, so several memory pools can have distinct URIs). Any
 * other scheme cannot be connected to.
 */
import type { Redis } from "ioredis";
import type { Capability } from "../storage/driver.ts";
import { MEMORY_CAPABILITIES } from "../storage/memory/capabilities.ts";
import { REDIS_CAPABILITIES } from "../storage/redis/capabilities.ts";

/** Whether a backend answers; behind an interface so that it can be wired (and replaced) explicitly. */
export interface UriProbe {
  /** True when the URI's backend answered. Never throws. */
  reachable(uri: string): Promise<boolean>;
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

export const schemeOf = (uri: string): string => SCHEME.exec(uri)?.[1]?.toLowerCase() ?? "";

/** The capabilities of a URI's backend; null for a scheme the core cannot store to. */
export function capabilitiesOfUri(uri: string): readonly Capability[] | null {
  switch (schemeOf(uri)) {
    case "memory":
      return [...MEMORY_CAPABILITIES];
    case "redis":
    case "rediss":
      return [...REDIS_CAPABILITIES];
    default:
      return null;
  }
}

/** How long a Redis connection and PING may take before the URI counts as unreachable. */
const DEFAULT_TIMEOUT_MS = 2000;

/** One throw-away connection: no retries, no reconnects, no offline queue. */
async function redisTarget(uri: string, timeoutMs: number): Promise<Redis> {
  // Loaded on first use, as storage/index.ts does: the embedded store never loads the Redis client.
  const { Redis } = await import("ioredis");
  const once = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    reconnectOnError: () => false,
  };
  const url = new URL(uri);
  // redis:/path/to.sock (no host): a Unix socket.
  if (url.hostname === "" && url.pathname.length > 1) return new Redis({ ...once, path: url.pathname });
  return new Redis(uri, once);
}

export function createUriProbe(options: { readonly timeoutMs?: number } = {}): UriProbe {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  async function pingRedis(uri: string): Promise<boolean> {
    let client: Redis;
    try {
      client = await redisTarget(uri, timeoutMs);
    } catch {
      return false; // not a URI ioredis can use
    }
    client.on("error", () => {}); // the outcome is the answer; nothing to log
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const attempt = (async () => {
      await client.connect();
      return (await client.ping()) === "PONG";
    })().catch(() => false);
    try {
      return await Promise.race([attempt, late]);
    } finally {
      clearTimeout(timer);
      client.disconnect();
    }
  }

  return {
    async reachable(uri) {
      switch (schemeOf(uri)) {
        case "memory":
          return true;
        case "redis":
        case "rediss":
          return pingRedis(uri);
        default:
          return false;
      }
    },
  };
}
