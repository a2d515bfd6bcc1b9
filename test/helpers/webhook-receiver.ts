/**
 * A real node:http server that records every request it receives (method,
 * path, raw headers in order, body bytes, arrival time) and answers each one
 * as the test's `respond` says (default 200). Listens on 127.0.0.1:0.
 *
 *   const hook = await startWebhookReceiver();
 *   ... deliver to hook.url("/path") ...
 *   const [req] = await hook.waitFor(1);
 *   await hook.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly url: string;
  /** Header names and values in the order they arrived, names as sent. */
  readonly rawHeaders: ReadonlyArray<readonly [string, string]>;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  /** performance.now() when the request had fully arrived. */
  readonly at: number;
  /** The n-th request of this receiver (0-based). */
  readonly index: number;
}

/** Decides the reply to a request; may write the response itself (then return nothing). */
export type Responder = (req: ReceivedRequest, res: ServerResponse) => void | number;

export interface WebhookReceiver {
  readonly port: number;
  /** http://127.0.0.1:<port><path> */
  url(path?: string): string;
  readonly requests: readonly ReceivedRequest[];
  /** Resolves once at least n requests have arrived (rejects after timeoutMs). */
  waitFor(n: number, timeoutMs?: number): Promise<readonly ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(respond: Responder = () => 200): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) raw.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const received: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        rawHeaders: raw,
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: performance.now(),
        index: requests.length,
      };
      requests.push(received);
      const status = respond(received, res);
      if (typeof status === "number") res.writeHead(status, { "Content-Type": "text/plain" }).end("ok");
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (path = "/") => `http://127.0.0.1:${port}${path}`,
    requests,
    async waitFor(n, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < n) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`receiver got ${requests.length} of ${n} requests in ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
