/**
 * The WebSocket edge process: read config → create → listen → on SIGTERM,
 * close every socket with a close frame (1001) and exit.
 */
import { readWsEdgeConfig, type WsEdgeConfig } from "./config.ts";
import { createLogger } from "./log.ts";
import { createWsEdge } from "./server.ts";

let config: WsEdgeConfig;
try {
  config = readWsEdgeConfig(process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
const edge = createWsEdge(config, { log });
const address = await edge.listen();
log.info(
  { ...address, core: config.coreUrl, maxFrameBytes: config.maxFrameBytes, maxInFlight: config.maxInFlight, idleTimeoutMs: config.idleTimeoutMs },
  `edge-ws listening on ws://${address.host}:${address.port}/`,
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "edge-ws stopping: closing sockets");
  edge.close().then(
    () => {
      log.info("edge-ws stopped");
      process.exit(0);
    },
    (err: unknown) => {
      log.error({ err }, "edge-ws failed to stop cleanly");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
