/**
 * The notifier's client of the core's NotificationService (notification.proto):
 * three unary calls over one long-lived grpc-js HTTP/2 channel, encoded with
 * the generated binary codecs. Failures reject with CoreCallError (gRPC
 * status code and details); grpc-js reconnects to a restarted core by itself.
 */
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { CoreAuth } from "../../common/core-auth.ts";
import { createCoreChannel } from "../../common/core-channel.ts";
import {
  decodeAckJobsResponse,
  decodeLeaseJobsResponse,
  decodeRetryJobResponse,
  encodeAckJobsRequest,
  encodeLeaseJobsRequest,
  encodeRetryJobRequest,
} from "../../proto/gen/zaqar/v1/notification_codec.ts";
import {
  AckJobsRequestSchema,
  LeaseJobsRequestSchema,
  RetryJobRequestSchema,
  type Job,
} from "../../proto/gen/zaqar/v1/notification_pb.ts";

export type { Job };

/** Names one leased job. */
export interface JobRef {
  readonly id: string;
  readonly leaseId: string;
}

export interface LeaseRequest {
  readonly workerId: string;
  readonly maxJobs: number;
  readonly leaseSeconds: number;
  readonly waitMs: number;
}

export interface JobsClient {
  lease(req: LeaseRequest): Promise<Job[]>;
  ack(jobs: readonly JobRef[]): Promise<void>;
  retry(job: JobRef, delayMs: number, attempts: number): Promise<void>;
  close(): void;
}

export class CoreCallError extends Error {
  override readonly name = "CoreCallError";
  readonly code: number;
  constructor(method: string, status: grpc.ServiceError) {
    super(`${method}: ${grpc.status[status.code] ?? status.code} ${status.details}`, { cause: status });
    this.code = status.code;
  }
}

const SERVICE = "/zaqar.v1.NotificationService/";
/** Deadline of ack and retry calls; lease calls add their wait. */
const CALL_TIMEOUT_MS = 10_000;

/** A client of the core at `address` (host:port), authenticated by `auth` (config.coreAuth). */
export function createJobsClient(address: string, auth?: CoreAuth): JobsClient {
  const client = createCoreChannel(address, auth, {
    // A notifier often starts before the core, or outlives a core restart: reconnect
    // within seconds rather than grpc-js's default backoff of up to two minutes.
    "grpc.initial_reconnect_backoff_ms": 250,
    "grpc.max_reconnect_backoff_ms": 5000,
  });

  function unary<Req, Res>(method: string, encode: (m: Req) => Buffer, decode: (b: Buffer) => Res, req: Req, timeoutMs: number): Promise<Res> {
    return new Promise((resolve, reject) => {
      client.makeUnaryRequest(
        SERVICE + method,
        encode,
        decode,
        req,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res?: Res) => {
          if (err) reject(new CoreCallError(method, err));
          else resolve(res as Res);
        },
      );
    });
  }

  return {
    async lease(req) {
      const res = await unary("LeaseJobs", encodeLeaseJobsRequest, decodeLeaseJobsResponse, create(LeaseJobsRequestSchema, req), req.waitMs + CALL_TIMEOUT_MS);
      return res.jobs;
    },
    async ack(jobs) {
      const req = create(AckJobsRequestSchema, { jobs: jobs.map((j) => ({ id: j.id, leaseId: j.leaseId })) });
      await unary("AckJobs", encodeAckJobsRequest, decodeAckJobsResponse, req, CALL_TIMEOUT_MS);
    },
    async retry(job, delayMs, attempts) {
      const req = create(RetryJobRequestSchema, { job: { id: job.id, leaseId: job.leaseId }, delayMs, attempts });
      await unary("RetryJob", encodeRetryJobRequest, decodeRetryJobResponse, req, CALL_TIMEOUT_MS);
    },
    close() {
      client.close();
    },
  };
}
