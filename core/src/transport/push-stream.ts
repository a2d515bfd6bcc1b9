/**
 * PushService.WatchMessages on both server libraries. The service's generator
 * (service/push.ts) reads storage only when pulled; these adapters pull only
 * when the stream has room, so a slow reader holds the core back instead of
 * making it buffer: grpc-js by waiting for 'drain' whenever write() says the
 * stream is full, connect-node by its own pull-per-write loop.
 */
import type * as http2 from "node:http2";
import { constants as h2 } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { WatchMessagesRequest, WatchMessagesResponse } from "../../../proto/gen/zaqar/v1/push_pb.js";
import { isZaqarError } from "../errors.ts";
import type { PushService } from "../service/push.ts";
import { contextFromHeaders } from "./dispatch.ts";
import { toConnectError, toGrpcError } from "./error-status.ts";

const SHUTTING_DOWN = "core is shutting down";

function logFailure(log: Logger, err: unknown): void {
  if (!isZaqarError(err)) log.error({ err, method: "WatchMessages" }, "watch failed unexpectedly");
  else if (err.reason === "STORAGE_UNAVAILABLE") log.error({ err, method: "WatchMessages" }, "storage unavailable");
  else log.debug({ method: "WatchMessages", reason: err.reason }, "watch rejected");
}

/** Resolves at the stream's next 'drain', or when `signal` aborts. */
function drained(call: grpc.ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      call.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    call.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** grpc-js's server call chain: interceptors (transport/core-auth.ts) wrap the base call that holds the stream. */
interface CallLink {
  readonly stream?: { close?: unknown };
  readonly nextCall?: CallLink;
}

/**
 * Resets the call's HTTP/2 stream (the client sees CANCELLED). For shutdown
 * only, and only for a stream whose reader stopped reading: its status would
 * wait behind data flow control will not let through, holding the server's
 * shutdown up for its whole grace period. grpc-js has no public way to do
 * this; its call keeps the stream at `call.call.stream`, or, with server
 * interceptors, at the end of the `nextCall` chain from there. Should that
 * change, this does nothing and the server's forced shutdown ends the stream
 * instead (the shutdown tests then fail).
 */
function resetStream(call: grpc.ServerWritableStream<unknown, unknown>): void {
  let link = (call as unknown as { call?: CallLink }).call;
  while (link !== undefined && link.stream === undefined) link = link.nextCall;
  const stream = link?.stream;
  if (typeof stream?.close === "function") (stream.close as (code: number) => void).call(stream, h2.NGHTTP2_CANCEL);
}

export function grpcWatchMessages(push: PushService, log: Logger): grpc.handleServerStreamingCall<unknown, unknown> {
  return (call) => {
    const gone = new AbortController();
    call.on("cancelled", () => gone.abort());
    // Shutdown ends the stream even while it waits for a slow reader.
    const stop = AbortSignal.any([gone.signal, push.closing]);
    const get = (name: string) => {
      const v = call.metadata.get(name)[0];
      return v === undefined ? undefined : String(v);
    };
    void (async () => {
      try {
        for await (const res of push.watch(contextFromHeaders(get), call.request as WatchMessagesRequest, stop)) {
          if (stop.aborted) break;
          if (!call.write(res)) await drained(call, stop);
        }
        if (gone.signal.aborted) return;
        if (push.closed && call.writableNeedDrain) return resetStream(call);
        if (push.closed) call.emit("error", { code: grpc.status.UNAVAILABLE, details: SHUTTING_DOWN });
        else call.end();
      } catch (err) {
        logFailure(log, err);
        if (!gone.signal.aborted) call.emit("error", toGrpcError(err));
      }
    })();
  };
}

export function connectWatchMessages(
  push: PushService,
  log: Logger,
): (req: WatchMessagesRequest, ctx: { requestHeader: Headers; signal: AbortSignal }) => AsyncIterable<WatchMessagesResponse> {
  return async function* (req, ctx) {
    const stop = AbortSignal.any([ctx.signal, push.closing]);
    const raw = contextFromHeaders((name) => ctx.requestHeader.get(name) ?? undefined);
    try {
      yield* push.watch(raw, req, stop);
    } catch (err) {
      logFailure(log, err);
      throw toConnectError(err);
    }
    if (push.closed && !ctx.signal.aborted) throw new ConnectError(SHUTTING_DOWN, Code.Unavailable);
  };
}

const WATCH_PATH = "/zaqar.v1.PushService/WatchMessages";

/**
 * The connect-node side of resetStream(): connect-node hides the HTTP/2
 * stream from handlers, so the server's WatchMessages streams are tracked
 * here. At shutdown (after PushService.close()) the ones still holding data
 * their reader does not take are reset; the others end with UNAVAILABLE.
 */
export function trackConnectWatches(server: http2.Http2Server | http2.Http2SecureServer): { resetStuck(): void } {
  const open = new Set<http2.ServerHttp2Stream>();
  server.on("stream", (stream, headers) => {
    if (headers[":path"] !== WATCH_PATH) return;
    open.add(stream);
    stream.once("close", () => open.delete(stream));
  });
  return {
    resetStuck() {
      for (const stream of open) if (stream.writableLength > 0 || stream.writableNeedDrain) stream.close(h2.NGHTTP2_CANCEL);
    },
  };
}
