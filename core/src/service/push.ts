/**
 * PushService.WatchMessages (see push.proto), independent of the server
 * library: an async generator of responses that reads storage only when its
 * consumer asks for the next response, so a transport that pulls only when
 * its stream has room (connect-node does; grpc-server.ts waits for 'drain')
 * keeps at most one page per stream in memory.
 *
 * Built on MessageStore.list alone (markers, include_claimed, include_delayed),
 * so memory and Redis behave the same: catch up page by page, then wait for a
 * post through this core (PushSignal) or the next poll.
 */
import { create } from "@bufbuild/protobuf";
import type { WatchMessagesRequest, WatchMessagesResponse } from "../../../proto/gen/zaqar/v1/push_pb.js";
import { WatchMessagesResponseSchema, WatchStart } from "../../../proto/gen/zaqar/v1/push_pb.js";
import type { Clock } from "../clock.ts";
import { requireClientId, resolveContext, type ClientIdRules, type RawContext } from "../context.ts";
import { isZaqarError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { Scope, StorageDriver, StoredMessage } from "../storage/driver.ts";
import type { MessageCrypto } from "./message-crypto.ts";
import type { PushSignal } from "./push-signal.ts";
import { toProtoMessage } from "./render.ts";
import { invalid, messageScope } from "./validate.ts";

/** Most messages per response (and per storage read). */
export const MAX_WATCH_BATCH = 100;
/**
 * Most body bytes per response (a response holds at least one message):
 * gRPC clients refuse messages over 4 MiB by default, and 100 bodies of up
 * to 256 KiB each would exceed that.
 */
export const MAX_WATCH_RESPONSE_BYTES = 1 << 20;
/**
 * How long a stream rides out unreachable storage (reads are retried at the
 * poll interval) before it ends with UNAVAILABLE; a Redis restart or failover
 * then costs watchers nothing.
 */
export const WATCH_OUTAGE_MS = 15_000;
/** How often a caught-up stream reads storage again without a local post. */
export const WATCH_POLL_MS = 150;

export interface PushDeps {
  readonly driver: StorageDriver;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly crypto: MessageCrypto;
  readonly signal: PushSignal;
  readonly rules: ClientIdRules;
  readonly pollMs?: number;
  readonly outageMs?: number;
}

export interface PushService {
  /**
   * The responses of one WatchMessages call; ends when `abort` fires or the
   * service closes. Request and storage errors are thrown (ZaqarError).
   */
  watch(raw: RawContext, req: WatchMessagesRequest, abort: AbortSignal): AsyncGenerator<WatchMessagesResponse, void, undefined>;
  /** Streams open right now. */
  readonly open: number;
  /** True once the core is shutting down: streams end, new ones end at once. */
  readonly closed: boolean;
  /** Aborts when the core starts shutting down. */
  readonly closing: AbortSignal;
  close(): void;
}

function batchSize(value: number | undefined): number {
  if (value === undefined) return MAX_WATCH_BATCH;
  if (value < 1 || value > MAX_WATCH_BATCH) throw invalid(`max_batch must be at least 1 and may not be greater than ${MAX_WATCH_BATCH}.`);
  return value;
}

/** Splits messages into runs of at most MAX_WATCH_RESPONSE_BYTES of bodies (at least one message each). */
function byteChunks(messages: readonly StoredMessage[]): StoredMessage[][] {
  const chunks: StoredMessage[][] = [];
  let current: StoredMessage[] = [];
  let bytes = 0;
  for (const m of messages) {
    if (current.length > 0 && bytes + m.body.length > MAX_WATCH_RESPONSE_BYTES) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += m.body.length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export function createPushService(deps: PushDeps): PushService {
  const { driver, clock, limits, crypto, signal } = deps;
  const pollMs = deps.pollMs ?? WATCH_POLL_MS;
  const outageMs = deps.outageMs ?? WATCH_OUTAGE_MS;
  let open = 0;
  const closing = new AbortController();

  /** Marker of the newest live message, or "" (from the oldest) when there is none. */
  async function newestMarker(scope: Scope): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stats = await driver.queues.stats(scope).catch((err: unknown) => {
        if (isZaqarError(err, "QUEUE_NOT_FOUND")) return { newest: undefined };
        throw err;
      });
      if (stats.newest === undefined) return "";
      try {
        return (await driver.messages.get(scope, stats.newest.id)).marker;
      } catch (err) {
        // Deleted or expired since stats: ask again.
        if (!isZaqarError(err, "MESSAGE_NOT_FOUND") && !isZaqarError(err, "QUEUE_NOT_FOUND")) throw err;
      }
    }
    // A queue whose newest message keeps vanishing: walk to its end instead.
    let cursor = "";
    const all = { limit: MAX_WATCH_BATCH, echo: true, clientId: "", includeClaimed: true, includeDelayed: true };
    for (;;) {
      const page = await driver.messages.list(scope, cursor === "" ? all : { ...all, marker: cursor });
      const last = page.at(-1);
      if (last === undefined) return cursor;
      cursor = last.marker;
    }
  }

  const response = (messages: readonly StoredMessage[], resumeMarker: string, scope: Scope): WatchMessagesResponse => {
    const now = clock.now();
    return create(WatchMessagesResponseSchema, {
      messages: messages.map((m) => toProtoMessage(m, now, crypto, scope)),
      resumeMarker,
    });
  };

  return {
    async *watch(raw, req, abort) {
      const ctx = resolveContext(raw, deps.rules);
      const scope = messageScope(ctx, req, limits);
      const clientId = requireClientId(ctx);
      const limit = batchSize(req.maxBatch);
      if (signal.closed || abort.aborted) return;
      const watch = signal.watch(scope);
      open++;
      try {
        let cursor =
          req.start === WatchStart.OLDEST ? "" : req.start === WatchStart.AFTER_MARKER ? req.marker : await newestMarker(scope);
        yield response([], cursor, scope);
        let outageSince: number | null = null;
        const options = { limit, echo: req.echo, clientId, includeClaimed: true, includeDelayed: true };
        while (!abort.aborted && !signal.closed) {
          watch.reset();
          let page: StoredMessage[];
          try {
            page = await driver.messages.list(scope, cursor === "" ? options : { ...options, marker: cursor });
            outageSince = null;
          } catch (err) {
            // An idempotent read: retried while storage is briefly unreachable.
            if (!isZaqarError(err, "STORAGE_UNAVAILABLE")) throw err;
            outageSince ??= Date.now();
            if (Date.now() - outageSince >= outageMs) throw err;
            await watch.wait(pollMs, abort);
            continue;
          }
          // Marker order is kept: a message not yet visible holds back the ones after it.
          const now = clock.now();
          const hidden = page.findIndex((m) => m.visibleAtMs > now);
          const ready = hidden < 0 ? page : page.slice(0, hidden);
          for (const chunk of byteChunks(ready)) {
            cursor = chunk.at(-1)!.marker;
            yield response(chunk, cursor, scope);
          }
          // A full page of ready messages: more may follow at once.
          if (hidden < 0 && page.length >= limit) continue;
          await watch.wait(pollMs, abort);
        }
      } finally {
        open--;
        watch.release();
      }
    },
    get open() {
      return open;
    },
    get closed() {
      return signal.closed;
    },
    get closing() {
      return closing.signal;
    },
    close() {
      signal.close();
      closing.abort();
    },
  };
}
