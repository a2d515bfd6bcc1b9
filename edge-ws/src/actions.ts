/**
 * The actions of Zaqar's WebSocket API (websocket.md §5) as a table: each one
 * has its body schema (shape only), its error texts, and a handler that makes
 * one core call and shapes the answer. Meaning (names, limits, TTLs, sizes) is
 * judged by the core.
 */
import type { CallContextInit, CoreClient } from "../../edge-rest/src/core-client.ts";
import { CoreError } from "../../edge-rest/src/core-client.ts";
import { FrameError, WsReply, type ErrorTexts } from "./errors.ts";
import type { BodySchema, Json, JsonObject } from "./protocol.ts";
import { WatchStart } from "./push-client.ts";
import { jsonBytes, jsonValue, poppedMessage, statStamp, wsMessage, wsSubscription } from "./render.ts";
import type { Watches } from "./watches.ts";

export interface Result {
  readonly status: number;
  readonly body: unknown;
  /** Called once the answer is written to the socket (a watch's pushes start then). */
  readonly sent?: () => void;
}

/** What an action may know of the socket it serves (socket notifications, websocket.md §6). */
export interface SocketSide {
  /** The URL the notifier posts this connection's notifications to. */
  readonly subscriberUrl: string;
  /** Records a subscription made for this socket: deleted when it closes; `binary`: push MessagePack frames. */
  registered(project: string, queue: string, id: string, binary: boolean): void;
  /** The socket's push watches (message_watch, an extension). */
  readonly watches: Watches;
}

export interface ActionCall {
  readonly core: CoreClient;
  readonly ctx: CallContextInit;
  readonly body: JsonObject;
  readonly socket: SocketSide;
  /** The request came in a binary (MessagePack) frame. */
  readonly binary: boolean;
  /** A text frame's bytes as received (JSON), for an action that passes the frame on whole. */
  readonly frame?: Buffer;
}

export interface Action extends ErrorTexts {
  readonly schema: BodySchema;
  /** The core checks Client-ID only where Zaqar's WS does (message_list, message_post). */
  readonly sendsClientId?: boolean;
  run(c: ActionCall): Promise<Result>;
}

const s = (body: JsonObject, name: string): string => body[name] as string;
/** A field the schema typed, or nothing when absent. */
function opt<T extends Json>(body: JsonObject, name: string, key: string = name): Record<string, T> {
  const v = body[name];
  return v === undefined ? {} : { [key]: v as T };
}
const notFoundOf = (err: unknown, reason: string): boolean => err instanceof CoreError && err.detail?.reason === reason;

const Q = { queue_name: "string" } as const;
const WATCH_STARTS: Readonly<Record<string, WatchStart>> = { now: WatchStart.NOW, oldest: WatchStart.OLDEST, marker: WatchStart.AFTER_MARKER };
const queueOnly: BodySchema = { required: ["queue_name"], types: Q };

export const actions: Readonly<Record<string, Action>> = {
  queue_list: {
    failure: "listQueues",
    schema: { optional: true, required: [], types: { marker: "string", limit: "integer", detailed: "boolean" } },
    async run({ core, ctx, body }) {
      const detailed = body["detailed"] === true;
      const res = await core.call(ctx, "listQueues", { ...opt<number>(body, "limit"), marker: (body["marker"] as string | undefined) ?? "", detailed, raw: true });
      const queues = res.queues.map((q) => (detailed ? { name: q.name, metadata: jsonValue(q.metadata) ?? {} } : { name: q.name }));
      return { status: 200, body: { queues } };
    },
  },
  queue_create: {
    failure: "createQueue",
    schema: { required: ["queue_name"], types: { ...Q, metadata: "object" } },
    async run({ core, ctx, body }) {
      const queue = s(body, "queue_name");
      const res = await core.call(ctx, "createQueue", { queue, metadata: jsonBytes(body["metadata"] ?? {}), reprSize: true });
      return { status: res.created ? 201 : 204, body: `Queue ${queue} created.` };
    },
  },
  queue_get: {
    failure: "getQueue",
    schema: queueOnly,
    async run({ core, ctx, body }) {
      try {
        const res = await core.call(ctx, "getQueue", { queue: s(body, "queue_name"), raw: true });
        return { status: 200, body: jsonValue(res.metadata) ?? {} };
      } catch (err) {
        // Zaqar's WS answers a missing queue's metadata as {}.
        if (notFoundOf(err, "QUEUE_NOT_FOUND")) return { status: 200, body: {} };
        throw err;
      }
    },
  },
  queue_delete: {
    failure: "deleteQueue",
    schema: queueOnly,
    async run({ core, ctx, body }) {
      const queue = s(body, "queue_name");
      await core.call(ctx, "deleteQueue", { queue });
      return { status: 204, body: `Queue ${queue} removed.` };
    },
  },
  queue_get_stats: {
    failure: "getQueueStats",
    schema: queueOnly,
    async run({ core, ctx, body }) {
      const st = await core.call(ctx, "getQueueStats", { queue: s(body, "queue_name") });
      // Zaqar's WS answers a missing queue's stats 404 (REST: 200), with the zero counts.
      if (!st.exists) throw new WsReply(404, { messages: { claimed: 0, free: 0, total: 0 } });
      const messages: Record<string, unknown> = { claimed: Number(st.claimed), free: Number(st.free), total: Number(st.total) };
      if (Number(st.total) > 0 && st.oldest && st.newest) {
        messages["oldest"] = statStamp(st.oldest);
        messages["newest"] = statStamp(st.newest);
      }
      return { status: 200, body: { messages } };
    },
  },
  queue_purge: {
    failure: "purgeQueue",
    schema: { required: ["queue_name"], types: { ...Q, resource_types: "array" } },
    async run({ core, ctx, body }) {
      // Absent: both kinds, as Zaqar's WS handler defaults it.
      const doc = { resource_types: body["resource_types"] ?? ["messages", "subscriptions"] };
      await core.call(ctx, "purgeQueue", { queue: s(body, "queue_name"), body: jsonBytes(doc) });
      return { status: 204, body: {} };
    },
  },

  message_list: {
    failure: "listMessages",
    sendsClientId: true,
    schema: {
      required: ["queue_name"],
      types: { ...Q, marker: "string", limit: "integer", echo: "boolean", include_claimed: "boolean", include_delayed: "boolean" },
    },
    async run({ core, ctx, body }) {
      const res = await core.call(ctx, "listMessages", {
        queue: s(body, "queue_name"),
        ...opt<number>(body, "limit"),
        marker: (body["marker"] as string | undefined) ?? "",
        echo: body["echo"] === true,
        includeClaimed: body["include_claimed"] === true,
        includeDelayed: body["include_delayed"] === true,
      });
      return { status: 200, body: { messages: res.messages.map((m) => wsMessage(m)) } };
    },
  },
  message_get: {
    failure: "getMessage",
    schema: { required: ["queue_name", "message_id"], types: { ...Q, message_id: "string" } },
    async run({ core, ctx, body }) {
      const res = await core.call(ctx, "getMessage", { queue: s(body, "queue_name"), messageId: s(body, "message_id") });
      if (res.message === undefined) throw new Error("getMessage answered without a message");
      return { status: 200, body: { messages: wsMessage(res.message) } };
    },
  },
  message_get_many: {
    failure: "getMessages",
    schema: { required: ["queue_name", "message_ids"], types: { ...Q, message_ids: "array" } },
    async run({ core, ctx, body }) {
      try {
        const res = await core.call(ctx, "getMessages", { queue: s(body, "queue_name"), ids: (body["message_ids"] as Json[]).map(String) });
        return { status: 200, body: { messages: res.messages.map((m) => wsMessage(m)) } };
      } catch (err) {
        // REST answers 404 when none exists; the WS action answers an empty list.
        if (notFoundOf(err, "MESSAGE_NOT_FOUND") || notFoundOf(err, "QUEUE_NOT_FOUND")) return { status: 200, body: { messages: [] } };
        throw err;
      }
    },
  },
  message_post: {
    failure: "postMessages",
    sendsClientId: true,
    schema: { required: ["queue_name", "messages"], types: { ...Q, messages: "array" } },
    // Zaqar's WS passes sanitize failures with a prefix.
    exceptions: { INVALID_BODY: (d: string) => `Bad request. ${d}` },
    async run({ core, ctx, body, frame }) {
      // The core reads body.messages from the frame as received, by the WS transport's rules;
      // only a MessagePack frame is written out as JSON for it.
      const doc = frame ?? jsonBytes({ body: { messages: body["messages"] } });
      const res = await core.call(ctx, "postMessages", { queue: s(body, "queue_name"), body: doc, websocketFrame: true });
      return { status: 201, body: { message_ids: res.ids } };
    },
  },
  message_delete: {
    failure: "deleteMessage",
    schema: { required: ["queue_name", "message_id"], types: { ...Q, message_id: "string", claim_id: "string" } },
    errors: {
      // As REST: the description of the refusal.
      MESSAGE_NOT_CLAIMED: (_b, d) => d,
      CLAIM_GONE: (_b, d) => d,
      MESSAGE_CLAIMED: (_b, d) => d,
    },
    async run({ core, ctx, body }) {
      await core.call(ctx, "deleteMessage", {
        queue: s(body, "queue_name"),
        messageId: s(body, "message_id"),
        claimId: (body["claim_id"] as string | undefined) ?? "",
      });
      return { status: 204, body: {} };
    },
  },
  message_delete_many: {
    failure: "deleteMessages",
    schema: { required: ["queue_name"], types: { ...Q, message_ids: "array", claim_ids: "array", pop: "integer" } },
    async run({ core, ctx, body }) {
      const ids = ((body["message_ids"] as Json[] | undefined) ?? []).map(String);
      const claimIds = ((body["claim_ids"] as Json[] | undefined) ?? []).map(String);
      const res = await core.call(ctx, "deleteMessages", { queue: s(body, "queue_name"), ids, claimIds, ...opt<number>(body, "pop") });
      if (ids.length > 0 || body["pop"] === undefined) return { status: 204, body: {} };
      return { status: 200, body: { messages: res.messages.map(poppedMessage) } };
    },
  },

  // Push consumption, an extension of Zaqar's protocol (PushService.WatchMessages).
  message_watch: {
    failure: "listMessages",
    sendsClientId: true,
    schema: {
      required: ["queue_name"],
      types: { ...Q, start: "string", marker: "string", echo: "boolean", max_batch: "integer" },
    },
    async run({ ctx, body, socket, binary }) {
      const startName = (body["start"] as string | undefined) ?? "now";
      const start = WATCH_STARTS[startName];
      if (start === undefined) throw new FrameError(400, 'start must be "now", "oldest" or "marker".');
      if (start === WatchStart.AFTER_MARKER && typeof body["marker"] !== "string") {
        throw new FrameError(400, 'start "marker" needs a marker.');
      }
      const w = await socket.watches.start(
        {
          projectId: ctx.projectId,
          clientId: ctx.clientId ?? "",
          requestId: ctx.requestId,
          queue: s(body, "queue_name"),
          start,
          marker: (body["marker"] as string | undefined) ?? "",
          echo: body["echo"] === true,
          ...opt<number>(body, "max_batch", "maxBatch"),
        },
        binary,
      );
      return { status: 200, body: { watch_id: w.watchId, resume_marker: w.resumeMarker }, sent: w.begin };
    },
  },
  message_unwatch: {
    failure: "listMessages",
    schema: { required: ["watch_id"], types: { watch_id: "string" } },
    async run({ body, socket }) {
      const watchId = s(body, "watch_id");
      const resumeMarker = socket.watches.stop(watchId);
      if (resumeMarker === undefined) throw new FrameError(404, `Watch ${watchId} does not exist.`);
      return { status: 200, body: { watch_id: watchId, resume_marker: resumeMarker } };
    },
  },

  claim_create: {
    failure: "createClaim",
    schema: { required: ["queue_name"], types: { ...Q, limit: "integer", ttl: "integer", grace: "integer" } },
    async run({ core, ctx, body }) {
      const doc = { ...opt(body, "ttl"), ...opt(body, "grace") };
      const res = await core.call(ctx, "createClaim", { queue: s(body, "queue_name"), ...opt<number>(body, "limit"), body: jsonBytes(doc) });
      if (res.messages.length === 0) return { status: 204, body: { claim_id: null } };
      return { status: 201, body: { claim_id: res.claimId, messages: res.messages.map((m) => wsMessage(m, res.claimId)) } };
    },
  },
  claim_get: {
    failure: "getClaim",
    schema: { required: ["queue_name", "claim_id"], types: { ...Q, claim_id: "string" } },
    errors: { CLAIM_NOT_FOUND: (b) => `Claim ${String(b["claim_id"])} does not exist.` },
    async run({ core, ctx, body }) {
      const claimId = s(body, "claim_id");
      const res = await core.call(ctx, "getClaim", { queue: s(body, "queue_name"), claimId });
      return { status: 200, body: { age: res.age, ttl: res.ttl, messages: res.messages.map((m) => wsMessage(m, claimId)) } };
    },
  },
  claim_update: {
    failure: "updateClaim",
    schema: { required: ["queue_name", "claim_id"], types: { ...Q, claim_id: "string", ttl: "integer", grace: "integer" } },
    errors: { CLAIM_NOT_FOUND: (b) => `Claim ${String(b["claim_id"])} does not exist.` },
    async run({ core, ctx, body }) {
      const claimId = s(body, "claim_id");
      const doc = { ...opt(body, "ttl"), ...opt(body, "grace") };
      await core.call(ctx, "updateClaim", { queue: s(body, "queue_name"), claimId, body: jsonBytes(doc) });
      return { status: 204, body: `Claim ${claimId} updated.` };
    },
  },
  claim_delete: {
    failure: "deleteClaim",
    schema: { required: ["queue_name", "claim_id"], types: { ...Q, claim_id: "string" } },
    async run({ core, ctx, body }) {
      const claimId = s(body, "claim_id");
      await core.call(ctx, "deleteClaim", { queue: s(body, "queue_name"), claimId });
      return { status: 204, body: `Claim ${claimId} deleted.` };
    },
  },

  subscription_create: {
    failure: "createSubscription",
    schema: { required: ["queue_name"], types: { ...Q, subscriber: "string", ttl: "integer", options: "object" } },
    async run({ core, ctx, body, socket, binary }) {
      const queue = s(body, "queue_name");
      // No subscriber: notifications go to this socket, through the edge's notify listener.
      const toSocket = body["subscriber"] === undefined;
      const subscriber = toSocket ? { subscriber: socket.subscriberUrl } : opt(body, "subscriber");
      const doc = { ...subscriber, ...opt(body, "ttl"), ...opt(body, "options") };
      // A duplicate is 409 whether or not the existing one is confirmed (REST answers an unconfirmed one 201).
      const duplicate = new WsReply(409, `Subscription ${queue} not created.`);
      const res = await core.call(ctx, "createSubscription", { queue, body: jsonBytes(doc) }).catch((err: unknown) => {
        throw err instanceof CoreError && err.detail?.httpStatus === 409 ? duplicate : err;
      });
      if (!res.created) throw duplicate;
      if (toSocket) socket.registered(ctx.projectId, queue, res.subscriptionId, binary);
      return { status: 201, body: { subscription_id: res.subscriptionId, message: `Subscription ${queue} created.` } };
    },
  },
  subscription_list: {
    failure: "listSubscriptions",
    schema: { required: ["queue_name"], types: { ...Q, marker: "string", limit: "integer" } },
    async run({ core, ctx, body }) {
      const res = await core.call(ctx, "listSubscriptions", {
        queue: s(body, "queue_name"),
        ...opt<number>(body, "limit"),
        marker: (body["marker"] as string | undefined) ?? "",
      });
      return { status: 200, body: { subscriptions: res.subscriptions.map(wsSubscription) } };
    },
  },
  subscription_get: {
    failure: "getSubscription",
    schema: { required: ["queue_name", "subscription_id"], types: { ...Q, subscription_id: "string" } },
    errors: {
      SUBSCRIPTION_NOT_FOUND: (b) => `Subscription ${String(b["subscription_id"])} for queue ${String(b["queue_name"])} does not exist.`,
    },
    async run({ core, ctx, body }) {
      const res = await core.call(ctx, "getSubscription", { queue: s(body, "queue_name"), subscriptionId: s(body, "subscription_id") });
      if (res.subscription === undefined) throw new Error("getSubscription answered without a subscription");
      return { status: 200, body: wsSubscription(res.subscription) };
    },
  },
  subscription_delete: {
    failure: "deleteSubscription",
    schema: { required: ["queue_name", "subscription_id"], types: { ...Q, subscription_id: "string" } },
    async run({ core, ctx, body }) {
      const id = s(body, "subscription_id");
      await core.call(ctx, "deleteSubscription", { queue: s(body, "queue_name"), subscriptionId: id });
      return { status: 204, body: `Subscription ${id} removed.` };
    },
  },
};
