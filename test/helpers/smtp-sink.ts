/**
 * A real SMTP server for tests (the `smtp-server` package) on 127.0.0.1:0:
 * accepts every mail (or rejects recipients the test names), parses each
 * with mailparser and keeps it. STARTTLS and AUTH are off: smtp-server's
 * built-in certificate has expired, and tests need plain SMTP.
 *
 *   const smtp = await startSmtpSink();
 *   ... ZAQAR_SMTP_URL = smtp.url ...
 *   const [mail] = await smtp.waitFor(1);
 */
import { simpleParser } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  readonly envelope: { readonly from: string; readonly to: readonly string[] };
  /** Header values as parsed (decoded). */
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  /** Decoded text/plain body, without the line break SMTP ends every body with. */
  readonly text: string;
  readonly contentType: string;
  readonly raw: Buffer;
}

export interface SmtpSinkOptions {
  /** Recipients answered with 550 at RCPT TO. */
  readonly reject?: readonly string[];
}

export interface SmtpSink {
  readonly port: number;
  /** smtp://127.0.0.1:<port> */
  readonly url: string;
  readonly mails: readonly ReceivedMail[];
  /** RCPT TO commands seen, accepted or not. */
  readonly recipients: readonly string[];
  waitFor(n: number, timeoutMs?: number): Promise<readonly ReceivedMail[]>;
  close(): Promise<void>;
}

const headerText = (value: unknown): string => {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object" && "text" in value) return String((value as { text: unknown }).text);
  return String(value);
};

/** `port` 0 picks a free one; a fixed port lets a test bring a server up where a notifier already points. */
export async function startSmtpSink(options: SmtpSinkOptions = {}, port = 0): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const recipients: string[] = [];
  const reject = new Set((options.reject ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      recipients.push(address.address);
      if (reject.has(address.address.toLowerCase())) {
        const err = new Error("No such user here") as Error & { responseCode: number };
        err.responseCode = 550;
        callback(err);
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              to: headerText(parsed.to),
              from: headerText(parsed.from),
              subject: parsed.subject ?? "",
              text: (parsed.text ?? "").replace(/\n$/, ""),
              contentType: headerText(parsed.headers.get("content-type") && (parsed.headers.get("content-type") as { value: string }).value),
              raw,
            });
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  server.on("error", () => undefined);
  const actual = (server.server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `smtp://127.0.0.1:${actual}`,
    mails,
    recipients,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > deadline) throw new Error(`SMTP sink got ${mails.length} of ${n} mails in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
