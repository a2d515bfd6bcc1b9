/**
 * The WebSocket edge's configuration, read from ZAQAR_* environment variables
 * once at start-up into a frozen object. Every problem is reported at once.
 */
import { readAuthConfig, type AuthConfig } from "../../common/auth/config.ts";
import { readCoreAuth, type CoreAuth } from "../../common/core-auth.ts";
import { parseHostPort, type HostPort } from "../../edge-rest/src/config.ts";

export type { HostPort };

export interface WsEdgeConfig {
  /** ZAQAR_WS_LISTEN: host:port of the WebSocket server (also serves GET /health). Default 127.0.0.1:9000 (Zaqar's). */
  readonly listen: HostPort;
  /** ZAQAR_CORE_URL: host:port of the core's native gRPC server. Default 127.0.0.1:7070. */
  readonly coreUrl: string;
  /** ZAQAR_WS_MAX_FRAME_BYTES: largest accepted frame; a bigger one closes the socket with 1009. Default 1 MiB. */
  readonly maxFrameBytes: number;
  /** ZAQAR_WS_MAX_IN_FLIGHT: requests one connection may have unanswered; beyond it frames get 429. Default 64. */
  readonly maxInFlight: number;
  /** ZAQAR_WS_IDLE_TIMEOUT_MS: a socket silent this long (no frame, no pong to our ping) is closed. Default 60000. */
  readonly idleTimeoutMs: number;
  /** ZAQAR_WS_MAX_BUFFERED_BYTES: a slow reader with more than this unsent is closed (1008). Default 8 MiB. */
  readonly maxBufferedBytes: number;
  /** ZAQAR_WS_MAX_WATCHES: push watches (message_watch) one connection may hold; beyond it 429. Default 16. */
  readonly maxWatches: number;
  /**
   * ZAQAR_WS_NOTIFY_LISTEN: host:port of the HTTP listener that receives the
   * notifier's webhook posts for subscriptions created over a socket without a
   * subscriber (websocket.md §6). Port 0 picks a free one. Default 127.0.0.1:0.
   */
  readonly notifyListen: HostPort;
  /**
   * ZAQAR_WS_NOTIFY_HOST: the host the notifier must use to reach that
   * listener, written into those subscriptions' URLs. Default: the listen host.
   */
  readonly notifyHost: string | null;
  /** ZAQAR_LOG_LEVEL: pino level (fatal, error, warn, info, debug, trace, silent). Default info. */
  readonly logLevel: string;
  /** ZAQAR_AUTH_STRATEGY, ZAQAR_KEYSTONE_*, ZAQAR_SIGNED_URL_SECRET (common/auth/config.ts). */
  readonly auth: AuthConfig;
  /**
   * ZAQAR_CORE_SECRET and ZAQAR_CORE_TLS_{CERT,KEY,CA} (common/core-auth.ts):
   * the secret this process sends the core, and its mutual-TLS certificate.
   * Absent when none is set: plain h2c, no secret.
   */
  readonly coreAuth?: CoreAuth;
}

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

export function readWsEdgeConfig(env: NodeJS.ProcessEnv): WsEdgeConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => env[name] ?? fallback;
  const positive = (name: string, fallback: number): number => {
    const raw = text(name, String(fallback)).trim();
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
      problems.push(`${name} must be a positive integer, got "${raw}"`);
      return fallback;
    }
    return n;
  };

  const listenRaw = text("ZAQAR_WS_LISTEN", "127.0.0.1:9000");
  const listen = parseHostPort(listenRaw);
  if (!listen) problems.push(`ZAQAR_WS_LISTEN must be host:port, got "${listenRaw}"`);

  const coreUrl = text("ZAQAR_CORE_URL", "127.0.0.1:7070").trim();
  if (!parseHostPort(coreUrl)) problems.push(`ZAQAR_CORE_URL must be host:port of the core's gRPC server, got "${coreUrl}"`);

  const maxFrameBytes = positive("ZAQAR_WS_MAX_FRAME_BYTES", 1 << 20);
  const maxInFlight = positive("ZAQAR_WS_MAX_IN_FLIGHT", 64);
  const idleTimeoutMs = positive("ZAQAR_WS_IDLE_TIMEOUT_MS", 60_000);
  const maxBufferedBytes = positive("ZAQAR_WS_MAX_BUFFERED_BYTES", 8 << 20);
  const maxWatches = positive("ZAQAR_WS_MAX_WATCHES", 16);

  const notifyRaw = text("ZAQAR_WS_NOTIFY_LISTEN", "127.0.0.1:0");
  const notifyListen = parseHostPort(notifyRaw);
  if (!notifyListen) problems.push(`ZAQAR_WS_NOTIFY_LISTEN must be host:port, got "${notifyRaw}"`);
  const notifyHost = env["ZAQAR_WS_NOTIFY_HOST"]?.trim() || null;

  const logLevel = text("ZAQAR_LOG_LEVEL", "info");
  if (!LEVELS.has(logLevel)) problems.push(`ZAQAR_LOG_LEVEL must be one of ${[...LEVELS].join(", ")}, got "${logLevel}"`);

  const auth = readAuthConfig(env, problems);
  const coreAuth = readCoreAuth(env, problems);

  if (problems.length > 0) throw new Error(`invalid WebSocket edge configuration:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze({
    listen: Object.freeze(listen as HostPort),
    coreUrl,
    maxFrameBytes,
    maxInFlight,
    idleTimeoutMs,
    maxBufferedBytes,
    maxWatches,
    notifyListen: Object.freeze(notifyListen as HostPort),
    notifyHost,
    logLevel,
    auth,
    ...(coreAuth ? { coreAuth } : {}),
  });
}
