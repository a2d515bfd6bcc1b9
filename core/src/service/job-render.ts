/**
 * A leased job as the notifier receives it: everything a delivery needs,
 * decided here (../shared/spec/rest-subscriptions-notifications.md §3, §4),
 * so notifiers hold no business rules.
 *
 * - Notification payload: the message as posted, as upstream's json.dumps
 *   writes it, around the stored body text:
 *   {"ttl": 300, "body": <body>, "Message_Type": "Notification", "queue_name": "q"},
 *   with "delay" after "ttl" for delayed queues. Encrypted queues' bodies
 *   are sent decrypted (upstream sends its ciphertext, which no subscriber
 *   can open).
 * - Webhooks (http, https, trust+http, trust+https without the "trust+"):
 *   Content-Type: application/json plus options.post_headers; the body is
 *   the payload, or options.post_data with every "$zaqar_message$" (quotes
 *   included) replaced by it. trust+ subscribers get no X-Auth-Token: there
 *   is no Keystone to mint one.
 * - Email (mailto:): To the address, From options.from, Subject the URI's
 *   subject parameter else options.subject, text the payload; confirmation
 *   emails use the configured templates instead.
 */
import { create } from "@bufbuild/protobuf";
import type { Logger } from "pino";
import {
  EmailSchema,
  JobKind,
  JobSchema,
  RetryPolicySchema,
  WebhookSchema,
  type Job,
} from "../../../proto/gen/zaqar/v1/notification_pb.js";
import type { NotificationConfig } from "../config.ts";
import type { LeasedJob, QueueMetadata } from "../storage/driver.ts";
import { confirmationDocument, confirmationEmail, factsExpiry, type ConfirmationTarget } from "./confirmation.ts";
import { isPlainObject } from "./json.ts";
import type { MessageCrypto } from "./message-crypto.ts";
import { pyDumps, pyString } from "./py-json.ts";
import { defaultDelay } from "./queue-metadata.ts";
import { effectiveRetryPolicy } from "./retry-policy.ts";
import { mailtoParts, subscriberScheme } from "./subscription-docs.ts";
import { TOPICS } from "./validate.ts";

export interface JobRenderDeps {
  readonly crypto: MessageCrypto;
  readonly notification: NotificationConfig;
  readonly log: Logger;
}

const KINDS: Readonly<Record<LeasedJob["kind"], JobKind>> = {
  notification: JobKind.NOTIFICATION,
  "subscription-confirmation": JobKind.SUBSCRIPTION_CONFIRMATION,
  "unsubscribe-confirmation": JobKind.UNSUBSCRIBE_CONFIRMATION,
};

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const encoder = new TextEncoder();

function optionsOf(text: string): Record<string, unknown> {
  try {
    const options: unknown = JSON.parse(text);
    return isPlainObject(options) ? options : {};
  } catch {
    return {};
  }
}

/**
 * Content-Type, then options.post_headers (a header named again in another
 * case replaces it, as requests' case-insensitive dict does). Names that are
 * not HTTP tokens and values that are not scalars or hold line breaks are
 * left out: they would fail every attempt.
 */
export function webhookHeaders(options: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const extra = options["post_headers"];
  if (!isPlainObject(extra)) return headers;
  for (const [name, raw] of Object.entries(extra)) {
    if (!TOKEN.test(name) || !(typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean")) continue;
    const value = String(raw);
    if (/[\r\n\0]/.test(value)) continue;
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    headers[name] = value;
  }
  return headers;
}

/** The webhook body: options.post_data with each "$zaqar_message$" replaced by the payload, else the payload. */
export function webhookBody(options: Record<string, unknown>, payload: string): string {
  const template = options["post_data"];
  return typeof template === "string" ? template.replaceAll('"$zaqar_message$"', payload) : payload;
}

/** The notification payload around a body's JSON text (see the file comment). */
export function notificationPayload(message: { readonly ttl: number; readonly delay: number }, body: string, name: string, delayed: boolean): string {
  const delay = delayed ? `"delay": ${message.delay}, ` : "";
  return `{"ttl": ${message.ttl}, ${delay}"body": ${body}, "Message_Type": "Notification", "queue_name": ${pyString(name)}}`;
}

/** Subject of a notification email: the URI's subject parameter (any case, first non-empty), else options.subject. */
function emailSubject(query: string, options: Record<string, unknown>): string {
  for (const [key, value] of new URLSearchParams(query)) {
    if (key.toLowerCase() === "subject" && value !== "") return value;
  }
  const subject = options["subject"];
  return typeof subject === "string" ? subject : "";
}

/**
 * Renders one leased job against its queue's current metadata; null when it
 * cannot be delivered (the reason is logged; the caller acks it unsent).
 */
export function renderJob(job: LeasedJob, queueMeta: QueueMetadata, deps: JobRenderDeps): Job | null {
  const { log, notification: config } = deps;
  const topic = job.scope.project.endsWith(TOPICS);
  const project = topic ? job.scope.project.slice(0, -TOPICS.length) : job.scope.project;
  const name = job.scope.queue;
  const sub = job.subscription;
  const ids = { project, queue: name, subscriptionId: sub.id, jobId: job.id, kind: job.kind };
  const options = optionsOf(sub.options);
  const scheme = subscriberScheme(sub.subscriber);
  const mail = scheme === "mailto";
  if (!mail && !["http", "https", "trust+http", "trust+https"].includes(scheme)) {
    log.error(ids, "notification job dropped: its subscriber scheme cannot be delivered");
    return null;
  }

  let payload: string;
  let email: { from: string; subject: string; text: string } | undefined;
  if (job.kind === "notification") {
    if (job.message === undefined) {
      log.error(ids, "notification job dropped: it carries no message");
      return null;
    }
    const body = deps.crypto.open(job.message.body, job.scope, job.id).toString("utf8");
    payload = notificationPayload(job.message, body, name, defaultDelay(queueMeta) > 0 || job.message.delay > 0);
    if (mail) {
      const from = options["from"];
      email = { from: typeof from === "string" ? from : "", subject: emailSubject(mailtoParts(sub.subscriber).query, options), text: payload };
    }
  } else {
    const key = config.signedUrlSecretKey;
    const expires = factsExpiry(job.document);
    if (key === null || expires === null) {
      log.error(ids, key === null ? "confirmation not sent: ZAQAR_SIGNED_URL_SECRET_KEY is unset" : "confirmation job dropped: malformed facts");
      return null;
    }
    const target: ConfirmationTarget = { name, topic, project, subscriptionId: sub.id };
    const document = confirmationDocument(job.kind, target, expires, key);
    payload = pyDumps(document);
    if (mail) {
      if (config.externalConfirmationUrl === null) {
        log.error(ids, "confirmation email not sent: ZAQAR_EXTERNAL_CONFIRMATION_URL is unset");
        return null;
      }
      email = confirmationEmail(job.kind, document, target, config, config.externalConfirmationUrl);
    }
  }

  const policy = effectiveRetryPolicy(options, queueMeta);
  return create(JobSchema, {
    id: job.id,
    leaseId: job.leaseId,
    projectId: project,
    queue: name,
    subscriptionId: sub.id,
    kind: KINDS[job.kind],
    attempts: job.attempts,
    delivery: mail
      ? { case: "email", value: create(EmailSchema, { to: mailtoParts(sub.subscriber).address, ...email }) }
      : {
          case: "webhook",
          value: create(WebhookSchema, {
            url: scheme.startsWith("trust+") ? sub.subscriber.slice("trust+".length) : sub.subscriber,
            headers: webhookHeaders(options),
            body: encoder.encode(webhookBody(options, payload)),
          }),
        },
    retryPolicy: create(RetryPolicySchema, policy),
  });
}
