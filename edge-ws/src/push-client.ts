/**
 * The edge's client of the core's PushService (push.proto): one server stream
 * per watch over its own long-lived grpc-js channel, encoded with the
 * generated codecs. Not a BatchService operation: a watch lives as long as the
 * socket wants it, and grpc-js's pause()/resume() give it HTTP/2 flow control.
 */
import { create } from "@bufbuild/protobuf";
import { Metadata, type ClientReadableStream, type ServiceError } from "@grpc/grpc-js";
import type { CoreAuth } from "../../common/core-auth.ts";
import { createCoreChannel } from "../../common/core-channel.ts";
import { decodeErrorDetail, decodeRpcStatus } from "../../proto/gen/zaqar/v1/errors_codec.ts";
import type { ErrorDetail } from "../../proto/gen/zaqar/v1/errors_pb.ts";
import { decodeWatchMessagesResponse, encodeWatchMessagesRequest } from "../../proto/gen/zaqar/v1/push_codec.ts";
import { WatchMessagesRequestSchema, WatchStart, type WatchMessagesResponse } from "../../proto/gen/zaqar/v1/push_pb.ts";

export { WatchStart };
export type { WatchMessagesResponse };

export type WatchCall = ClientReadableStream<WatchMessagesResponse>;

export interface WatchRequest {
  readonly projectId: string;
  readonly clientId: string;
  readonly requestId: string;
  readonly queue: string;
  readonly start: WatchStart;
  readonly marker: string;
  readonly echo: boolean;
  readonly maxBatch?: number;
}

export interface PushClient {
  /** Opens a WatchMessages stream; its first response confirms the watch. */
  watch(req: WatchRequest): WatchCall;
  close(): void;
}

/** The core's ErrorDetail from a failed call's `grpc-status-details-bin` trailer, if it sent one. */
export function errorDetailOf(err: ServiceError): ErrorDetail | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    const any = decodeRpcStatus(raw).details[0];
    return any === undefined ? undefined : decodeErrorDetail(any.value);
  } catch {
    return undefined;
  }
}

/** A client of the core at `address` (host:port), authenticated by `auth` (config.coreAuth). */
export function createPushClient(address: string, auth?: CoreAuth): PushClient {
  // Watches are re-opened by the socket's client after a core restart: reconnect within seconds.
  const client = createCoreChannel(address, auth, {
    "grpc.initial_reconnect_backoff_ms": 250,
    "grpc.max_reconnect_backoff_ms": 5000,
  });
  return {
    watch(req) {
      const md = new Metadata();
      md.set("x-project-id", req.projectId);
      md.set("x-client-id", req.clientId);
      md.set("x-request-id", req.requestId);
      const message = create(WatchMessagesRequestSchema, {
        queue: req.queue,
        start: req.start,
        marker: req.marker,
        echo: req.echo,
        ...(req.maxBatch === undefined ? {} : { maxBatch: req.maxBatch }),
      });
      return client.makeServerStreamRequest(
        "/zaqar.v1.PushService/WatchMessages",
        encodeWatchMessagesRequest,
        (b: Buffer) => decodeWatchMessagesResponse(b),
        message,
        md,
      );
    },
    close() {
      client.close();
    },
  };
}
