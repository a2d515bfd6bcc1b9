/**
 * The delivery tasks, one per kind of Job.delivery (notification.proto):
 * webhook (http, https and trust+http(s) subscribers, which the core renders
 * alike) and email (mailto: subscribers). The worker looks a job's task up by
 * its delivery case.
 */
import type { NotifierConfig } from "../config.ts";
import { createMailer, type EmailRequest } from "./mailto.ts";
import type { Outcome } from "./outcome.ts";
import { createWebhookSender, type WebhookRequest } from "./webhook.ts";

export interface Tasks {
  readonly webhook: (hook: WebhookRequest) => Promise<Outcome>;
  readonly email: (mail: EmailRequest) => Promise<Outcome>;
  /** Releases sockets and SMTP connections. */
  close(): void;
}

export type TaskConfig = Pick<
  NotifierConfig,
  "webhookTimeoutMs" | "webhookAllowCrossHostRedirects" | "smtpUrl" | "smtpFrom" | "smtpTimeoutMs" | "smtpConcurrency"
>;

export function createTasks(config: TaskConfig): Tasks {
  const webhook = createWebhookSender({ timeoutMs: config.webhookTimeoutMs, allowCrossHostRedirects: config.webhookAllowCrossHostRedirects });
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    defaultFrom: config.smtpFrom,
    timeoutMs: config.smtpTimeoutMs,
    connections: config.smtpConcurrency,
  });
  return {
    webhook: (hook) => webhook.send(hook),
    email: (mail) => mailer.send(mail),
    close() {
      webhook.close();
      mailer.close();
    },
  };
}
