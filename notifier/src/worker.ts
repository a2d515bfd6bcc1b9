/**
 * The lease loop: takes due jobs from the core (LeaseJobs, long-polling),
 * delivers each with its task, and reports the result: AckJobs once it is
 * delivered or given up, RetryJob with the next delay of its retry schedule
 * after a failed attempt (the attempt count travels with the job, so any
 * notifier continues its schedule).
 *
 * Concurrency is bounded per delivery kind: a lease asks for at most as many
 * jobs as there are free webhook slots, and mail jobs queue for the few SMTP
 * slots; when that queue is full, further mail jobs go back to the core for a
 * few seconds (not counted as attempts), so an SMTP server that hangs can
 * never hold up webhooks.
 *
 * stop(): no new leases; jobs a pending lease still brings are handed back at
 * once; deliveries in flight finish (bounded by their timeouts, and by drainMs),
 * then acks and retries are flushed. A notifier that dies instead leaves its
 * jobs leased; they become due again when the lease ends.
 */
import type { Job, JobsClient } from "./core-client.ts";
import { createAckBatcher } from "./acks.ts";
import { createLimiter } from "./limiter.ts";
import { events, type Logger } from "./log.ts";
import { RETRY_DEFAULTS } from "../../common/retry-policy.ts";
import { createRetrySchedule } from "./retry-schedule.ts";
import type { Tasks } from "./tasks/index.ts";
import { transient, type Outcome } from "./tasks/outcome.ts";
import { JobKind } from "../../proto/gen/zaqar/v1/notification_pb.ts";

export interface WorkerOptions {
  /** Names this notifier in the core's logs. */
  readonly workerId: string;
  /** Webhook deliveries in flight. */
  readonly concurrency: number;
  /** Most jobs per LeaseJobs call. */
  readonly leaseSize: number;
  readonly leaseSeconds: number;
  readonly leaseWaitMs: number;
  /** Mails in flight (the SMTP pool size). */
  readonly mailConcurrency: number;
  /** Factor on retry-policy delays (1 in service). */
  readonly timeScale: number;
  /** How long stop() waits for deliveries in flight. */
  readonly drainMs: number;
}

export interface WorkerDeps {
  readonly client: JobsClient;
  readonly tasks: Tasks;
  readonly log: Logger;
}

export interface WorkerStats {
  /** Whether the last LeaseJobs call succeeded (false until the first one does). */
  readonly coreReachable: boolean;
  readonly lastLeaseError: string | null;
  readonly inFlight: number;
  readonly delivered: number;
  /** Failed attempts handed back for a later one. */
  readonly retried: number;
  /** Jobs acked without delivery (policy exhausted, or a failure retrying cannot fix). */
  readonly failed: number;
  /** Jobs handed back unattempted (mail queue full, or leased during shutdown). */
  readonly handedBack: number;
}

export interface Worker {
  start(): void;
  /** Resolves true when every delivery in flight finished within drainMs. */
  stop(): Promise<boolean>;
  stats(): WorkerStats;
}

/** Mail jobs that may wait per SMTP slot before more are handed back. */
const MAIL_QUEUE_PER_SLOT = 8;
/** When a handed-back mail job is due again. */
const MAIL_BUSY_DELAY_MS = 5000;
/** Pause after handing jobs back, so a backlog of mail cannot spin the lease loop. */
const HAND_BACK_PAUSE_MS = 200;
const LEASE_BACKOFF_MS = { first: 250, max: 5000 };
/** How long the loop waits for more free slots before leasing for only a few. */
const GATHER_MS = 5;

const jobFields = (job: Job) => ({
  job: job.id,
  project: job.projectId,
  queue: job.queue,
  subscription: job.subscriptionId,
  kind: JobKind[job.kind],
  delivery: job.delivery.case,
});

export function createWorker(options: WorkerOptions, deps: WorkerDeps): Worker {
  const { client, tasks, log } = deps;
  // Per-delivery debug records are built only when they will be written.
  const debug = log.isLevelEnabled("debug");
  const webhooks = createLimiter(options.concurrency);
  const mails = createLimiter(options.mailConcurrency);
  const mailQueueLimit = options.mailConcurrency * (1 + MAIL_QUEUE_PER_SLOT);
  const acks = createAckBatcher(client, log, options.leaseSeconds * 1000);
  const calls = new Set<Promise<void>>();
  const counts = { delivered: 0, retried: 0, failed: 0, handedBack: 0 };
  let coreReachable = false;
  let lastLeaseError: string | null = null;
  let stopping = false;
  let loop: Promise<void> | null = null;
  let stopped: Promise<boolean> | null = null;
  let wake: (() => void) | null = null;

  const wakeUp = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  /** Waits ms, or less when stop() or a freed slot wakes the loop. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  function track(call: Promise<void>): void {
    calls.add(call);
    void call.finally(() => calls.delete(call));
  }

  function retryLater(job: Job, delayMs: number, attempts: number, onError: string): void {
    track(client.retry(job, delayMs, attempts).catch((err: unknown) => log.warn({ ...jobFields(job), err }, onError)));
  }

  function handBack(job: Job, delayMs: number): void {
    counts.handedBack++;
    if (debug) log.debug({ ...jobFields(job), delayMs }, events.handedBack);
    retryLater(job, delayMs, job.attempts, events.retryFailed);
  }

  function settle(job: Job, outcome: Outcome): void {
    const attempts = job.attempts + 1;
    if (outcome.delivered) {
      counts.delivered++;
      acks.add(job);
      if (debug) log.debug({ ...jobFields(job), attempts, detail: outcome.detail }, events.delivered);
      return;
    }
    if (!outcome.retry) {
      counts.failed++;
      acks.add(job);
      log.error({ ...jobFields(job), attempts, detail: outcome.detail }, events.permanentFailure);
      return;
    }
    const delayS = createRetrySchedule(job.retryPolicy ?? RETRY_DEFAULTS).delayAfter(attempts);
    if (delayS === null) {
      counts.failed++;
      acks.add(job);
      log.error({ ...jobFields(job), attempts, detail: outcome.detail }, events.gaveUp);
      return;
    }
    counts.retried++;
    const delayMs = Math.round(delayS * 1000 * options.timeScale);
    log.info({ ...jobFields(job), attempts, delayMs, detail: outcome.detail }, events.retryScheduled);
    retryLater(job, delayMs, attempts, events.retryFailed);
  }

  /** Starts a job's delivery; false when it was handed back instead. */
  function dispatch(job: Job): boolean {
    const d = job.delivery;
    const report = (o: Outcome) => settle(job, o);
    const crash = (err: unknown) => settle(job, transient(`delivery task failed: ${String(err)}`));
    switch (d.case) {
      case "webhook":
        void webhooks.run(() => tasks.webhook(d.value)).then(report, crash).finally(wakeUp);
        return true;
      case "email":
        if (mails.active + mails.waiting >= mailQueueLimit) {
          handBack(job, MAIL_BUSY_DELAY_MS);
          return false;
        }
        void mails.run(() => tasks.email(d.value)).then(report, crash);
        return true;
      default:
        counts.failed++;
        log.error(jobFields(job), events.noDelivery);
        acks.add(job);
        return true;
    }
  }

  async function run(): Promise<void> {
    let backoffMs = LEASE_BACKOFF_MS.first;
    // Under load, slots free one delivery at a time; leasing each alone would cost a
    // LeaseJobs call per job. A moment's wait lets a few free up to lease together.
    const batch = Math.min(options.leaseSize, Math.ceil(options.concurrency / 4));
    let gathered = false;
    while (!stopping) {
      const free = options.concurrency - webhooks.active - webhooks.waiting;
      if (free <= 0) {
        await pause(60_000);
        continue;
      }
      if (free < batch && !gathered) {
        gathered = true;
        await new Promise((r) => setTimeout(r, GATHER_MS));
        continue;
      }
      gathered = false;
      let jobs: Job[];
      try {
        jobs = await client.lease({
          workerId: options.workerId,
          maxJobs: Math.min(free, options.leaseSize),
          leaseSeconds: options.leaseSeconds,
          waitMs: options.leaseWaitMs,
        });
      } catch (err) {
        if (coreReachable || lastLeaseError === null) log.warn({ err }, events.leaseFailed);
        coreReachable = false;
        lastLeaseError = (err as Error).message;
        if (!stopping) await pause(backoffMs);
        backoffMs = Math.min(backoffMs * 2, LEASE_BACKOFF_MS.max);
        continue;
      }
      if (!coreReachable && lastLeaseError !== null) log.info(events.leaseRecovered);
      coreReachable = true;
      lastLeaseError = null;
      backoffMs = LEASE_BACKOFF_MS.first;
      let handedBack = 0;
      for (const job of jobs) {
        if (stopping) handBack(job, 0);
        else if (!dispatch(job)) handedBack++;
      }
      if (handedBack > 0 && !stopping) await pause(HAND_BACK_PAUSE_MS);
    }
  }

  return {
    start() {
      loop ??= run();
    },
    stop() {
      stopped ??= (async () => {
        stopping = true;
        wakeUp();
        await loop;
        let timer: NodeJS.Timeout | undefined;
        const drained = await Promise.race([
          Promise.all([webhooks.idle(), mails.idle()]).then(() => true),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(false), options.drainMs))),
        ]);
        clearTimeout(timer);
        await Promise.allSettled([...calls]);
        await acks.flush();
        return drained;
      })();
      return stopped;
    },
    stats() {
      return {
        coreReachable,
        lastLeaseError,
        inFlight: webhooks.active + webhooks.waiting + mails.active + mails.waiting,
        ...counts,
      };
    },
  };
}
