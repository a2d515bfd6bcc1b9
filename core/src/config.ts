/**
 * The core's configuration, read from ZAQAR_* environment variables once at
 * start-up into a frozen object. Every problem is reported at once.
 */
import { readCoreAuth, type CoreAuth } from "../../common/core-auth.ts";
import { readSignedUrlSecret } from "../../common/signed-url.ts";
import { defaultLimits, type Limits } from "./limits.ts";

export interface CoreConfig {
  /** ZAQAR_STORE: "memory" (embedded, default) or "redis". */
  readonly store: "memory" | "redis";
  /** ZAQAR_REDIS_URL: redis://[:password@]host:port[/db] (used when store is redis). */
  readonly redisUrl: string;
  /** ZAQAR_CORE_LISTEN: host:port of the native gRPC server (edges and internal services). */
  readonly grpcListen: { readonly host: string; readonly port: number };
  /** ZAQAR_CORE_CONNECT_LISTEN: host:port serving gRPC, gRPC-Web and Connect over h2c; "off" disables it. */
  readonly connectListen: { readonly host: string; readonly port: number } | null;
  /** ZAQAR_LOG_LEVEL: pino level (fatal, error, warn, info, debug, trace, silent). */
  readonly logLevel: string;
  /** ZAQAR_CLIENT_ID_UUID_SAFE: "strict" (Client-ID must be a UUID) or "off" (length 10..36 only). */
  readonly clientIdUuidSafe: "strict" | "off";
  readonly minLengthClientId: number;
  readonly maxLengthClientId: number;
  /**
   * ZAQAR_MESSAGE_ENCRYPTION_KEY: passphrase of queues with `_enable_encrypt_messages`;
   * the AES-256 key is its SHA-256 (default "AES256", upstream's public default: set your own).
   */
  readonly messageEncryptionKey: string;
  /** Product limits; each can be set as ZAQAR_<NAME_IN_SNAKE_CASE>, e.g. ZAQAR_MAX_MESSAGES_POST_SIZE. */
  readonly limits: Limits;
  /** Subscription confirmation (rest-subscriptions-notifications.md §4). */
  readonly notification: NotificationConfig;
  /**
   * ZAQAR_CORE_SECRET and ZAQAR_CORE_TLS_{CERT,KEY,CA} (common/core-auth.ts):
   * callers must send the secret, and connect over mutual TLS. Absent when
   * none is set: plain h2c, any caller.
   */
  readonly coreAuth?: CoreAuth;
}

/** From, subject and body of a confirmation email; the body's {0} is the queue, {1} the project, {2} the link. */
export interface EmailTemplate {
  readonly topic: string;
  readonly body: string;
  readonly sender: string;
}

export interface NotificationConfig {
  /**
   * ZAQAR_REQUIRE_CONFIRMATION ("true"/"false", default false): only confirmed
   * subscriptions are notified of posted messages.
   */
  readonly requireConfirmation: boolean;
  /**
   * ZAQAR_SIGNED_URL_SECRET (default unset; ZAQAR_SIGNED_URL_SECRET_KEY is an
   * alias, and ZAQAR_SIGNED_URL_SECRET wins when both are set): HMAC key of
   * signed URLs. Unset: sharing a queue is refused, as in Zaqar. With
   * requireConfirmation it enables the confirmation messages, whose links are
   * signed with it.
   */
  readonly signedUrlSecretKey: string | null;
  /**
   * ZAQAR_EXTERNAL_CONFIRMATION_URL (default unset): page that confirmation
   * emails link to, with the signed-URL facts in its query. Unset: confirmation
   * emails are not sent (an error is logged), as upstream.
   */
  readonly externalConfirmationUrl: string | null;
  /** ZAQAR_SUBSCRIPTION_CONFIRMATION_EMAIL_{TOPIC,BODY,SENDER}. */
  readonly subscriptionConfirmationEmail: EmailTemplate;
  /** ZAQAR_UNSUBSCRIBE_CONFIRMATION_EMAIL_{TOPIC,BODY,SENDER}. */
  readonly unsubscribeConfirmationEmail: EmailTemplate;
}

/** Upstream Zaqar's [notification] email template defaults. */
export const DEFAULT_EMAIL_SENDER = "Zaqar Notifications <no-reply@openstack.org>";
export const DEFAULT_SUBSCRIPTION_CONFIRMATION_EMAIL: EmailTemplate = Object.freeze({
  topic: "Zaqar Notification - Subscription Confirmation",
  body:
    "You have chosen to subscribe to the queue: {0}. This queue belongs to project: {1}. " +
    "To confirm this subscription, click or visit this link below: {2}",
  sender: DEFAULT_EMAIL_SENDER,
});
export const DEFAULT_UNSUBSCRIBE_CONFIRMATION_EMAIL: EmailTemplate = Object.freeze({
  topic: "Zaqar Notification - Unsubscribe Confirmation",
  body:
    "You have unsubscribed successfully to the queue: {0}. This queue belongs to project: {1}. " +
    "To resubscribe this subscription, click or visit this link below: {2}",
  sender: DEFAULT_EMAIL_SENDER,
});

/** Upstream Zaqar's default `message_encryption_key`; main.ts warns when it is in use. */
export const DEFAULT_MESSAGE_ENCRYPTION_KEY = "AES256";

const LEVELS = new Set(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

export function parseHostPort(value: string): { host: string; port: number } | null {
  const match = /^(.*):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const port = Number(match[2]);
  if (port > 65535) return null;
  const host = (match[1] as string).replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  return { host, port };
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

export function readCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string): string => env[name] ?? fallback;
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if (!/^\d+$/.test(raw)) {
      problems.push(`${name} must be a non-negative integer, got "${raw}"`);
      return fallback;
    }
    return Number(raw);
  };
  const address = (name: string, fallback: string) => {
    const value = text(name, fallback);
    const parsed = parseHostPort(value);
    if (!parsed) problems.push(`${name} must be host:port, got "${value}"`);
    return parsed ?? { host: "127.0.0.1", port: 0 };
  };

  const store = text("ZAQAR_STORE", "memory");
  if (store !== "memory" && store !== "redis") problems.push(`ZAQAR_STORE must be "memory" or "redis", got "${store}"`);
  const redisUrl = text("ZAQAR_REDIS_URL", "redis://127.0.0.1:6379/0");
  if (!/^rediss?:\/\//.test(redisUrl)) problems.push(`ZAQAR_REDIS_URL must start with redis:// or rediss://`);
  const logLevel = text("ZAQAR_LOG_LEVEL", "info");
  if (!LEVELS.has(logLevel)) problems.push(`ZAQAR_LOG_LEVEL must be one of ${[...LEVELS].join(", ")}`);
  const uuidSafe = text("ZAQAR_CLIENT_ID_UUID_SAFE", "strict");
  if (uuidSafe !== "strict" && uuidSafe !== "off") problems.push(`ZAQAR_CLIENT_ID_UUID_SAFE must be "strict" or "off"`);
  const connectRaw = text("ZAQAR_CORE_CONNECT_LISTEN", "127.0.0.1:7071");
  const messageEncryptionKey = text("ZAQAR_MESSAGE_ENCRYPTION_KEY", DEFAULT_MESSAGE_ENCRYPTION_KEY);
  if (messageEncryptionKey === "") problems.push("ZAQAR_MESSAGE_ENCRYPTION_KEY must not be empty");

  const limits = Object.fromEntries(
    Object.entries(defaultLimits).map(([key, value]) => [key, int(`ZAQAR_${snake(key)}`, value)]),
  ) as unknown as Limits;
  if (limits.defaultSubscriptionTtl < 60) problems.push("ZAQAR_DEFAULT_SUBSCRIPTION_TTL must be at least 60");

  const requireConfirmation = text("ZAQAR_REQUIRE_CONFIRMATION", "false");
  if (requireConfirmation !== "true" && requireConfirmation !== "false") {
    problems.push(`ZAQAR_REQUIRE_CONFIRMATION must be "true" or "false", got "${requireConfirmation}"`);
  }
  const externalConfirmationUrl = text("ZAQAR_EXTERNAL_CONFIRMATION_URL", "");
  if (externalConfirmationUrl !== "" && !/^https?:\/\/[^/?#]+/.test(externalConfirmationUrl)) {
    problems.push("ZAQAR_EXTERNAL_CONFIRMATION_URL must be an http:// or https:// URL");
  }
  const template = (prefix: string, fallback: EmailTemplate): EmailTemplate =>
    Object.freeze({
      topic: text(`${prefix}_TOPIC`, fallback.topic),
      body: text(`${prefix}_BODY`, fallback.body),
      sender: text(`${prefix}_SENDER`, fallback.sender),
    });

  const coreAuth = readCoreAuth(env, problems);

  const config: CoreConfig = {
    store: store as CoreConfig["store"],
    redisUrl,
    grpcListen: address("ZAQAR_CORE_LISTEN", "127.0.0.1:7070"),
    connectListen: connectRaw === "off" ? null : address("ZAQAR_CORE_CONNECT_LISTEN", "127.0.0.1:7071"),
    logLevel,
    clientIdUuidSafe: uuidSafe as CoreConfig["clientIdUuidSafe"],
    minLengthClientId: int("ZAQAR_MIN_LENGTH_CLIENT_ID", 10),
    maxLengthClientId: int("ZAQAR_MAX_LENGTH_CLIENT_ID", 36),
    messageEncryptionKey,
    limits: Object.freeze(limits),
    notification: Object.freeze({
      requireConfirmation: requireConfirmation === "true",
      signedUrlSecretKey: readSignedUrlSecret(env) ?? null,
      externalConfirmationUrl: externalConfirmationUrl || null,
      subscriptionConfirmationEmail: template("ZAQAR_SUBSCRIPTION_CONFIRMATION_EMAIL", DEFAULT_SUBSCRIPTION_CONFIRMATION_EMAIL),
      unsubscribeConfirmationEmail: template("ZAQAR_UNSUBSCRIBE_CONFIRMATION_EMAIL", DEFAULT_UNSUBSCRIBE_CONFIRMATION_EMAIL),
    }),
    ...(coreAuth ? { coreAuth } : {}),
  };
  if (problems.length > 0) throw new Error(`invalid core configuration:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze(config);
}
