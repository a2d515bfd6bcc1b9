/** The core process: read config, start, report where it listens, drain on SIGTERM. */
import { DEFAULT_MESSAGE_ENCRYPTION_KEY, readCoreConfig, type CoreConfig } from "./config.ts";
import { startCore } from "./core.ts";
import { createLogger } from "./log.ts";

let config: CoreConfig;
try {
  config = readCoreConfig();
} catch (err) {
  // The message lists every problem; a stack trace would only bury it.
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}
const log = createLogger(config.logLevel);
if (config.messageEncryptionKey === DEFAULT_MESSAGE_ENCRYPTION_KEY) {
  log.warn(
    "ZAQAR_MESSAGE_ENCRYPTION_KEY is upstream's public default: queues with _enable_encrypt_messages are not protected until you set your own",
  );
}

try {
  const core = await startCore(config, { log });
  log.info(
    {
      store: config.store,
      grpc: `${config.grpcListen.host}:${core.grpcPort}`,
      connect: core.connectPort === null ? null : `${config.connectListen?.host}:${core.connectPort}`,
      // Whether callers must authenticate (never the secret itself).
      callerSecret: Boolean(config.coreAuth?.secret),
      mutualTls: config.coreAuth?.tls ? config.coreAuth.tls.files : false,
    },
    "core listening",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "core shutting down");
    core.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, "core shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
} catch (err) {
  log.fatal({ err }, "core failed to start");
  process.exit(1);
}
