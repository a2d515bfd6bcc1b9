/**
 * The REST edge's configuration, read from ZAQAR_* environment variables once
 * at start-up into a frozen object. Every problem is reported at once.
 */
import { readAuthConfig, type AuthConfig } from "../../common/auth/config.ts";
import { readCoreAuth, type CoreAuth } from "../../common/core-auth.ts";
import { LOG_LEVELS as LEVELS, parseBool, parseHostPort, type HostPort } from "../../common/env.ts";

export { parseHostPort, type HostPort };

export interface RestEdgeConfig {
  /** ZAQAR_REST_LISTEN: host:port the HTTP server binds (port 0 picks a free one). Default 127.0.0.1:8888. */
  readonly listen: HostPort;
  /** ZAQAR_CORE_URL: host:port of the core's native gRPC server. Default 127.0.0.1:7070. */
  readonly coreUrl: string;
  /** ZAQAR_ADMIN_MODE: route the admin API (/v2/health) and list its relations in the home document. Default false. */
  readonly adminMode: boolean;
  /**
   * ZAQAR_POOLING: route the pools and flavors API (/v2/pools, /v2/flavors),
   * which also needs ZAQAR_ADMIN_MODE, as Zaqar's `pooling` option. Default
   * false (absent counts as false).
   */
  readonly pooling?: boolean;
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


export function readRestEdgeConfig(env: NodeJS.ProcessEnv): RestEdgeConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => env[name] ?? fallback;

  const listenRaw = text("ZAQAR_REST_LISTEN", "127.0.0.1:8888");
  const listen = parseHostPort(listenRaw);
  if (!listen) problems.push(`ZAQAR_REST_LISTEN must be host:port, got "${listenRaw}"`);

  const coreUrl = text("ZAQAR_CORE_URL", "127.0.0.1:7070").trim();
  if (!parseHostPort(coreUrl)) problems.push(`ZAQAR_CORE_URL must be host:port of the core's gRPC server, got "${coreUrl}"`);

  const adminRaw = text("ZAQAR_ADMIN_MODE", "false").trim().toLowerCase();
  const adminMode = parseBool(adminRaw);
  if (adminMode === undefined) {
    problems.push(`ZAQAR_ADMIN_MODE must be true or false, got "${adminRaw}"`);
  }

  const poolingRaw = text("ZAQAR_POOLING", "false").trim().toLowerCase();
  const pooling = parseBool(poolingRaw);
  if (pooling === undefined) problems.push(`ZAQAR_POOLING must be true or false, got "${poolingRaw}"`);

  const logLevel = text("ZAQAR_LOG_LEVEL", "info");
  if (!LEVELS.has(logLevel)) problems.push(`ZAQAR_LOG_LEVEL must be one of ${[...LEVELS].join(", ")}, got "${logLevel}"`);

  const auth = readAuthConfig(env, problems);
  const coreAuth = readCoreAuth(env, problems);

  if (problems.length > 0) throw new Error(`invalid REST edge configuration:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze({
    listen: Object.freeze(listen as HostPort),
    coreUrl,
    adminMode: adminMode === true,
    pooling: pooling === true,
    logLevel,
    auth,
    ...(coreAuth ? { coreAuth } : {}),
  });
}
