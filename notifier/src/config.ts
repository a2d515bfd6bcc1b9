/**
 * The notifier's configuration, read from ZAQAR_* environment variables once
 * at start-up into a frozen object. Every problem is reported at once.
 */
import { readCoreAuth, type CoreAuth } from "../../common/core-auth.ts";
import { LOG_LEVELS as LEVELS, parseBool, parseHostPort, type HostPort } from "../../common/env.ts";

export { parseHostPort, type HostPort };

export interface NotifierConfig {
  /** ZAQAR_CORE_URL: host:port of the core's native gRPC server. Default 127.0.0.1:7070. */
  readonly coreUrl: string;
  /** ZAQAR_NOTIFIER_CONCURRENCY: webhook deliveries in flight at once. Default 128. */
  readonly concurrency: number;
  /** ZAQAR_NOTIFIER_LEASE_SIZE: most jobs one LeaseJobs call takes (1..1000). Default 100. */
  readonly leaseSize: number;
  /** ZAQAR_NOTIFIER_LEASE_SECONDS: how long a leased job stays ours before another notifier may take it (1..3600). Default 60. */
  readonly leaseSeconds: number;
  /** ZAQAR_NOTIFIER_LEASE_WAIT_MS: how long an empty LeaseJobs call waits for work (0..30000). Default 2000. */
  readonly leaseWaitMs: number;
  /** ZAQAR_WEBHOOK_TIMEOUT_MS: one webhook attempt, redirects included, from connect to response headers. Default 10000. */
  readonly webhookTimeoutMs: number;
  /** ZAQAR_WEBHOOK_ALLOW_CROSS_HOST_REDIRECTS: follow redirects to another host:port. Default false (same host only). */
  readonly webhookAllowCrossHostRedirects: boolean;
  /**
   * ZAQAR_SMTP_URL: the SMTP server for mailto: subscribers, as nodemailer
   * reads it: smtp://host:port (STARTTLS when offered), smtps://user:pass@host:465
   * (TLS from the start); query options such as ?ignoreTLS=true or
   * ?tls.rejectUnauthorized=false pass through. Default smtp://127.0.0.1:25.
   */
  readonly smtpUrl: string;
  /** ZAQAR_SMTP_FROM: sender of mails whose job names none. Default "Zaqar Notifications <no-reply@localhost>". */
  readonly smtpFrom: string;
  /** ZAQAR_SMTP_TIMEOUT_MS: connect, greeting and idle-socket timeout of SMTP sessions. Default 10000. */
  readonly smtpTimeoutMs: number;
  /** ZAQAR_SMTP_CONCURRENCY: SMTP connections (and mails in flight). Default 4. */
  readonly smtpConcurrency: number;
  /** ZAQAR_NOTIFIER_HEALTH_LISTEN: host:port of the HTTP health check (GET /health); "off" disables it. Default 127.0.0.1:8890. */
  readonly healthListen: HostPort | null;
  /** ZAQAR_LOG_LEVEL: pino level (fatal, error, warn, info, debug, trace, silent). Default info. */
  readonly logLevel: string;
  /**
   * ZAQAR_NOTIFIER_TIME_SCALE: factor applied to every retry-policy delay
   * (0 < f <= 1). For tests that need a real schedule in milliseconds; keep 1 in service.
   */
  readonly timeScale: number;
  /**
   * ZAQAR_CORE_SECRET and ZAQAR_CORE_TLS_{CERT,KEY,CA} (common/core-auth.ts):
   * the secret this process sends the core, and its mutual-TLS certificate.
   * Absent when none is set: plain h2c, no secret.
   */
  readonly coreAuth?: CoreAuth;
}


export function readNotifierConfig(env: NodeJS.ProcessEnv): NotifierConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => env[name] ?? fallback;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === "") return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined) return fallback;
    const v = parseBool(raw);
    if (v !== undefined) return v;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };

  const coreUrl = text("ZAQAR_CORE_URL", "127.0.0.1:7070").trim();
  if (!parseHostPort(coreUrl)) problems.push(`ZAQAR_CORE_URL must be host:port of the core's gRPC server, got "${coreUrl}"`);

  const concurrency = int("ZAQAR_NOTIFIER_CONCURRENCY", 128, 1, 10_000);
  const leaseSize = int("ZAQAR_NOTIFIER_LEASE_SIZE", 100, 1, 1000);
  const leaseSeconds = int("ZAQAR_NOTIFIER_LEASE_SECONDS", 60, 1, 3600);
  const leaseWaitMs = int("ZAQAR_NOTIFIER_LEASE_WAIT_MS", 2000, 0, 30_000);
  const webhookTimeoutMs = int("ZAQAR_WEBHOOK_TIMEOUT_MS", 10_000, 1, 3_600_000);
  const webhookAllowCrossHostRedirects = bool("ZAQAR_WEBHOOK_ALLOW_CROSS_HOST_REDIRECTS", false);

  const smtpUrl = text("ZAQAR_SMTP_URL", "smtp://127.0.0.1:25").trim();
  if (!/^smtps?:\/\/[^/?#]+/i.test(smtpUrl)) problems.push(`ZAQAR_SMTP_URL must be smtp://host[:port] or smtps://[user:pass@]host[:port], got "${redactUrl(smtpUrl)}"`);
  const smtpFrom = text("ZAQAR_SMTP_FROM", "Zaqar Notifications <no-reply@localhost>").trim();
  if (smtpFrom === "") problems.push("ZAQAR_SMTP_FROM must not be empty");
  const smtpTimeoutMs = int("ZAQAR_SMTP_TIMEOUT_MS", 10_000, 1, 3_600_000);
  const smtpConcurrency = int("ZAQAR_SMTP_CONCURRENCY", 4, 1, 100);

  const healthRaw = text("ZAQAR_NOTIFIER_HEALTH_LISTEN", "127.0.0.1:8890").trim();
  const healthListen = healthRaw.toLowerCase() === "off" ? null : parseHostPort(healthRaw);
  if (healthRaw.toLowerCase() !== "off" && !healthListen) problems.push(`ZAQAR_NOTIFIER_HEALTH_LISTEN must be host:port or "off", got "${healthRaw}"`);

  const logLevel = text("ZAQAR_LOG_LEVEL", "info");
  if (!LEVELS.has(logLevel)) problems.push(`ZAQAR_LOG_LEVEL must be one of ${[...LEVELS].join(", ")}, got "${logLevel}"`);

  const scaleRaw = text("ZAQAR_NOTIFIER_TIME_SCALE", "1").trim();
  const timeScale = Number(scaleRaw);
  if (scaleRaw === "" || !Number.isFinite(timeScale) || timeScale <= 0 || timeScale > 1) {
    problems.push(`ZAQAR_NOTIFIER_TIME_SCALE must be a number in (0, 1], got "${scaleRaw}"`);
  }

  // A lease must outlive the slowest delivery, or a second notifier takes the job mid-delivery.
  const slowestMs = Math.max(webhookTimeoutMs, 3 * smtpTimeoutMs);
  if (leaseSeconds * 1000 < 2 * slowestMs) {
    problems.push(
      `ZAQAR_NOTIFIER_LEASE_SECONDS (${leaseSeconds}) must be at least twice the slowest delivery ` +
        `(max(ZAQAR_WEBHOOK_TIMEOUT_MS, 3 × ZAQAR_SMTP_TIMEOUT_MS) = ${slowestMs} ms)`,
    );
  }

  const coreAuth = readCoreAuth(env, problems);

  if (problems.length > 0) throw new Error(`invalid notifier configuration:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze({
    coreUrl,
    concurrency,
    leaseSize,
    leaseSeconds,
    leaseWaitMs,
    webhookTimeoutMs,
    webhookAllowCrossHostRedirects,
    smtpUrl,
    smtpFrom,
    smtpTimeoutMs,
    smtpConcurrency,
    healthListen: healthListen ? Object.freeze(healthListen) : null,
    logLevel,
    timeScale,
    ...(coreAuth ? { coreAuth } : {}),
  });
}

/** The URL with any password replaced, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}
