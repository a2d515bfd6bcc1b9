/**
 * Email delivery (mailto: subscribers, rest-subscriptions-notifications.md
 * §3.3 and the confirmation mails of §4) through one pooled nodemailer SMTP
 * transport to the server of ZAQAR_SMTP_URL. The core renders To, From,
 * Subject and the text/plain body; an empty From gets the configured sender.
 *
 * The spec says email is not retried. We retry only when the SMTP server
 * could not be reached (connection refused/reset, DNS, timeouts, a 421
 * "service not available"), on the job's retry schedule, because that loses
 * mail for nobody's fault; a server that answered and rejected the mail
 * (bad recipient, 5xx, TLS or auth failures) is final.
 */
import nodemailer from "nodemailer";
import type { NodemailerError } from "nodemailer/lib/errors";
import { delivered, permanent, transient, type Outcome } from "./outcome.ts";

/** A rendered email delivery (Email in notification.proto). */
export interface EmailRequest {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
}

export interface MailerOptions {
  /** nodemailer connection URL: smtp://host:port, smtps://user:pass@host:465, with query options. */
  readonly smtpUrl: string;
  /** Sender when a job names none. */
  readonly defaultFrom: string;
  /** Connect, greeting and idle-socket timeout; one mail may take at most 3 times this. */
  readonly timeoutMs: number;
  /** Pooled SMTP connections. */
  readonly connections: number;
}

export interface Mailer {
  send(email: EmailRequest): Promise<Outcome>;
  close(): void;
}

/** Socket-level causes that mean "not reachable right now" (TLS and certificate errors are not among them). */
const NETWORK = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENOTFOUND"]);

/** Whether a failed send means the SMTP server could not be reached (so a later attempt may pass). */
export function unreachable(err: NodemailerError): boolean {
  if (err.responseCode === 421) return true;
  switch (err.code) {
    case "ECONNECTION":
    case "ETIMEDOUT":
    case "EDNS":
    case "EABORT": // our own per-mail deadline: the server took too long
      return true;
    case "ESOCKET":
      return NETWORK.has(err.originalCode ?? "");
    default:
      return false;
  }
}

export function createMailer(options: MailerOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: options.smtpUrl,
    pool: true,
    maxConnections: options.connections,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    dnsTimeout: options.timeoutMs,
    // A pool that cannot connect must fail its mails now, not requeue them behind our back.
    maxRequeues: 0,
  });
  // The pool reports idle-connection errors here; per-mail errors come back from sendMail.
  transport.on("error", () => undefined);

  return {
    async send(email) {
      if (email.to === "") return permanent("no recipient");
      try {
        const info = await transport.sendMail({
          to: email.to,
          from: email.from === "" ? options.defaultFrom : email.from,
          subject: email.subject,
          text: email.text,
          signal: AbortSignal.timeout(3 * options.timeoutMs),
        });
        return delivered(`SMTP accepted ${info.accepted.length} recipient(s)`);
      } catch (err) {
        const e = err as NodemailerError;
        // Codes only: server replies and messages may quote the recipient.
        const detail = [e.code, e.originalCode, e.responseCode, e.command].filter((x) => x !== undefined).join(" ") || e.name;
        return unreachable(e) ? transient(`SMTP server unreachable (${detail})`) : permanent(`SMTP refused the mail (${detail})`);
      }
    },
    close() {
      transport.close();
    },
  };
}
