/**
 * Wires the core from its parts: storage → handlers → dispatcher → servers.
 * main.ts and the tests both start the core through here.
 */
import type { Logger } from "pino";
import { systemClock, type Clock } from "./clock.ts";
import type { CoreConfig } from "./config.ts";
import { confirmationEnabled } from "./service/confirmation.ts";
import { createHandlers } from "./service/handlers.ts";
import { createJobSignal } from "./service/job-signal.ts";
import { createMessageCrypto } from "./service/message-crypto.ts";
import { createNotificationHandlers } from "./service/notifications.ts";
import { createPushService } from "./service/push.ts";
import { createPushSignal } from "./service/push-signal.ts";
import { createQueueCache } from "./service/queue-cache.ts";
import { createStorage } from "./storage/index.ts";
import type { StorageDriver } from "./storage/driver.ts";
import { createConnectServer } from "./transport/connect-server.ts";
import { createDispatcher, loggedNotifications } from "./transport/dispatch.ts";
import { createGrpcServer } from "./transport/grpc-server.ts";

export interface RunningCore {
  readonly grpcPort: number;
  /** null when the Connect listener is off. */
  readonly connectPort: number | null;
  readonly driver: StorageDriver;
  /** WatchMessages streams open right now. */
  readonly watches: () => number;
  /** Stops accepting calls, lets in-flight ones finish, then closes storage. */
  close(): Promise<void>;
}

export interface CoreDeps {
  readonly log: Logger;
  readonly clock?: Clock;
  /** A ready driver (tests); otherwise one is built from the config. */
  readonly driver?: StorageDriver;
}

export async function startCore(config: CoreConfig, deps: CoreDeps): Promise<RunningCore> {
  const clock = deps.clock ?? systemClock;
  const driver = deps.driver ?? (await createStorage(config, clock, deps.log));
  const crypto = createMessageCrypto(config.messageEncryptionKey, deps.log);
  const jobSignal = createJobSignal();
  const pushSignal = createPushSignal();
  const serviceDeps = {
    driver,
    clock,
    limits: config.limits,
    cache: createQueueCache(driver),
    crypto,
    log: deps.log,
    notification: config.notification,
    jobSignal,
    pushSignal,
  };
  const dispatcher = createDispatcher(createHandlers(serviceDeps), config, deps.log);
  const notifications = loggedNotifications(createNotificationHandlers(serviceDeps), deps.log);
  if (config.notification.requireConfirmation && !confirmationEnabled(config.notification)) {
    deps.log.warn("ZAQAR_REQUIRE_CONFIRMATION is on but ZAQAR_SIGNED_URL_SECRET_KEY is unset: no confirmation messages are sent");
  }

  const push = createPushService({ driver, clock, limits: config.limits, crypto, signal: pushSignal, rules: config });
  const grpc = createGrpcServer(dispatcher, notifications, push, deps.log, config.coreAuth);
  const grpcPort = await grpc.listen(config.grpcListen.host, config.grpcListen.port);
  const connect = config.connectListen ? createConnectServer(dispatcher, notifications, push, deps.log, config.coreAuth) : null;
  const connectPort = connect && config.connectListen ? await connect.listen(config.connectListen.host, config.connectListen.port) : null;

  return {
    grpcPort,
    connectPort,
    driver,
    watches: () => push.open,
    async close() {
      // Waiting LeaseJobs calls answer at once instead of holding the shutdown up.
      jobSignal.close();
      // WatchMessages streams end (UNAVAILABLE: resume elsewhere with the last marker).
      push.close();
      await Promise.all([grpc.close(), connect?.close()]);
      await driver.close();
    },
  };
}
