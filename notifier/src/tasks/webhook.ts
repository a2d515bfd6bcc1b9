/**
 * Webhook delivery: POST the job's body with the job's headers to its URL
 * (rest-subscriptions-notifications.md §3.1). Delivered = the final status is
 * 2xx or 3xx; connection errors, timeouts and any other status are transient
 * (the worker retries them on the job's schedule, upstream's "no retry on a
 * first 5xx" being a bug the spec lets us fix).
 *
 * Built on node:http/https rather than fetch (undici): the receiver gets
 * exactly the job's headers plus Host, Content-Length, Connection and a
 * User-Agent (fetch adds browser headers such as sec-fetch-mode and
 * accept-language), every redirect hop is decided here (fetch's "manual"
 * mode is shaped for browsers), and keep-alive sockets are pooled per
 * receiver by an Agent we size and close.
 *
 * Redirects: at most MAX_REDIRECTS hops, each checked against the original
 * URL: the same host (hostname and effective port) is followed; another host
 * only with allowCrossHostRedirects, and then without credential headers
 * (Authorization, X-Auth-Token, Cookie, Proxy-Authorization). 307/308 repeat
 * the POST with its body; 301/302/303 continue as a GET without body, as
 * HTTP clients (Python requests in upstream Zaqar, fetch) do. A refused
 * redirect or a redirect loop is permanent: the same attempt would meet it again.
 *
 * The timeout covers one attempt, all hops included, up to the final
 * response headers; the response body is read and dropped (within the same
 * timeout) so the socket can be reused.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { delivered, permanent, transient, type Outcome } from "./outcome.ts";

/** A rendered webhook delivery (Webhook in notification.proto). */
export interface WebhookRequest {
  readonly url: string;
  readonly headers: { readonly [name: string]: string };
  readonly body: Uint8Array;
}

export interface WebhookSenderOptions {
  /** One attempt, redirects included, up to the final response headers. */
  readonly timeoutMs: number;
  /** Follow redirects to another host:port. */
  readonly allowCrossHostRedirects: boolean;
  /** Sent when the job's headers carry no User-Agent. */
  readonly userAgent?: string;
}

export interface WebhookSender {
  send(hook: WebhookRequest): Promise<Outcome>;
  /** Closes pooled sockets. */
  close(): void;
}

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIALS = ["authorization", "x-auth-token", "cookie", "proxy-authorization"];
/** Idle keep-alive sockets are closed before Node servers' default 5 s keepAliveTimeout would. */
const IDLE_SOCKET_MS = 4000;

interface Hop {
  readonly url: URL;
  readonly method: "POST" | "GET";
  readonly headers: OutgoingHttpHeaders;
  readonly body: Uint8Array | null;
}

type HopResult = { readonly response: IncomingMessage } | { readonly error: Error };

/** One delivery attempt: whether its timer fired, and the request it has open. */
interface Attempt {
  timedOut: boolean;
  req: ClientRequest | null;
}

const effectivePort = (u: URL): string => u.port || (u.protocol === "https:" ? "443" : "80");
const sameHost = (a: URL, b: URL): boolean => a.hostname.toLowerCase() === b.hostname.toLowerCase() && effectivePort(a) === effectivePort(b);

function errorText(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${err.message}` : err.message;
}

export function createWebhookSender(options: WebhookSenderOptions): WebhookSender {
  const agents = {
    "http:": new HttpAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
    "https:": new HttpsAgent({ keepAlive: true, timeout: IDLE_SOCKET_MS }),
  };
  const userAgent = options.userAgent ?? "zaqar-ts-notifier";

  /** One request; a reused keep-alive socket the receiver had just closed gets one fresh try. */
  function hop(h: Hop, attempt: Attempt, fresh = false): Promise<HopResult> {
    return new Promise((resolve) => {
      const make = h.url.protocol === "https:" ? httpsRequest : httpRequest;
      let req: ClientRequest;
      try {
        req = make(h.url, { method: h.method, headers: h.headers, agent: agents[h.url.protocol as "http:" | "https:"] });
      } catch (err) {
        // Invalid header names/values are rejected before anything is sent.
        resolve({ error: err as Error });
        return;
      }
      attempt.req = req;
      req.once("response", (response) => resolve({ response }));
      req.once("error", (error) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (!fresh && req.reusedSocket && (code === "ECONNRESET" || code === "EPIPE") && !attempt.timedOut) {
          resolve(hop(h, attempt, true));
        } else resolve({ error });
      });
      req.end(h.body ?? undefined);
    });
  }

  async function send(hook: WebhookRequest): Promise<Outcome> {
    let url: URL;
    try {
      url = new URL(hook.url);
    } catch {
      return permanent("invalid webhook URL");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return permanent(`unsupported scheme ${url.protocol}`);
    const origin = url;

    const headers: OutgoingHttpHeaders = {};
    let hasUserAgent = false;
    for (const name in hook.headers) {
      headers[name] = hook.headers[name];
      if (name.toLowerCase() === "user-agent") hasUserAgent = true;
    }
    if (!hasUserAgent) headers["User-Agent"] = userAgent;
    headers["Content-Length"] = String(hook.body.byteLength);

    // One timer per attempt (cheaper than an AbortSignal per request): it cuts whatever request is open.
    const attempt: Attempt = { timedOut: false, req: null };
    const timer = setTimeout(() => {
      attempt.timedOut = true;
      attempt.req?.destroy();
    }, options.timeoutMs);
    let current: Hop = { url, method: "POST", headers, body: hook.body };
    try {
      for (let redirects = 0; ; redirects++) {
        const result = await hop(current, attempt);
        if ("error" in result) {
          if (attempt.timedOut) return transient(`timed out after ${options.timeoutMs} ms`);
          const code = (result.error as NodeJS.ErrnoException).code;
          if (code === "ERR_INVALID_CHAR" || code === "ERR_INVALID_HTTP_TOKEN" || code === "ERR_HTTP_INVALID_HEADER_VALUE") {
            return permanent(`invalid request header: ${result.error.message}`);
          }
          return transient(errorText(result.error));
        }
        const { response } = result;
        const status = response.statusCode ?? 0;
        const location = response.headers.location;
        if (!REDIRECTS.has(status) || location === undefined) {
          // Decided on the status. The body is read and dropped before answering, so
          // the keep-alive socket is back in the pool for the next delivery; a body
          // still trickling when the timer fires is cut off then, without changing the outcome.
          response.resume();
          await drained(response);
          // Node hands the socket back to the agent a moment after 'end'.
          await new Promise((resolve) => setImmediate(resolve));
          if (status >= 200 && status < 400) return delivered(`HTTP ${status}`);
          return transient(`HTTP ${status}`);
        }
        response.resume();
        if (redirects >= MAX_REDIRECTS) return permanent(`more than ${MAX_REDIRECTS} redirects`);
        let next: URL;
        try {
          next = new URL(location, current.url);
        } catch {
          return permanent(`HTTP ${status} with an invalid Location`);
        }
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          return permanent(`HTTP ${status} redirect to unsupported scheme ${next.protocol}`);
        }
        const crossHost = !sameHost(next, origin);
        if (crossHost && !options.allowCrossHostRedirects) {
          return permanent(`HTTP ${status} redirect to another host (${next.host}) refused`);
        }
        current = redirectHop(current, status, next, crossHost);
      }
    } catch (err) {
      return transient(errorText(err as Error));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    send,
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}

/** Resolves when the response body has been read to its end, or the response was cut off (the attempt's timer). */
function drained(response: IncomingMessage): Promise<void> {
  if (response.complete || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once("end", resolve);
    response.once("close", resolve);
  });
}

/** The request a redirect leads to. */
function redirectHop(previous: Hop, status: number, url: URL, crossHost: boolean): Hop {
  const headers: OutgoingHttpHeaders = {};
  const keepBody = status === 307 || status === 308;
  for (const [name, value] of Object.entries(previous.headers)) {
    const lower = name.toLowerCase();
    if (!keepBody && (lower === "content-type" || lower === "content-length")) continue;
    if (crossHost && CREDENTIALS.includes(lower)) continue;
    headers[name] = value;
  }
  return keepBody ? { url, method: previous.method, headers, body: previous.body } : { url, method: "GET", headers, body: null };
}
