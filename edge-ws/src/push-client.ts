/**
 * The edge's client of the core's PushService (push.proto): one server stream
 * per watch over its own long-lived grpc-js channel, encoded with the
 * generated codecs. Not a BatchService operation: a watch lives as long as the
 * socket wants it, and grpc-js's pause()/resume() give it HTTP/2 flow control.
 */
import { create } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import { decodeErrorDetail, decodeRpcStatus } from "../../proto/gen/zaqar/v1/errors_codec.ts";
import type { ErrorDetail } from "../../proto/gen/zaqar/v1/errors_pb.ts";
import { decodeWatchMessagesResponse, encodeWatchMessagesRequest } from "../../proto/gen/zaqar/v1/push_codec.ts";
import { WatchMessagesRequestSchema, WatchStart, type WatchMessagesResponse } from "../../proto/gen/zaqar/v1/push_pb.ts";

export { WatchStart };
export type { WatchMessagesResponse };

export type WatchCall = grpc.ClientReadableStream<WatchMessagesResponse>;

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
export function errorDetailOf(err: grpc.ServiceError): ErrorDetail | undefined {
  const raw = err.metadata?.get("grpc-status-details-bin")[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    const any = decodeRpcStatus(raw).details[0];
    return any === undefined ? undefined : decodeErrorDetail(any.value);
  } catch {
    return undefined;
  }
}

export function createPushClient(address: string): PushClient {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": -1,
    "grpc.keepalive_time_ms": 30_000,
    "grpc.keepalive_timeout_ms": 10_000,
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.initial_reconnect_backoff_ms": 250,
    "grpc.max_reconnect_backoff_ms": 5000,
  });
  return {
    watch(req) {
      const md = new grpc.Metadata();
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
