/**
 * The REST edge process: read config → create → listen → drain on SIGTERM/SIGINT.
 */
import { createRestEdge } from "./app.ts";
import { readRestEdgeConfig, type RestEdgeConfig } from "./config.ts";
import { createLogger } from "./log.ts";

let config: RestEdgeConfig;
try {
  config = readRestEdgeConfig(process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
const edge = createRestEdge(config, { log });
const address = await edge.listen();
log.info({ ...address, core: config.coreUrl, adminMode: config.adminMode }, `edge-rest listening on http://${address.host}:${address.port}`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "edge-rest stopping: draining in-flight requests");
  edge.close().then(
    () => {
      log.info("edge-rest stopped");
      process.exit(0);
    },
    (err: unknown) => {
      log.error({ err }, "edge-rest failed to stop cleanly");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
