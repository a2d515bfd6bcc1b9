/** MessageService handlers. */
import { create } from "@bufbuild/protobuf";
import {
  DeleteMessageResponseSchema,
  DeleteMessagesResponseSchema,
  GetMessageResponseSchema,
  GetMessagesResponseSchema,
  ListMessagesResponseSchema,
  PostMessagesResponseSchema,
} from "../../../proto/gen/zaqar/v1/message_pb.js";
import { requireClientId } from "../context.ts";
import { ZaqarError } from "../errors.ts";
import type { ServiceDeps } from "./deps.ts";
import type { Handlers } from "./handler-types.ts";
import { pyListRepr } from "./json.ts";
import { encryptsMessages } from "./message-crypto.ts";
import { readMessagePost } from "./message-post.ts";
import { defaultDelay } from "./queue-metadata.ts";
import { toProtoMessage } from "./render.ts";
import { invalid, messageScope, messagesLimitText, pageSize } from "./validate.ts";

type MessageHandlers = Pick<
  Handlers,
  "postMessages" | "listMessages" | "getMessage" | "getMessages" | "deleteMessage" | "deleteMessages"
>;

/** A post validated against stale metadata is retried this many times after refreshing it. */
const MAX_POST_ATTEMPTS = 3;

export function createMessageHandlers(deps: ServiceDeps): MessageHandlers {
  const { driver, limits, cache, clock, crypto, jobSignal, pushSignal } = deps;
  const maxPerPage = limits.maxMessagesPerPage;
  // With confirmation required, unconfirmed subscriptions get no notification jobs.
  const subscribers = deps.notification.requireConfirmation ? "confirmed" : "all";

  return {
    async postMessages(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      const clientId = requireClientId(ctx);
      return cache.withCurrent(scope, MAX_POST_ATTEMPTS, async (info) => {
        let messages = readMessagePost(req.body, info.metadata, limits, { websocketFrame: req.websocketFrame });
        if (encryptsMessages(info.metadata)) messages = crypto.sealAll(messages, scope);
        const ids = await driver.messages.post(scope, messages, { clientId, ifVersion: info.version, subscribers });
        if (jobSignal.watches(scope)) jobSignal.recorded();
        pushSignal.posted(scope);
        return create(PostMessagesResponseSchema, { ids });
      });
    },

    async listMessages(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      const clientId = requireClientId(ctx);
      const limit = pageSize(req.limit, limits.defaultMessagesPerPage, maxPerPage, messagesLimitText(maxPerPage));
      const info = await cache.refresh(scope);
      const delayedQueue = defaultDelay(info.metadata) > 0;
      const found = await driver.messages.list(scope, {
        ...(req.marker ? { marker: req.marker } : {}),
        limit,
        echo: req.echo,
        clientId,
        includeClaimed: req.includeClaimed,
        includeDelayed: delayedQueue ? req.includeDelayed : true,
      });
      const now = clock.now();
      return create(ListMessagesResponseSchema, {
        messages: found.map((m) => toProtoMessage(m, now, crypto, scope)),
        delayedQueue,
      });
    },

    async getMessage(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      const found = await driver.messages.get(scope, req.messageId);
      return create(GetMessageResponseSchema, { message: toProtoMessage(found, clock.now(), crypto, scope) });
    },

    async getMessages(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      if (req.ids.length < 1 || req.ids.length > maxPerPage) throw invalid(messagesLimitText(maxPerPage));
      const found = await driver.messages.getMany(scope, req.ids);
      if (found.length === 0) {
        throw new ZaqarError(
          "MESSAGE_NOT_FOUND",
          `No messages with IDs: ${pyListRepr(req.ids)} found in the queue ${scope.queue} for project ${scope.project}.`,
        );
      }
      const now = clock.now();
      return create(GetMessagesResponseSchema, { messages: found.map((m) => toProtoMessage(m, now, crypto, scope)) });
    },

    async deleteMessage(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      await driver.messages.delete(scope, req.messageId, req.claimId === "" ? null : req.claimId);
      return create(DeleteMessageResponseSchema, {});
    },

    async deleteMessages(ctx, req) {
      const scope = messageScope(ctx, req, limits);
      const maxPop = limits.maxMessagesPerClaimOrPop;
      if (req.ids.length > 0 && req.pop !== undefined) {
        throw invalid("pop and id params cannot be present together in the delete request.");
      }
      if (req.pop !== undefined) {
        if (req.pop < 1 || req.pop > maxPop) {
          throw invalid(`Pop value must be at least 1 and may not be greater than ${maxPop}.`);
        }
        const popped = await driver.messages.pop(scope, req.pop);
        const now = clock.now();
        return create(DeleteMessagesResponseSchema, { messages: popped.map((m) => toProtoMessage(m, now, crypto, scope)) });
      }
      if (req.ids.length === 0) {
        throw invalid('The request should have either "ids" or "pop" parameter in the request, to be able to delete.');
      }
      if (req.ids.length > maxPerPage) {
        throw invalid(`ids parameter should have at least 1 and not greater than ${maxPerPage} values.`);
      }
      await driver.messages.deleteMany(scope, req.ids);
      return create(DeleteMessagesResponseSchema, {});
    },
  };
}
