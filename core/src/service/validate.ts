/**
 * Validation of names and numeric parameters, with Zaqar's texts
 * (../shared/spec/README.md §7, rest-messages-claims.md).
 */
import { WEBSOCKET_TEXT } from "../../../common/error-meta.ts";
import { ZaqarError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { CallContext } from "../context.ts";
import type { ProjectScope, Scope } from "../storage/driver.ts";

/** Zaqar's queue (and topic) name characters; the length limit is limits.maxQueueNameLength. */
export const QUEUE_NAME = /^[a-zA-Z0-9_.-]+$/;

/**
 * Zaqar's own text for a bad queue name or project id, in its order (length,
 * characters, project). REST hides it behind one description; Zaqar's
 * WebSocket transport answers it, so it travels in the error's meta.
 */
function identificationText(queue: string, project: string, limits: Limits): string | null {
  if (queue.length > limits.maxQueueNameLength) return `Queue names may not be more than ${limits.maxQueueNameLength} characters long.`;
  if (!QUEUE_NAME.test(queue)) return "Queue names may only contain ASCII letters, digits, underscores, and dashes.";
  if (project.length > limits.maxProjectIdLength) return `Project ids may not be more than ${limits.maxProjectIdLength} characters long.`;
  return null;
}

/** The queue scope of an operation, or INVALID_QUEUE_NAME (Zaqar checks the project length here too). */
export function queueScope(ctx: CallContext, queue: string, limits: Limits): Scope {
  const text = identificationText(queue, ctx.project, limits);
  if (text !== null) {
    throw new ZaqarError("INVALID_QUEUE_NAME", "The format of the submitted queue name or project id is not valid.", {
      meta: { [WEBSOCKET_TEXT]: text },
    });
  }
  return { project: ctx.project, queue };
}

/**
 * Topics are stored as queues in a namespace of their own: the topic `t` of
 * project `p` is the storage queue `t` of the storage project `p` + TOPICS
 * ("p\u0000topics"). topicProject is the one place that mapping is made, so
 * the storage drivers need no notion of topics: a topic and a queue of the
 * same name are different queues, topics stay out of queue listings and
 * queues out of topic listings, and on Redis (Cluster too) the suffix simply
 * lands inside the queue's hash tag and the project index key. Callers can
 * never name the namespace as a project themselves: context.ts rejects
 * project ids containing NUL.
 */
export const TOPICS = "\u0000topics";

/** The storage project holding the caller's topics (see above). */
export function topicProject(ctx: CallContext): ProjectScope {
  return { project: ctx.project + TOPICS };
}

/** The storage scope of a topic, or INVALID_TOPIC_NAME (checked with the queue rules, as Zaqar does). */
export function topicScope(ctx: CallContext, topic: string, limits: Limits): Scope {
  if (
    topic.length > limits.maxQueueNameLength ||
    !QUEUE_NAME.test(topic) ||
    ctx.project.length > limits.maxProjectIdLength
  ) {
    throw new ZaqarError(
      "INVALID_TOPIC_NAME",
      "The format of the submitted topic name or project id is not valid.",
    );
  }
  return { ...topicProject(ctx), queue: topic };
}

/** The scope of a message operation: its queue's, or its topic's when the request says `topic`. */
export function messageScope(ctx: CallContext, req: { readonly queue: string; readonly topic: boolean }, limits: Limits): Scope {
  return req.topic ? topicScope(ctx, req.queue, limits) : queueScope(ctx, req.queue, limits);
}

/**
 * An error raised against a topic's storage scope, worded for the caller:
 * texts built from the scope ("Queue t does not exist for project p\u0000topics",
 * "... in queue t for project p\u0000topics") name the topic and the real
 * project. Anything else passes through unchanged.
 */
export function topicError(err: unknown, ctx: CallContext, topic: string): unknown {
  const { project } = ctx;
  const namespaced = topicProject(ctx).project;
  if (!(err instanceof ZaqarError) || !err.message.includes(namespaced)) return err;
  const text = err.message
    .replace(`Queue ${topic} does not exist for project ${namespaced}`, `Topic ${topic} does not exist for project ${project}`)
    .replace(`queue ${topic} for project ${namespaced}`, `topic ${topic} for project ${project}`)
    .replaceAll(namespaced, project);
  return new ZaqarError(err.reason, text, { cause: err, meta: { ...err.meta } });
}

export const invalid = (description: string): ZaqarError => new ZaqarError("INVALID_REQUEST", description);

/** `value` when set and within 1..max, `fallback` when unset, else INVALID_REQUEST with `text`. */
export function pageSize(value: number | undefined, fallback: number, max: number, text: string): number {
  if (value === undefined) return fallback;
  if (value < 1 || value > max) throw invalid(text);
  return value;
}

export const messagesLimitText = (max: number): string => `Limit must be at least 1 and may not be greater than ${max}.`;
export const queuesLimitText = (max: number): string => `Limit must be at least 1 and no greater than ${max}.`;

export const ttlText = (limits: Limits): string =>
  `The TTL for a message may not exceed ${limits.maxMessageTtl} seconds, and must be at least ${limits.minMessageTtl} seconds long.`;
export const delayText = (limits: Limits): string =>
  `The Delay TTL for a message may not exceed ${limits.maxMessageDelay} seconds,and must be at least 0 seconds long.`;
export const claimTtlText = (limits: Limits): string =>
  `The TTL for a claim may not exceed ${limits.maxClaimTtl} seconds, and must be at least ${limits.minClaimTtl} seconds long.`;
export const claimGraceText = (limits: Limits): string =>
  `The grace for a claim may not exceed ${limits.maxClaimGrace} seconds, and must be at least ${limits.minClaimGrace} seconds long.`;
export const notIntText = (field: string): string => `The value of the "${field}" field must be a int.`;
