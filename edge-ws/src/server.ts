/**
 * The WebSocket edge: one HTTP server whose upgrades (any path, as Zaqar)
 * become sessions, and whose GET /health answers whether the core (and its
 * storage) is reachable. No state beyond the open sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { createKeystoneValidator, type TokenValidator } from "../../common/auth/keystone.ts";
import { createCoreClient, type CallContextInit, type CoreClient } from "../../edge-rest/src/core-client.ts";
import type { HostPort, WsEdgeConfig } from "./config.ts";
import type { Logger } from "./log.ts";
import { createNotifyListener } from "./notify.ts";
import { createPushClient } from "./push-client.ts";
import { startSession, type Session } from "./session.ts";

export interface WsEdge {
  /** Starts listening; resolves with the bound address (port 0 picks one). */
  listen(): Promise<HostPort>;
  /** Stops accepting, sends every socket a close frame (1001), and closes the core client. */
  close(): Promise<void>;
}

export interface WsEdgeDeps {
  readonly log: Logger;
  /** A core client to use instead of one created from config.coreUrl (closed by close() either way). */
  readonly core?: CoreClient;
  /** A token validator to share (keystone auth); otherwise the edge makes (and closes) its own from config.auth. */
  readonly validator?: TokenValidator;
  /** The clock for token and signed-URL expiry (tests move it); Date.now otherwise. */
  readonly now?: () => number;
}

// No client id at all: one that is sent is checked, even when empty.
const HEALTH_CTX = { projectId: "edge-ws-health", requestId: "health", roles: [] } as unknown as CallContextInit;

export function createWsEdge(config: WsEdgeConfig, deps: WsEdgeDeps): WsEdge {
  const { log } = deps;
  const core = deps.core ?? createCoreClient({ address: config.coreUrl, auth: config.coreAuth });
  const push = createPushClient(config.coreUrl, config.coreAuth);
  const validator = config.auth.strategy === "keystone" ? (deps.validator ?? createKeystoneValidator(config.auth.keystone, { log })) : undefined;
  const auth = { config: config.auth, validator, ...(deps.now ? { now: deps.now } : {}) };
  const sessions = new Map<string, Session>();
  let notifyBase = "";
  const notifyListener = createNotifyListener(config.notifyListen, (connectionId, body) => {
    const session = sessions.get(connectionId);
    if (session === undefined) return false;
    session.notify(body);
    return true;
  });

  async function health(res: ServerResponse): Promise<void> {
    let ok = false;
    try {
      ok = (await core.call(HEALTH_CTX, "ping", {})).storageReachable;
    } catch (err) {
      log.warn({ err }, "health check: core unreachable");
    }
    res.writeHead(ok ? 200 : 503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: ok ? "ok" : "unavailable" }));
  }

  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url === "/health") {
      void health(res);
      return;
    }
    res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" });
    res.end("This is a WebSocket endpoint (Zaqar's WebSocket API).\n");
  });

  // maxPayload: a bigger frame closes the socket with 1009 (ws does it while reading).
  const wss = new WebSocketServer({ server: http, maxPayload: config.maxFrameBytes, perMessageDeflate: false });
  wss.on("connection", (socket) => {
    const session = startSession(socket, { core, push, log, limits: config, notifyBase, auth });
    sessions.set(session.id, session);
    socket.on("close", () => sessions.delete(session.id));
  });
  wss.on("error", (err) => log.error({ err }, "WebSocket server error"));

  return {
    async listen() {
      const n = await notifyListener.listen();
      const host = config.notifyHost ?? n.host;
      notifyBase = `http://${host.includes(":") ? `[${host}]` : host}:${n.port}/`;
      log.info({ notify: notifyBase }, "socket notifications listener ready");
      return new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(config.listen.port, config.listen.host, () => {
          http.off("error", reject);
          const a = http.address() as AddressInfo;
          resolve({ host: a.address, port: a.port });
        });
      });
    },
    async close() {
      // Stop taking connections first, then say goodbye to the open ones.
      http.removeAllListeners("upgrade");
      const open = [...sessions.values()];
      await Promise.all(open.map((s) => s.close(1001, "Server shutting down")));
      // Their subscriptions are deleted through the core before it is let go.
      await Promise.race([Promise.all(open.map((s) => s.cleaned)), new Promise((r) => setTimeout(r, 5000).unref())]);
      await notifyListener.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
      push.close();
      core.close();
      if (deps.validator === undefined) validator?.close();
    },
  };
}
