/**
 * The notifier process: read config → connect to the core → lease, deliver,
 * acknowledge; SIGTERM/SIGINT stop leasing, let deliveries in flight finish
 * (or hand them back), flush acks and exit. Run several at once for more
 * throughput or redundancy: leases keep them from taking the same job.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { readNotifierConfig, redactUrl, type NotifierConfig } from "./config.ts";
import { createJobsClient } from "./core-client.ts";
import { startHealthServer, type HealthServer } from "./health.ts";
import { createLogger, events } from "./log.ts";
import { createTasks } from "./tasks/index.ts";
import { createWorker } from "./worker.ts";

let config: NotifierConfig;
try {
  config = readNotifierConfig(process.env);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
const client = createJobsClient(config.coreUrl, config.coreAuth);
const tasks = createTasks(config);
const worker = createWorker(
  {
    workerId,
    concurrency: config.concurrency,
    leaseSize: config.leaseSize,
    leaseSeconds: config.leaseSeconds,
    leaseWaitMs: config.leaseWaitMs,
    mailConcurrency: config.smtpConcurrency,
    timeScale: config.timeScale,
    // Every delivery is bounded by its own timeouts; this only guards against a stuck one.
    drainMs: Math.max(config.webhookTimeoutMs, 3 * config.smtpTimeoutMs) + 2000,
  },
  { client, tasks, log },
);

let stopping = false;
let health: HealthServer | null = null;
if (config.healthListen) {
  health = await startHealthServer(config.healthListen, () => ({ ...worker.stats(), stopping }));
  log.info({ ...health.address }, `${events.healthListening} on http://${health.address.host}:${health.address.port}/health`);
}
worker.start();
log.info(
  {
    workerId,
    core: config.coreUrl,
    smtp: redactUrl(config.smtpUrl),
    concurrency: config.concurrency,
    leaseSize: config.leaseSize,
    leaseSeconds: config.leaseSeconds,
    ...(config.timeScale !== 1 ? { timeScale: config.timeScale } : {}),
  },
  events.started,
);

const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, events.stopping);
  worker
    .stop()
    .then(async (drained) => {
      if (!drained) log.warn(events.drainTimeout);
      tasks.close();
      client.close();
      await health?.close();
      log.info(worker.stats(), events.stopped);
      process.exit(0);
    })
    .catch((err: unknown) => {
      log.error({ err }, "notifier failed to stop cleanly");
      process.exit(1);
    });
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
