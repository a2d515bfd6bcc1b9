/**
 * Probes for the core's caller authentication: one call of each kind — a
 * unary call (HealthService.Ping), a BatchService.ExecuteStream, a
 * PushService.WatchMessages and a NotificationService.LeaseJobs — made by a
 * plain @grpc/grpc-js client on the native port, or by a connect-es client
 * (gRPC, Connect or gRPC-Web over HTTP/2) on the Connect port. Each answers
 * "ok" or the status code the call ended with.
 */
import { randomUUID } from "node:crypto";
import type { SecureClientSessionOptions } from "node:http2";
import { create, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import {
  BatchService,
  ExecuteStreamRequestSchema,
  ExecuteStreamResponseSchema,
  type ExecuteStreamRequest,
  type ExecuteStreamResponse,
} from "../../../proto/gen/zaqar/v1/batch_pb.js";
import { HealthService, PingRequestSchema, PingResponseSchema } from "../../../proto/gen/zaqar/v1/health_pb.js";
import { LeaseJobsRequestSchema, LeaseJobsResponseSchema, NotificationService } from "../../../proto/gen/zaqar/v1/notification_pb.js";
import { PushService, WatchMessagesRequestSchema, WatchMessagesResponseSchema, WatchStart } from "../../../proto/gen/zaqar/v1/push_pb.js";

/** "ok", or the gRPC/Connect status code of the failure (the same numbers). */
export type Verdict = "ok" | number;

export interface Probe {
  unary(): Promise<Verdict>;
  batchStream(): Promise<Verdict>;
  watch(): Promise<Verdict>;
  lease(): Promise<Verdict>;
  close(): void;
}

const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";
const ser = (schema: DescMessage) => (value: unknown) => Buffer.from(toBinary(schema, value as never));
const de = (schema: DescMessage) => (bytes: Buffer) => fromBinary(schema, bytes);

const identity = (project: string): Record<string, string> => ({ "x-project-id": project, "x-client-id": CLIENT_ID });
const pingOperation = (project: string): ExecuteStreamRequest =>
  create(ExecuteStreamRequestSchema, {
    operations: [{ id: 1, context: { projectId: project, clientId: CLIENT_ID, requestId: "probe" }, request: { case: "ping", value: {} } }],
  });
const answered = (res: ExecuteStreamResponse): boolean => res.outcomes[0]?.response.case === "ping";

export interface GrpcProbeOptions {
  /** The `authorization` value to send; none when undefined. */
  readonly authorization?: string;
  /** Default: insecure (h2c). */
  readonly credentials?: grpc.ChannelCredentials;
}

/** A plain grpc-js client of the core's native port (no module of ours in its setup). */
export function grpcProbe(address: string, options: GrpcProbeOptions = {}): Probe {
  // No reconnect backoff worth waiting for between the probes of one test.
  const client = new grpc.Client(address, options.credentials ?? grpc.credentials.createInsecure(), {
    "grpc.initial_reconnect_backoff_ms": 100,
    "grpc.max_reconnect_backoff_ms": 200,
  });
  const metadata = (): grpc.Metadata => {
    const md = new grpc.Metadata();
    for (const [k, v] of Object.entries(identity(`p-${randomUUID()}`))) md.set(k, v);
    if (options.authorization !== undefined) md.set("authorization", options.authorization);
    return md;
  };
  const deadline = () => ({ deadline: Date.now() + 10_000 });
  const unary = (path: string, input: DescMessage, output: DescMessage, req: object): Promise<Verdict> =>
    new Promise((resolve) =>
      client.makeUnaryRequest(path, ser(input), de(output), create(input, req as never), metadata(), deadline(), (err) =>
        resolve(err ? err.code : "ok"),
      ),
    );
  return {
    unary: () => unary("/zaqar.v1.HealthService/Ping", PingRequestSchema, PingResponseSchema, {}),
    lease: () => unary("/zaqar.v1.NotificationService/LeaseJobs", LeaseJobsRequestSchema, LeaseJobsResponseSchema, { workerId: "probe", maxJobs: 1, leaseSeconds: 30, waitMs: 0 }),
    batchStream: () =>
      new Promise((resolve) => {
        const md = metadata();
        const call = client.makeBidiStreamRequest(
          "/zaqar.v1.BatchService/ExecuteStream",
          ser(ExecuteStreamRequestSchema),
          de(ExecuteStreamResponseSchema),
          md,
          deadline(),
        );
        call.on("data", (res: ExecuteStreamResponse) => {
          resolve(answered(res) ? "ok" : -1);
          call.end();
        });
        call.on("error", (err: grpc.ServiceError) => resolve(err.code));
        call.on("end", () => resolve(-1));
        call.write(pingOperation(md.get("x-project-id")[0] as string));
      }),
    watch: () =>
      new Promise((resolve) => {
        const call = client.makeServerStreamRequest(
          "/zaqar.v1.PushService/WatchMessages",
          ser(WatchMessagesRequestSchema),
          de(WatchMessagesResponseSchema),
          create(WatchMessagesRequestSchema, { queue: "probe", start: WatchStart.NOW }),
          metadata(),
          deadline(),
        );
        let settled = false;
        call.on("data", () => {
          settled = true;
          resolve("ok");
          call.cancel();
        });
        call.on("error", (err: grpc.ServiceError) => {
          if (!settled) resolve(err.code);
        });
        call.on("end", () => resolve(-1));
      }),
    close: () => client.close(),
  };
}

export type ConnectProtocol = "grpc" | "connect" | "grpc-web";

export interface ConnectProbeOptions {
  readonly authorization?: string;
  /** TLS settings of the HTTP/2 session (https base URLs). */
  readonly tls?: SecureClientSessionOptions;
}

function transport(protocol: ConnectProtocol, baseUrl: string, options: ConnectProbeOptions): Transport {
  const common = { baseUrl, httpVersion: "2" as const, ...(options.tls ? { nodeOptions: options.tls } : {}) };
  if (protocol === "grpc") return createGrpcTransport(common);
  if (protocol === "grpc-web") return createGrpcWebTransport(common);
  return createConnectTransport(common);
}

/** A connect-es client of the core's Connect port, in one of the protocols it serves. */
export function connectProbe(baseUrl: string, protocol: ConnectProtocol, options: ConnectProbeOptions = {}): Probe {
  const t = transport(protocol, baseUrl, options);
  const headers = (): Record<string, string> => ({
    ...identity(`p-${randomUUID()}`),
    ...(options.authorization === undefined ? {} : { authorization: options.authorization }),
  });
  const verdict = async (work: () => Promise<boolean>): Promise<Verdict> => {
    try {
      return (await work()) ? "ok" : -1;
    } catch (err) {
      return ConnectError.from(err).code;
    }
  };
  const stop = new AbortController();
  return {
    unary: () => verdict(async () => (await createClient(HealthService, t).ping({}, { headers: headers(), timeoutMs: 10_000 })) !== undefined),
    lease: () =>
      verdict(async () => {
        await createClient(NotificationService, t).leaseJobs({ workerId: "probe", maxJobs: 1, leaseSeconds: 30, waitMs: 0 }, { headers: headers(), timeoutMs: 10_000 });
        return true;
      }),
    batchStream: () =>
      verdict(async () => {
        const h = headers();
        const project = h["x-project-id"] as string;
        let release = (): void => {};
        const held = new Promise<void>((r) => (release = r));
        async function* requests() {
          yield pingOperation(project);
          await held; // half-close only once the answer is in
        }
        try {
          for await (const res of createClient(BatchService, t).executeStream(requests(), { headers: h, signal: stop.signal, timeoutMs: 10_000 })) {
            return answered(res);
          }
          return false;
        } finally {
          release();
        }
      }),
    watch: () =>
      verdict(async () => {
        const signal = new AbortController();
        const stream = createClient(PushService, t).watchMessages({ queue: "probe", start: WatchStart.NOW }, { headers: headers(), signal: signal.signal });
        try {
          for await (const _ of stream) return true;
          return false;
        } finally {
          signal.abort();
        }
      }),
    close: () => stop.abort(),
  };
}

/** Every probe of `probe`, in parallel, by name. */
export async function probeAll(probe: Probe): Promise<Record<"unary" | "batchStream" | "watch" | "lease", Verdict>> {
  const [unary, batchStream, watch, lease] = await Promise.all([probe.unary(), probe.batchStream(), probe.watch(), probe.lease()]);
  return { unary, batchStream, watch, lease };
}
