/**
 * One WebSocket connection: decodes each frame, answers the generic errors of
 * websocket.md §2 itself, runs actions through the core, and writes the
 * answers in request order (Zaqar's clients match answers to requests by
 * order). It also enforces the per-connection limits: requests in flight,
 * idle time (ping/pong), and how much unsent output a slow reader may hold
 * before the edge stops reading its requests.
 */
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import type { CallContextInit, CoreClient } from "../../edge-rest/src/core-client.ts";
import type { AuthConfig } from "../../common/auth/config.ts";
import type { TokenValidator } from "../../common/auth/keystone.ts";
import { actions } from "./actions.ts";
import { createConnectionAuth } from "./auth.ts";
import type { WsEdgeConfig } from "./config.ts";
import { FrameError, toErrorAnswer } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { PushClient } from "./push-client.ts";
import { createWatches } from "./watches.ts";
import {
  NULL_ECHO,
  decodeFrame,
  echoOf,
  encodeAnswer,
  encodeRawAnswer,
  rawEcho,
  isObject,
  matchesSchema,
  pyStr,
  type Answer,
  type Echo,
  type JsonObject,
} from "./protocol.ts";

type Limits = Pick<WsEdgeConfig, "maxInFlight" | "idleTimeoutMs" | "maxBufferedBytes" | "maxWatches">;

export interface SessionDeps {
  readonly core: CoreClient;
  /** The core's PushService, for message_watch. */
  readonly push: PushClient;
  readonly log: Logger;
  readonly limits: Limits;
  /** "http://host:port/" of the notify listener; the connection id is appended. */
  readonly notifyBase: string;
  /** How frames are authenticated (auth.ts); the validator is there when the strategy is keystone. */
  readonly auth: { readonly config: AuthConfig; readonly validator: TokenValidator | undefined; readonly now?: () => number };
}

/** An answer slot: filled when its request completes, written once all earlier ones are. */
interface Slot {
  frame: Buffer | string | null;
  /** Sent as a binary frame (MessagePack), else as text. */
  binary: boolean;
  /** Runs once the frame is handed to the socket. */
  sent?: (() => void) | undefined;
}

const AUTH_SCHEMA = { optional: true, required: [], types: {} } as const;
const AUTH_ECHO: Echo = Object.freeze({ action: "authenticate", body: {}, headers: {}, api: "v2" });

export interface Session {
  readonly id: string;
  /** Pushes a notification (the webhook's JSON body) to the socket as an unsolicited frame. */
  notify(body: Buffer): void;
  /** Resolves once the subscriptions made for this socket are deleted (after it closed). */
  readonly cleaned: Promise<void>;
  /** Sends a close frame and drops the socket if the peer does not answer it within 2 s; resolves once closed. */
  close(code: number, reason: string): Promise<void>;
}

export function startSession(socket: WebSocket, deps: SessionDeps): Session {
  const id = randomUUID();
  const log = deps.log.child({ conn: id });
  const { maxInFlight, idleTimeoutMs, maxBufferedBytes } = deps.limits;
  const slots: Slot[] = [];
  let inFlight = 0;
  let seq = 0;
  let alive = true;
  let paused = false;
  /** Reading is paused because too many answers wait behind a slow one (quick errors queue up too). */
  let backlogged = false;
  /** Subscriptions this socket made without a subscriber, deleted when it closes. */
  const owned: Array<{ project: string; queue: string; id: string }> = [];
  let notifyBinary = false;
  const auth = createConnectionAuth({
    ...deps.auth,
    expired: () => {
      log.info("token expired: closing");
      if (socket.readyState === socket.OPEN) socket.close(4003, "Authentication expired.");
    },
  });
  const watches = createWatches({ socket, push: deps.push, log, maxWatches: deps.limits.maxWatches, maxBufferedBytes });
  const side = {
    watches,
    subscriberUrl: `${deps.notifyBase}${id}`,
    registered(project: string, queue: string, subscription: string, binary: boolean) {
      owned.push({ project, queue, id: subscription });
      notifyBinary = binary;
    },
  };

  function flush(): void {
    while (slots.length > 0 && (slots[0] as Slot).frame !== null) {
      const slot = slots.shift() as Slot;
      const frame = slot.frame as Buffer | string;
      if (socket.readyState !== socket.OPEN) continue;
      socket.send(frame, { binary: slot.binary }, () => {
        // Resume reading once the slow reader has taken most of what it was sent.
        if (paused && socket.bufferedAmount <= maxBufferedBytes / 2) {
          paused = false;
          if (!backlogged) socket.resume();
        }
      });
      slot.sent?.();
    }
    if (backlogged && slots.length <= maxInFlight) {
      backlogged = false;
      if (!paused) socket.resume();
    }
    if (!paused && socket.bufferedAmount > maxBufferedBytes) {
      paused = true;
      socket.pause();
    }
  }

  /** Fills the slot with its answer; `raw`: the echo cut from the text frame (rawEcho), used instead of `request`. */
  function answer(slot: Slot, request: Echo, status: number, body: unknown, sent?: () => void, raw?: Buffer): void {
    const frame: Answer = { request, body, headers: { status } };
    slot.frame = raw !== undefined ? encodeRawAnswer(raw, status, body) : encodeAnswer(frame, slot.binary);
    slot.sent = sent;
    flush();
  }

  async function handle(data: Buffer, binary: boolean, slot: Slot): Promise<void> {
    const decoded = decodeFrame(data, binary);
    if (!decoded.ok) return answer(slot, NULL_ECHO, 400, { error: decoded.error });
    if (!isObject(decoded.value)) {
      return answer(slot, NULL_ECHO, 400, { error: "Unexpected body type. Expected dict or dict like." });
    }
    const payload = decoded.value;
    const echo = echoOf(payload);
    const raw = binary ? undefined : rawEcho(data, payload);
    const reply = (status: number, body: unknown, sent?: () => void) => answer(slot, echo, status, body, sent, raw);
    const name = payload["action"];
    if (name === "authenticate") {
      const ok = matchesSchema(payload, AUTH_SCHEMA, ["X-Auth-Token", "X-Project-ID"]);
      if (!ok) return reply(400, { error: "Schema validation failed." });
      const result = await auth.authenticate(payload["headers"] as JsonObject);
      return answer(slot, AUTH_ECHO, result.status, result.body);
    }
    const action = typeof name === "string" && Object.hasOwn(actions, name) ? actions[name] : undefined;
    if (action === undefined) return reply(400, { error: `${pyStr(name)} is not a valid action` });
    if (!matchesSchema(payload, action.schema)) return reply(400, { error: "Schema validation failed." });
    if (inFlight >= maxInFlight) {
      return reply(429, { error: `Too many requests in flight on this connection (limit ${maxInFlight}).` });
    }

    const headers = payload["headers"] as JsonObject;
    const body = (payload["body"] ?? {}) as JsonObject;
    const who = auth.frame(name as string, headers, body);
    if (!who.ok) return reply(who.status, { error: who.error });
    const clientId = headers["Client-ID"] as string;
    const ctx: CallContextInit & { clientId?: string } = {
      projectId: who.projectId,
      requestId: `${id}:${++seq}`,
      roles: [...who.roles],
      ...(action.sendsClientId ? { clientId } : {}),
    } as CallContextInit;
    inFlight++;
    try {
      const res = await action.run({ core: deps.core, ctx, body, socket: side, binary, ...(binary ? {} : { frame: data }) });
      reply(res.status, res.body, res.sent);
    } catch (err) {
      const e = toErrorAnswer(err, action, body, log);
      reply(e.status, e.body);
    } finally {
      inFlight--;
    }
  }

  socket.on("message", (data: Buffer, binary: boolean) => {
    alive = true;
    const slot: Slot = { frame: null, binary };
    slots.push(slot);
    if (!backlogged && slots.length > 4 * maxInFlight) {
      backlogged = true;
      socket.pause();
    }
    handle(data, binary, slot).catch((err: unknown) => {
      log.error({ err }, "frame handling failed");
      const e = toErrorAnswer(new FrameError(500, "Unexpected error."), { failure: "home" }, {}, log);
      answer(slot, NULL_ECHO, e.status, e.body);
    });
  });
  socket.on("pong", () => {
    alive = true;
  });

  // Half the idle timeout between pings: a peer silent for a whole tick after a ping is gone.
  const ticker = setInterval(() => {
    if (!alive) {
      log.info("idle timeout: closing");
      socket.terminate();
      return;
    }
    alive = false;
    if (socket.readyState === socket.OPEN) socket.ping();
  }, Math.max(1, Math.floor(idleTimeoutMs / 2)));
  ticker.unref();

  let cleanedUp!: () => void;
  const cleaned = new Promise<void>((resolve) => (cleanedUp = resolve));
  socket.on("close", () => {
    clearInterval(ticker);
    auth.close();
    slots.length = 0;
    watches.stopAll();
    // The socket's subscriptions go with it; a failed delete is logged (the subscription then lives out its ttl).
    const deletes = owned.map((s) =>
      deps.core
        .call({ projectId: s.project, requestId: `${id}:close`, roles: [] } as unknown as CallContextInit, "deleteSubscription", {
          queue: s.queue,
          subscriptionId: s.id,
        })
        .catch((err: unknown) => log.warn({ err, subscription: s.id }, "could not delete the socket's subscription")),
    );
    void Promise.all(deletes).then(() => cleanedUp());
  });
  socket.on("error", (err) => log.debug({ err }, "socket error"));

  return {
    id,
    cleaned,
    notify(body) {
      if (socket.readyState !== socket.OPEN) return;
      if (!notifyBinary) return socket.send(body.toString("utf8"));
      try {
        socket.send(encodeAnswer(JSON.parse(body.toString("utf8")), true));
      } catch (err) {
        log.warn({ err }, "notification is not JSON; sent as text");
        socket.send(body.toString("utf8"));
      }
    },
    close(code, reason) {
      if (socket.readyState === socket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        const force = setTimeout(() => socket.terminate(), 2000);
        socket.once("close", () => {
          clearTimeout(force);
          resolve();
        });
        if (socket.readyState === socket.OPEN) socket.close(code, reason);
      });
    },
  };
}
