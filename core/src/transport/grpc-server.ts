/**
 * The core's native gRPC server (@grpc/grpc-js with protobuf-es codecs).
 *
 * This is the fast path: a grpc-js server costs about a third of a
 * connect-node server per call (../shared/STACK.md §3), so edges and internal
 * services use this port. connect-server.ts serves the same handlers over
 * gRPC-Web and Connect for clients that need them.
 */
import type * as http2 from "node:http2";
import type { DescService } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import type { ExecuteRequest, ExecuteStreamRequest, ExecuteStreamResponse } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import type { AckJobsRequest, LeaseJobsRequest, RetryJobRequest } from "../../../proto/gen/zaqar/v1/notification_pb.js";
import type { OpName } from "../service/handler-types.ts";
import type { NotificationHandlers } from "../service/notifications.ts";
import type { PushService as Push } from "../service/push.ts";
import type { Logger } from "pino";
import type { CoreAuth } from "../../../common/core-auth.ts";
import { createBatchExecutor, createOperationRunner } from "./batch.ts";
import { createStreamSessions, type StreamSessions } from "./batch-stream.ts";
import { binaryCodec } from "./codecs.ts";
import { createSecretCheck, grpcSecretInterceptor } from "./core-auth.ts";
import { contextFromHeaders, type Dispatcher } from "./dispatch.ts";
import { toGrpcError } from "./error-status.ts";
import { grpcWatchMessages } from "./push-stream.ts";
import { BatchService, NotificationService, PushService, operationServices } from "./services.ts";

function definition(service: DescService): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    const input = binaryCodec(method.input);
    const output = binaryCodec(method.output);
    def[method.localName] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === "client_streaming" || method.methodKind === "bidi_streaming",
      responseStream: method.methodKind === "server_streaming" || method.methodKind === "bidi_streaming",
      requestSerialize: input.serialize,
      requestDeserialize: input.deserialize,
      responseSerialize: output.serialize,
      responseDeserialize: output.deserialize,
    };
  }
  return def;
}

type Unary = grpc.handleUnaryCall<unknown, unknown>;

function unary(work: (call: grpc.ServerUnaryCall<unknown, unknown>) => Promise<unknown>): Unary {
  return (call, callback) => {
    work(call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toGrpcError(err)),
    );
  };
}

/** A unary call whose work can wait long (LeaseJobs): the signal aborts when the caller goes away. */
function waitingUnary(work: (call: grpc.ServerUnaryCall<unknown, unknown>, signal: AbortSignal) => Promise<unknown>): Unary {
  return (call, callback) => {
    const gone = new AbortController();
    call.on("cancelled", () => gone.abort());
    unary((c) => work(c, gone.signal))(call, callback);
  };
}

/** ExecuteStream over a grpc-js duplex call. */
function bidi(sessions: StreamSessions): grpc.handleBidiStreamingCall<ExecuteStreamRequest, ExecuteStreamResponse> {
  return (call) => {
    const session = sessions.open({ write: (res) => call.write(res), end: () => call.end() });
    call.on("data", (req: ExecuteStreamRequest) => session.receive(req));
    call.on("end", () => session.finish());
    call.on("cancelled", () => session.abort());
    call.on("error", () => session.abort());
  };
}

/** HTTP/2 receive window of each stream, and of each connection, on the core's sessions. */
export const STREAM_RECEIVE_WINDOW = 4 << 20;
const CONNECTION_RECEIVE_WINDOW = 16 << 20;

/**
 * Widens the HTTP/2 receive windows of every session the server accepts.
 *
 * Node's default is 64 KiB per stream and per connection, and grpc-js has no
 * server option for it (its clients have grpc-node.flow_control_window). The
 * edge sends a turn's operations as one ExecuteStream message, 16 posts are
 * 160 KiB, which then crosses in several window round trips, each waiting for
 * the core's busy event loop to read and acknowledge (measured: ~0.5 extra
 * reads and writes per post on the core). grpc-js keeps its HTTP/2 servers in
 * a private map; should that change, this does nothing and the window check
 * in grpc.test.ts fails.
 */
function widenReceiveWindows(server: grpc.Server): void {
  const servers = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(servers instanceof Map)) return;
  for (const h2 of servers.keys() as Iterable<http2.Http2Server>) {
    h2.on("session", (session) => {
      session.settings({ initialWindowSize: STREAM_RECEIVE_WINDOW });
      session.setLocalWindowSize(CONNECTION_RECEIVE_WINDOW);
    });
  }
}

export interface GrpcServer {
  /** Binds host:port (port 0 picks a free one) and answers the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

/** TLS requiring a client certificate signed by the CA (mutual TLS), or plain h2c. */
function serverCredentials(auth: CoreAuth | undefined): grpc.ServerCredentials {
  const tls = auth?.tls;
  if (!tls) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
}

export function createGrpcServer(
  dispatcher: Dispatcher,
  notifications: NotificationHandlers,
  push: Push,
  log: Logger,
  auth?: CoreAuth,
): GrpcServer {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": -1,
    "grpc.max_send_message_length": -1,
    "grpc.keepalive_permit_without_calls": 1,
    // Installed only with a secret: without one, calls pay for no interceptor.
    ...(auth?.secret ? { interceptors: [grpcSecretInterceptor(createSecretCheck(auth.secret), log)] } : {}),
  });
  for (const service of operationServices) {
    const impl: grpc.UntypedServiceImplementation = {};
    for (const method of service.methods) {
      const op = method.localName as OpName;
      impl[method.localName] = unary((call) => {
        const get = (name: string) => {
          const v = call.metadata.get(name)[0];
          return v === undefined ? undefined : String(v);
        };
        return dispatcher.run(contextFromHeaders(get), op, call.request as never);
      });
    }
    server.addService(definition(service), impl);
  }
  const run = createOperationRunner(dispatcher);
  const execute = createBatchExecutor(run);
  const streams = createStreamSessions(run);
  server.addService(definition(BatchService), {
    execute: unary((call) => execute(call.request as ExecuteRequest)),
    executeStream: bidi(streams),
  });
  server.addService(definition(NotificationService), {
    leaseJobs: waitingUnary((call, signal) => notifications.leaseJobs(call.request as LeaseJobsRequest, signal)),
    ackJobs: unary((call) => notifications.ackJobs(call.request as AckJobsRequest)),
    retryJob: unary((call) => notifications.retryJob(call.request as RetryJobRequest)),
  });
  server.addService(definition(PushService), { watchMessages: grpcWatchMessages(push, log) });

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.bindAsync(`${host}:${port}`, serverCredentials(auth), (err, bound) => {
          if (err) return reject(err);
          widenReceiveWindows(server);
          resolve(bound);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        // Let in-flight calls finish; force after a grace period. Open
        // ExecuteStreams never finish by themselves: drain ends them.
        const timer = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
        void streams.drain();
      }),
  };
}
