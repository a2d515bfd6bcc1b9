/**
 * NotificationService handlers (proto/zaqar/v1/notification.proto): notifier
 * workers lease rendered jobs (job-render.ts), ack them, or hand them back.
 *
 * LeaseJobs long-polls: when no job is due it polls storage every POLL_MS
 * until `wait_ms` has passed, and wakes at once when this core records jobs
 * (job-signal.ts). These calls carry no project: they serve internal
 * workers across every tenant.
 */
import { create } from "@bufbuild/protobuf";
import {
  AckJobsResponseSchema,
  LeaseJobsResponseSchema,
  RetryJobResponseSchema,
  type AckJobsRequest,
  type AckJobsResponse,
  type Job,
  type LeaseJobsRequest,
  type LeaseJobsResponse,
  type RetryJobRequest,
  type RetryJobResponse,
} from "../../../proto/gen/zaqar/v1/notification_pb.js";
import type { LeasedJob, QueueMetadata } from "../storage/driver.ts";
import type { ServiceDeps } from "./deps.ts";
import { renderJob } from "./job-render.ts";
import { invalid } from "./validate.ts";

export interface NotificationHandlers {
  /** `signal` aborts the wait when the caller goes away. */
  leaseJobs(req: LeaseJobsRequest, signal?: AbortSignal): Promise<LeaseJobsResponse>;
  ackJobs(req: AckJobsRequest): Promise<AckJobsResponse>;
  retryJob(req: RetryJobRequest): Promise<RetryJobResponse>;
}

/** Storage poll interval of a waiting LeaseJobs. */
export const POLL_MS = 75;
const MAX_JOBS = 1000;
const MAX_LEASE_SECONDS = 3600;
const MAX_WAIT_MS = 30_000;

const range = (value: number, min: number, max: number, field: string): void => {
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(`${field} must be at least ${min} and at most ${max}.`);
};

export function createNotificationHandlers(deps: ServiceDeps): NotificationHandlers {
  const { driver, jobSignal, log } = deps;

  /** The jobs rendered against their queues' metadata (read once per queue); undeliverable ones are acked. */
  async function render(leased: readonly LeasedJob[]): Promise<Job[]> {
    const metadata = new Map<string, Promise<QueueMetadata>>();
    const metaOf = (job: LeasedJob): Promise<QueueMetadata> => {
      const key = `${job.scope.project}\u0000${job.scope.queue}`;
      let found = metadata.get(key);
      if (found === undefined) {
        found = driver.queues.info(job.scope).then((info) => info.metadata);
        metadata.set(key, found);
      }
      return found;
    };
    const metas = await Promise.all(leased.map(metaOf));
    const jobs: Job[] = [];
    const dropped: Array<{ id: string; leaseId: string }> = [];
    leased.forEach((job, i) => {
      jobSignal.watch(job.scope);
      const rendered = renderJob(job, metas[i] as QueueMetadata, deps);
      if (rendered === null) dropped.push({ id: job.id, leaseId: job.leaseId });
      else jobs.push(rendered);
    });
    if (dropped.length > 0) await driver.jobs.ack(dropped);
    return jobs;
  }

  return {
    async leaseJobs(req, signal) {
      range(req.maxJobs, 1, MAX_JOBS, "max_jobs");
      range(req.leaseSeconds, 1, MAX_LEASE_SECONDS, "lease_seconds");
      range(req.waitMs, 0, MAX_WAIT_MS, "wait_ms");
      const deadline = Date.now() + req.waitMs;
      for (;;) {
        const leased = await driver.jobs.lease({ max: req.maxJobs, leaseMs: req.leaseSeconds * 1000 });
        if (leased.length > 0) {
          const jobs = await render(leased);
          if (jobs.length > 0) {
            log.debug({ worker: req.workerId, jobs: jobs.length }, "jobs leased");
            return create(LeaseJobsResponseSchema, { jobs });
          }
          continue; // all were undeliverable and acked: more may be due
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0 || jobSignal.closed || signal?.aborted) return create(LeaseJobsResponseSchema, {});
        await jobSignal.wait(Math.min(remaining, POLL_MS), signal);
      }
    },

    async ackJobs(req) {
      if (req.jobs.length > 0) await driver.jobs.ack(req.jobs.map((j) => ({ id: j.id, leaseId: j.leaseId })));
      return create(AckJobsResponseSchema, {});
    },

    async retryJob(req) {
      if (req.job === undefined) throw invalid("job is required.");
      if (req.delayMs < 0) throw invalid("delay_ms must be at least 0.");
      if (req.attempts < 0) throw invalid("attempts must be at least 0.");
      await driver.jobs.retry({ id: req.job.id, leaseId: req.job.leaseId }, { delayMs: req.delayMs, attempts: req.attempts });
      return create(RetryJobResponseSchema, {});
    },
  };
}
