/**
 * The push watches of one socket (message_watch / message_unwatch, an
 * extension of Zaqar's protocol): each is a PushService.WatchMessages stream
 * whose responses become unsolicited `message_watch` frames.
 *
 * - A watch's frames start only after its 200 answer is written (begin()), so
 *   the client always learns the watch id before the first push.
 * - Backpressure: while the socket holds more unsent output than the edge's
 *   slow-reader threshold, every stream of the socket is paused (grpc-js
 *   pause(), so HTTP/2 flow control makes the core wait instead of anyone
 *   buffering); they resume once half of it has drained.
 * - Cancelled by unwatch or when the socket closes; a stream the core ends
 *   (shutdown, storage outage) becomes one 503 frame with the resume marker.
 */
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import { CoreError } from "../../edge-rest/src/core-client.ts";
import { FrameError } from "./errors.ts";
import type { Logger } from "./log.ts";
import { encodeAnswer } from "./protocol.ts";
import { errorDetailOf, type PushClient, type WatchCall, type WatchMessagesResponse, type WatchRequest } from "./push-client.ts";
import { jsonValue } from "./render.ts";

export interface Started {
  readonly watchId: string;
  readonly resumeMarker: string;
  /** Lets the stream's frames flow; call once the 200 answer is written. */
  begin(): void;
}

export interface Watches {
  /** Opens a watch; resolves once the core confirmed it (rejects with CoreError or a 429 FrameError). */
  start(req: WatchRequest, binary: boolean): Promise<Started>;
  /** Cancels a watch; answers its resume marker, or undefined when no such watch is open. */
  stop(watchId: string): string | undefined;
  /** Cancels every watch (the socket closed). */
  stopAll(): void;
}

export interface WatchesDeps {
  readonly socket: WebSocket;
  readonly push: PushClient;
  readonly log: Logger;
  readonly maxWatches: number;
  readonly maxBufferedBytes: number;
}

interface Watch {
  readonly call: WatchCall;
  resumeMarker: string;
  /** Frames flow (the 200 answer is out). */
  begun: boolean;
  /** Cancelled by us: nothing more is sent for it. */
  stopped: boolean;
}

export function createWatches(deps: WatchesDeps): Watches {
  const { socket, push, log, maxWatches, maxBufferedBytes } = deps;
  const open = new Map<string, Watch>();
  /** Streams are paused because the socket's reader is slow. */
  let held = false;

  function drained(): void {
    if (!held || socket.bufferedAmount > maxBufferedBytes / 2) return;
    held = false;
    for (const w of open.values()) if (w.begun) w.call.resume();
  }

  function send(frame: unknown, binary: boolean): void {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(encodeAnswer(frame, binary), drained);
    if (!held && socket.bufferedAmount > maxBufferedBytes) {
      held = true;
      for (const w of open.values()) w.call.pause();
    }
  }

  function frameOf(watchId: string, res: WatchMessagesResponse): unknown {
    const messages = res.messages.map((m) => ({
      id: m.id,
      body: jsonValue(m.body),
      ttl: m.ttl,
      age: m.age,
      ...(m.claimId === "" ? {} : { claim_id: m.claimId }),
      marker: m.marker,
    }));
    return { action: "message_watch", headers: { status: 200 }, body: { watch_id: watchId, messages, resume_marker: res.resumeMarker } };
  }

  return {
    start(req, binary) {
      if (open.size >= maxWatches) {
        return Promise.reject(new FrameError(429, `Too many watches on this connection (limit ${maxWatches}).`));
      }
      const watchId = randomUUID();
      const call = push.watch(req);
      const w: Watch = { call, resumeMarker: "", begun: false, stopped: false };
      open.set(watchId, w);
      return new Promise<Started>((resolve, reject) => {
        let confirmed = false;
        const finish = (err: { code: number; details: string } | null, detailErr?: Parameters<typeof errorDetailOf>[0]): void => {
          if (w.stopped) return;
          w.stopped = true;
          open.delete(watchId);
          const description = err?.details || "The core ended the watch.";
          if (!confirmed) {
            const detail = detailErr ? errorDetailOf(detailErr) : undefined;
            reject(new CoreError("listMessages", err?.code ?? 14, description, detail));
            return;
          }
          log.info({ watch: watchId, code: err?.code ?? 0 }, "watch ended by the core");
          const body = { watch_id: watchId, error: "The watch ended; resume after resume_marker.", exception: description, resume_marker: w.resumeMarker };
          send({ action: "message_watch", headers: { status: 503 }, body }, binary);
        };
        call.on("data", (res: WatchMessagesResponse) => {
          w.resumeMarker = res.resumeMarker;
          if (!confirmed) {
            confirmed = true;
            // Nothing flows until the answer naming the watch is written.
            call.pause();
            resolve({
              watchId,
              resumeMarker: res.resumeMarker,
              begin() {
                if (w.stopped || w.begun) return;
                w.begun = true;
                if (!held) call.resume();
              },
            });
            return;
          }
          if (!w.stopped) send(frameOf(watchId, res), binary);
        });
        call.on("error", (err: Parameters<typeof errorDetailOf>[0]) => finish(err, err));
        call.on("status", (status: { code: number; details: string }) => {
          if (status.code === 0) finish(null);
        });
      });
    },
    stop(watchId) {
      const w = open.get(watchId);
      if (w === undefined) return undefined;
      w.stopped = true;
      open.delete(watchId);
      w.call.cancel();
      return w.resumeMarker;
    },
    stopAll() {
      for (const [id, w] of open) {
        w.stopped = true;
        open.delete(id);
        w.call.cancel();
      }
    },
  };
}
