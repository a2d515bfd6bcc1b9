/**
 * Subscription confirmation (../shared/spec/rest-subscriptions-notifications.md §4):
 * the SubscriptionConfirmation / UnsubscribeConfirmation messages and their
 * emails.
 *
 * What is recorded with a confirmation job is only what must be fixed when
 * the confirmation is asked for: the link's expiry ({"expires": ...}). The
 * message itself names the subscription id, which the store assigns in the
 * same step that records the job, so it is rendered when the job is leased
 * (renderConfirmation), signed with the key configured then.
 *
 * There is no Keystone catalog, so WSGISubscribeURL and WebSocketSubscribeURL
 * are never present and the email link's Url parameter is empty.
 */
import type { EmailTemplate, NotificationConfig } from "../config.ts";
import { isPlainObject } from "./json.ts";
import { formatExpires, urlSignature } from "../../../common/signed-url.ts";

export type ConfirmationKind = "subscription-confirmation" | "unsubscribe-confirmation";

/** Confirmation messages are sent only when they are required and can be signed. */
export function confirmationEnabled(config: NotificationConfig): boolean {
  return config.requireConfirmation && config.signedUrlSecretKey !== null;
}

/** The facts recorded with a confirmation job: the link expires `ttlSeconds` from now (whole seconds, as upstream). */
export function confirmationFacts(nowMs: number, ttlSeconds: number): string {
  return JSON.stringify({ expires: formatExpires(Math.floor(nowMs / 1000) * 1000 + ttlSeconds * 1000) });
}

const EXPIRES = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** The expiry recorded by confirmationFacts, or null when the text is not such a record. */
export function factsExpiry(document: string | undefined): string | null {
  if (document === undefined) return null;
  let facts: unknown;
  try {
    facts = JSON.parse(document);
  } catch {
    return null;
  }
  const expires = isPlainObject(facts) ? facts["expires"] : undefined;
  return typeof expires === "string" && EXPIRES.test(expires) ? expires : null;
}

/** Where a subscription is confirmed: the REST path its signed URL is for. */
export function confirmPath(name: string, subscriptionId: string, topic: boolean): string {
  return `/v2/${topic ? "topics" : "queues"}/${name}/subscriptions/${subscriptionId}/confirm`;
}

export interface ConfirmationTarget {
  /** Queue (or topic) name, as the subscriber knows it. */
  readonly name: string;
  readonly topic: boolean;
  /** The caller's project (never the topic namespace). */
  readonly project: string;
  readonly subscriptionId: string;
}

/** The confirmation message, keys in upstream's order (a JSON object; webhooks get it as Python json.dumps text). */
export function confirmationDocument(
  kind: ConfirmationKind,
  target: ConfirmationTarget,
  expires: string,
  secretKey: string,
): Record<string, unknown> {
  const path = confirmPath(target.name, target.subscriptionId, target.topic);
  const unsubscribe = kind === "unsubscribe-confirmation";
  return {
    Message_Type: unsubscribe ? "UnsubscribeConfirmation" : "SubscriptionConfirmation",
    Message: unsubscribe
      ? `You have unsubscribed successfully to the queue: ${target.name}, you can resubscribe it by using confirmed=True.`
      : `You have chosen to subscribe to the queue: ${target.name}`,
    "URL-Signature": urlSignature(secretKey, { paths: [path], methods: ["PUT"], project: target.project, expires }),
    "URL-Methods": "PUT",
    "URL-Paths": path,
    "X-Project-ID": target.project,
    "URL-Expires": expires,
    SubscribeBody: { confirmed: true },
    UnsubscribeBody: { confirmed: false },
    queue_name: target.name,
  };
}

/** Python's str.format with positional fields only ({0}, {1}, ...; {{ and }} for braces). */
export function formatTemplate(template: string, args: readonly string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (whole, index: string | undefined) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    return args[Number(index)] ?? whole;
  });
}

/**
 * The link of a confirmation email (upstream's mailto task): the configured
 * page with the signed-URL facts as query parameters, not URL-encoded.
 */
export function confirmationLink(externalUrl: string, document: Record<string, unknown>, name: string): string {
  const field = (key: string): string => {
    const value = document[key];
    return typeof value === "string" ? value : "";
  };
  return (
    `${externalUrl}?Signature=${field("URL-Signature")}&Methods=${field("URL-Methods")}&Paths=${field("URL-Paths")}` +
    `&Project=${field("X-Project-ID")}&Expires=${field("URL-Expires")}&Url=${field("WSGISubscribeURL")}&Queue=${name}`
  );
}

export interface ConfirmationEmail {
  readonly from: string;
  readonly subject: string;
  readonly text: string;
}

/** The email a mailto: subscriber gets instead of the document: From, Subject and body from the template. */
export function confirmationEmail(
  kind: ConfirmationKind,
  document: Record<string, unknown>,
  target: ConfirmationTarget,
  config: NotificationConfig,
  externalUrl: string,
): ConfirmationEmail {
  const template: EmailTemplate =
    kind === "unsubscribe-confirmation" ? config.unsubscribeConfirmationEmail : config.subscriptionConfirmationEmail;
  const link = confirmationLink(externalUrl, document, target.name);
  return {
    from: template.sender,
    subject: template.topic,
    text: formatTemplate(template.body, [target.name, target.project, link]),
  };
}
