/** The core process: read config, start, report where it listens, drain on SIGTERM. */
import { DEFAULT_MESSAGE_ENCRYPTION_KEY, readCoreConfig } from "./config.ts";
import { startCore } from "./core.ts";
import { createLogger } from "./log.ts";

const config = readCoreConfig();
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
