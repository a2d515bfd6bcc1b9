/**
 * The REST edge: a node:http server translating Zaqar v2 REST into core
 * operations. Stateless; everything it knows comes from the request.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { RestEdgeConfig } from "./config.ts";
import { createKeystoneValidator, type TokenValidator } from "../../common/auth/keystone.ts";
import { createRestAuth } from "./auth.ts";
import { createCoreClient, type CoreClient } from "./core-client.ts";
import { createDispatcher } from "./dispatch.ts";
import { createLogger } from "./log.ts";
import type { Route } from "./route.ts";
import { claimRoutes } from "./routes/v2/claims.ts";
import { flavorRoutes } from "./routes/v2/flavors.ts";
import { adminRoutes, pingRoutes } from "./routes/v2/health.ts";
import { homeRoutes } from "./routes/v2/home.ts";
import { messageRoutes } from "./routes/v2/messages.ts";
import { poolRoutes } from "./routes/v2/pools.ts";
import { queueRoutes } from "./routes/v2/queues.ts";
import { shareRoutes } from "./routes/v2/share.ts";
import { subscriptionRoutes } from "./routes/v2/subscriptions.ts";
import { topicRoutes } from "./routes/v2/topics.ts";

export interface RestEdgeDeps {
  /** Root logger; one is made from config.logLevel otherwise. */
  readonly log?: Logger;
  /** A core client to share; otherwise the edge opens (and closes) its own to config.coreUrl. */
  readonly core?: CoreClient;
  /** A token validator to share (keystone auth); otherwise the edge makes (and closes) its own from config.auth. */
  readonly validator?: TokenValidator;
}

export interface RestEdge {
  /** Starts listening on config.listen; answers the bound address. */
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting, lets in-flight requests finish, then closes the core channel (if the edge opened it). */
  close(): Promise<void>;
}

/** How long close() waits for in-flight requests before cutting connections. */
const DRAIN_MS = 10_000;

/**
 * The route table. The admin API (health) needs admin mode; pools and
 * flavors need pooling too, and answer 404 otherwise, as in Zaqar (whose
 * home document still lists them in admin mode).
 */
export function restRoutes(adminMode: boolean, pooling = false): readonly Route[] {
  return [
    ...homeRoutes(adminMode),
    ...queueRoutes,
    ...shareRoutes,
    ...messageRoutes,
    ...claimRoutes,
    ...subscriptionRoutes,
    ...topicRoutes,
    ...pingRoutes,
    ...(adminMode ? adminRoutes : []),
    ...(adminMode && pooling ? [...poolRoutes, ...flavorRoutes] : []),
  ];
}

export function createRestEdge(config: RestEdgeConfig, deps: RestEdgeDeps = {}): RestEdge {
  const log = deps.log ?? createLogger(config.logLevel);
  const core = deps.core ?? createCoreClient({ address: config.coreUrl, auth: config.coreAuth });
  const validator = config.auth.strategy === "keystone" ? (deps.validator ?? createKeystoneValidator(config.auth.keystone, { log })) : undefined;
  const auth = createRestAuth(config.auth, validator);
  let closing = false;
  const dispatch = createDispatcher({ routes: restRoutes(config.adminMode, config.pooling === true), core, auth, log, closing: () => closing });
  const server: Server = createServer({ keepAlive: true }, dispatch);

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.listen.port, config.listen.host, () => {
          server.off("error", reject);
          const addr = server.address() as AddressInfo;
          resolve({ host: addr.address, port: addr.port });
        });
      });
    },
    async close() {
      if (closing) return;
      closing = true;
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        // Idle keep-alive connections would hold close() open; busy ones get
        // "connection: close" on their last response (see dispatch).
        server.closeIdleConnections();
      });
      if (deps.core === undefined) core.close();
      if (deps.validator === undefined) validator?.close();
    },
  };
}
