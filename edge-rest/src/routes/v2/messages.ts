/**
 * Messages: post, list, get by ids, bulk delete, pop, get one, delete one
 * (rest-messages-claims.md §1–7), of a queue, or of a topic (topics.ts
 * serves the same routes under /v2/topics).
 */
import { getBool, getInt, getList, getParam } from "../../http/query.ts";
import {
  linksJson,
  messageJson,
  messagesJson,
  poppedJson,
  setPair,
  str,
} from "../../render.ts";
import { NO_CONTENT, param, type Call, type Handler, type Reply, type Route } from "../../route.ts";

type Pair = [string, string | number | boolean];

/** Whose messages a set of routes serves. */
export interface MessageOwner {
  /** The owners' collection path: "/v2/queues" or "/v2/topics". */
  readonly base: string;
  /** The path parameter naming the owner. */
  readonly param: "queue_name" | "topic_name";
  /** Sent on every core request: the owner is a topic (the `topic` field of MessageService requests). */
  readonly topic: boolean;
}

const QUEUES: MessageOwner = { base: "/v2/queues", param: "queue_name", topic: false };

/** The message routes of one kind of owner. */
export function messageRoutesOf(owner: MessageOwner): readonly Route[] {
  const { topic } = owner;
  const messagesPath = (name: string): string => `${owner.base}/${name}/messages`;

  const postMessages: Handler = {
    failure: "postMessages",
    body: true,
    async run(c) {
      const queue = param(c, owner.param);
      // body unset = the client sent none at all ("Request body can not be empty").
      const res = await c.core.call(c.ctx, "postMessages", { queue, topic, ...(c.body === undefined ? {} : { body: c.body }) });
      const path = messagesPath(queue);
      let hrefs = "";
      for (const id of res.ids) hrefs += `${hrefs === "" ? "" : ", "}${str(`${path}/${id}`)}`;
      return {
        status: 201,
        headers: { location: `${path}?ids=${res.ids.join(",")}` },
        body: `{"resources": [${hrefs}]}`,
      };
    },
  };

  async function listMessages(c: Call, queue: string): Promise<Reply> {
    const pairs: Pair[] = [];
    const marker = getParam(c.query, "marker");
    if (marker !== undefined) pairs.push(["marker", marker]);
    const limit = getInt(c.query, "limit");
    if (limit !== undefined) pairs.push(["limit", limit]);
    const echo = getBool(c.query, "echo");
    if (echo !== undefined) pairs.push(["echo", echo]);
    const includeClaimed = getBool(c.query, "include_claimed");
    if (includeClaimed !== undefined) pairs.push(["include_claimed", includeClaimed]);
    const includeDelayed = getBool(c.query, "include_delayed");
    if (includeDelayed !== undefined) pairs.push(["include_delayed", includeDelayed]);

    const res = await c.core.call(c.ctx, "listMessages", {
      queue,
      topic,
      ...(limit === undefined ? {} : { limit }),
      marker: marker ?? "",
      echo: echo === true,
      includeClaimed: includeClaimed === true,
      includeDelayed: includeDelayed === true,
    });
    const last = res.messages[res.messages.length - 1];
    if (last === undefined) return { status: 200, body: `{"messages": [], "links": []}` };
    // Zaqar forces include_delayed on for queues without a delay, and says so in the link.
    if (!res.delayedQueue) setPair(pairs, "include_delayed", true);
    setPair(pairs, "marker", last.marker);
    const path = messagesPath(queue);
    return {
      status: 200,
      body: `{"messages": ${messagesJson(res.messages, path)}, "links": ${linksJson(false, path, pairs)}}`,
    };
  }

  async function getMessagesById(c: Call, queue: string, ids: string[]): Promise<Reply> {
    c.failure = "getMessages";
    // The core answers 404 itself when none of the ids exists.
    const res = await c.core.call(c.ctx, "getMessages", { queue, ids, topic });
    return { status: 200, body: `{"messages": ${messagesJson(res.messages, messagesPath(queue))}}` };
  }

  const getMessages: Handler = {
    failure: "listMessages",
    run(c) {
      const queue = param(c, owner.param);
      const ids = getList(c.query, "ids");
      return ids === undefined ? listMessages(c, queue) : getMessagesById(c, queue, ids);
    },
  };

  const deleteMessages: Handler = {
    failure: "deleteMessages",
    async run(c) {
      const queue = param(c, owner.param);
      const ids = getList(c.query, "ids") ?? [];
      const claimIds = getList(c.query, "claim_ids") ?? [];
      const pop = getInt(c.query, "pop");
      const popping = ids.length === 0 && pop !== undefined;
      if (popping) c.failure = "popMessages";
      const res = await c.core.call(c.ctx, "deleteMessages", {
        queue,
        topic,
        ids,
        claimIds,
        ...(pop === undefined ? {} : { pop }),
      });
      if (!popping) return NO_CONTENT;
      let items = "";
      for (const m of res.messages) items += `${items === "" ? "" : ", "}${poppedJson(m)}`;
      return { status: 200, body: `{"messages": [${items}]}` };
    },
  };

  const getMessage: Handler = {
    failure: "getMessage",
    async run(c) {
      const queue = param(c, owner.param);
      const res = await c.core.call(c.ctx, "getMessage", { queue, topic, messageId: param(c, "message_id") });
      const m = res.message;
      if (m === undefined) throw new Error("getMessage answered without a message");
      return { status: 200, body: messageJson(m, messagesPath(queue), m.claimId) };
    },
  };

  const deleteMessage: Handler = {
    failure: "deleteMessage",
    async run(c) {
      await c.core.call(c.ctx, "deleteMessage", {
        queue: param(c, owner.param),
        topic,
        messageId: param(c, "message_id"),
        claimId: getParam(c.query, "claim_id") ?? "",
      });
      return NO_CONTENT;
    },
  };

  return [
    {
      path: `${owner.base}/:${owner.param}/messages`,
      methods: { GET: getMessages, POST: postMessages, DELETE: deleteMessages },
    },
    { path: `${owner.base}/:${owner.param}/messages/:message_id`, methods: { GET: getMessage, DELETE: deleteMessage } },
  ];
}

export const messageRoutes: readonly Route[] = messageRoutesOf(QUEUES);
