/**
 * The same handlers served by connect-node over HTTP/2: gRPC, gRPC-Web and
 * the Connect protocol, for clients that cannot speak native gRPC. h2c, or
 * TLS requiring a client certificate (mutual TLS) with ZAQAR_CORE_TLS_*.
 * Compression is off: this is an internal, loopback-class hop.
 */
import * as http2 from "node:http2";
import type { DescService } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { ExecuteRequest } from "../../../proto/gen/zaqar/v1/batch_pb.js";
import type { AckJobsRequest, LeaseJobsRequest, RetryJobRequest } from "../../../proto/gen/zaqar/v1/notification_pb.js";
import type { OpName } from "../service/handler-types.ts";
import type { NotificationHandlers } from "../service/notifications.ts";
import type { PushService as Push } from "../service/push.ts";
import type { Logger } from "pino";
import type { CoreAuth } from "../../../common/core-auth.ts";
import { createBatchExecutor, createOperationRunner } from "./batch.ts";
import { createStreamSessions } from "./batch-stream.ts";
import { connectExecuteStream } from "./connect-stream.ts";
import { connectSecretGate, createSecretCheck } from "./core-auth.ts";
import { contextFromHeaders, type Dispatcher } from "./dispatch.ts";
import { toConnectError } from "./error-status.ts";
import { connectWatchMessages, trackConnectWatches } from "./push-stream.ts";
import { BatchService, NotificationService, PushService, operationServices } from "./services.ts";

export interface ConnectServer {
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
}

export function createConnectServer(
  dispatcher: Dispatcher,
  notifications: NotificationHandlers,
  push: Push,
  log: Logger,
  auth?: CoreAuth,
): ConnectServer {
  const run = createOperationRunner(dispatcher);
  const execute = createBatchExecutor(run);
  const streams = createStreamSessions(run);
  const routes = (router: ConnectRouter) => {
    for (const service of operationServices) {
      const impl: Record<string, (req: unknown, ctx: { requestHeader: Headers }) => Promise<unknown>> = {};
      for (const method of service.methods) {
        const op = method.localName as OpName;
        impl[method.localName] = (req, ctx) =>
          dispatcher
            .run(contextFromHeaders((name) => ctx.requestHeader.get(name) ?? undefined), op, req as never)
            .catch((err: unknown) => {
              throw toConnectError(err);
            });
      }
      router.service(service as DescService, impl as never);
    }
    router.service(BatchService, {
      execute: (req: ExecuteRequest) => execute(req),
      executeStream: connectExecuteStream(streams),
    });
    const converted =
      <T>(work: Promise<T>): Promise<T> =>
        work.catch((err: unknown) => {
          throw toConnectError(err);
        });
    router.service(NotificationService, {
      leaseJobs: (req: LeaseJobsRequest, ctx: { signal: AbortSignal }) => converted(notifications.leaseJobs(req, ctx.signal)),
      ackJobs: (req: AckJobsRequest) => converted(notifications.ackJobs(req)),
      retryJob: (req: RetryJobRequest) => converted(notifications.retryJob(req)),
    });
    router.service(PushService, { watchMessages: connectWatchMessages(push, log) });
  };
  const adapter = connectNodeAdapter({ routes, acceptCompression: [] });
  const handler = auth?.secret ? connectSecretGate(createSecretCheck(auth.secret), log, adapter) : adapter;
  const tls = auth?.tls;
  const server: http2.Http2Server | http2.Http2SecureServer = tls
    ? http2.createSecureServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: true }, handler)
    : http2.createServer(handler);
  // http2 close() waits for open sessions, and clients keep theirs idle-open: track and close them.
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  const watches = trackConnectWatches(server);

  return {
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Watches whose readers stopped reading cannot take their final status: reset them.
        watches.resetStuck();
        // Open ExecuteStreams never finish by themselves: drain ends them first.
        void streams.drain().then(() => {
          for (const session of sessions) session.close();
        });
      }),
  };
}
