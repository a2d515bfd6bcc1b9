/**
 * Socket notifications (websocket.md §6): the tiny HTTP listener the notifier
 * posts webhooks to for subscriptions created over a socket without a
 * `subscriber`. `POST /<connection id>` pushes the raw body to that
 * connection as an unsolicited frame and answers 200; other methods 405, a
 * post without Content-Length 400, an unknown connection 400.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { HostPort } from "./config.ts";

/** Delivers one notification body to a connection; false when there is none by that id. */
export type Deliver = (connectionId: string, body: Buffer) => boolean;

export interface NotifyListener {
  listen(): Promise<HostPort>;
  close(): Promise<void>;
}

/** Webhook bodies are small JSON documents; anything bigger is refused, not buffered. */
const MAX_BODY = 1 << 20;

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function createNotifyListener(listen: HostPort, deliver: Deliver): NotifyListener {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return reply(res, 405, "Not Allowed");
    const length = Number(req.headers["content-length"]);
    if (req.headers["content-length"] === undefined || !Number.isSafeInteger(length) || length > MAX_BODY) {
      req.resume();
      return reply(res, 400, "Bad Request");
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const id = (req.url ?? "/").slice(1).split("?")[0] ?? "";
      if (!deliver(id, Buffer.concat(chunks))) return reply(res, 400, "Bad Request");
      reply(res, 200, "OK");
    });
  });
  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(listen.port, listen.host, () => {
          server.off("error", reject);
          const a = server.address() as AddressInfo;
          resolve({ host: a.address, port: a.port });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
