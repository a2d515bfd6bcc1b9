/**
 * Zaqar's reserved queue metadata attributes (../shared/spec/rest-queues.md §4):
 * their validation on PUT and PATCH, and their defaults on GET.
 */
import { ZaqarError, type Reason } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { DeadLetterOptions, QueueMetadata } from "../storage/driver.ts";
import { isPyInt, pyIntValue, pyTruthy } from "./json.ts";
import { validateRetryPolicy } from "./retry-policy.ts";
import { QUEUE_NAME } from "./validate.ts";

/** Reserved keys a JSON-patch `replace`/`remove` may name even when absent. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  "_max_messages_post_size",
  "_default_message_ttl",
  "_default_message_delay",
  "_dead_letter_queue",
  "_dead_letter_queue_messages_ttl",
  "_max_claim_count",
  "_enable_encrypt_messages",
  "_retry_policy",
  "_flavor",
]);

interface IntRule {
  key: string;
  min?: number;
  max?: (l: Limits) => number;
  rangeText?: (l: Limits) => string;
}

// In Zaqar's order. The type check applies to truthy values only (plus "" which
// Zaqar 15 crashes on); the range check to every non-null value.
const INT_RULES: readonly IntRule[] = [
  {
    key: "_max_messages_post_size",
    min: 1,
    max: (l) => l.maxMessagesPostSize,
    rangeText: (l) =>
      `_max_messages_post_size can not exceed ${l.maxMessagesPostSize},  and must be at least greater than 0.`,
  },
  {
    key: "_default_message_ttl",
    min: 60,
    max: (l) => l.maxMessageTtl,
    rangeText: (l) =>
      `_default_message_ttl can not exceed ${l.maxMessageTtl} seconds, and must be at least 60 seconds long.`,
  },
  {
    key: "_default_message_delay",
    min: 0,
    max: (l) => l.maxMessageDelay,
    rangeText: (l) => `The TTL can not exceed ${l.maxMessageDelay} seconds, and must be at least 0 seconds long.`,
  },
  { key: "_max_claim_count" },
  {
    key: "_dead_letter_queue_messages_ttl",
    min: 60,
    max: (l) => l.maxMessageTtl,
    rangeText: (l) =>
      `The TTL for a message may not exceed ${l.maxMessageTtl} seconds, and must be at least 60 seconds long.`,
  },
];

const isQueueName = (name: string, limits: Limits): boolean =>
  name.length <= limits.maxQueueNameLength && QUEUE_NAME.test(name);

/**
 * Throws `reason` (INVALID_REQUEST on PUT, INVALID_BODY on PATCH) for the
 * first invalid reserved attribute of the metadata of `queue`.
 *
 * Zaqar 15 stores any `_dead_letter_queue` (even 5) and then fails or loses
 * messages at the first dead-lettering; here it must be a valid queue name
 * other than the queue's own (moving a message into its own queue is no
 * move), or null/"" for none. The texts are ours, in Zaqar's wording.
 */
export function validateReserved(meta: QueueMetadata, limits: Limits, reason: Reason, queue?: string): void {
  for (const rule of INT_RULES) {
    if (!(rule.key in meta)) continue;
    const value = meta[rule.key];
    if (value === null) continue;
    if (!isPyInt(value) && (pyTruthy(value) || typeof value !== "number")) {
      throw new ZaqarError(reason, `${rule.key} must be integer.`);
    }
    if (rule.max === undefined || rule.rangeText === undefined || rule.min === undefined) continue;
    const n = isPyInt(value) ? pyIntValue(value) : (value as number);
    if (n < rule.min || n > rule.max(limits)) throw new ZaqarError(reason, rule.rangeText(limits));
  }
  const dlq = meta["_dead_letter_queue"];
  if (pyTruthy(dlq)) {
    if (typeof dlq !== "string") throw new ZaqarError(reason, "_dead_letter_queue must be string.");
    if (!isQueueName(dlq, limits)) throw new ZaqarError(reason, "_dead_letter_queue must be a valid queue name.");
    if (dlq === queue) throw new ZaqarError(reason, "_dead_letter_queue can not be the queue itself.");
  }
  const encrypt = meta["_enable_encrypt_messages"];
  if (pyTruthy(encrypt) && typeof encrypt !== "boolean") {
    throw new ZaqarError(reason, "_enable_encrypt_messages must be boolean.");
  }
  validateRetryPolicy(meta, reason);
}

/**
 * The metadata as GET shows it: stored keys in their order, then every
 * reserved key that is absent or falsy set to its default (Python dict order:
 * an existing key keeps its place, a new one is appended).
 */
export function withReservedDefaults(meta: QueueMetadata, limits: Limits): QueueMetadata {
  const out: QueueMetadata = { ...meta };
  const defaults: ReadonlyArray<readonly [string, unknown]> = [
    ["_max_messages_post_size", limits.maxMessagesPostSize],
    ["_default_message_ttl", limits.defaultMessageTtl],
    ["_default_message_delay", limits.defaultMessageDelay],
    ["_dead_letter_queue", null],
    ["_dead_letter_queue_messages_ttl", null],
    ["_max_claim_count", null],
    ["_enable_encrypt_messages", false],
  ];
  for (const [key, value] of defaults) {
    if (!pyTruthy(out[key])) out[key] = value;
  }
  return out;
}

/** The size limit of a message post to this queue, and Zaqar's text when exceeded. */
export function postSizeLimit(meta: QueueMetadata, limits: Limits): { max: number; text: string } {
  const own = meta["_max_messages_post_size"];
  const config = limits.maxMessagesPostSize;
  if (pyTruthy(own) && isPyInt(own)) {
    const q = pyIntValue(own);
    const max = Math.min(q, config);
    return {
      max,
      text:
        `Message collection size is too large. The max size for current queue is ${max}. ` +
        `It is calculated by max size = min(max_messages_post_size_config: ${config}, max_messages_post_size_queue: ${q}).`,
    };
  }
  return { max: config, text: `Message collection size is too large. Max size ${config}` };
}

/** TTL for messages posted without one: the queue's default when set, else the config's. */
export function defaultTtl(meta: QueueMetadata, limits: Limits): number {
  const own = meta["_default_message_ttl"];
  return pyTruthy(own) && isPyInt(own) ? pyIntValue(own) : limits.defaultMessageTtl;
}

/** The queue's default delay; 0 means the queue is not a delayed queue. */
export function defaultDelay(meta: QueueMetadata): number {
  const own = meta["_default_message_delay"];
  return pyTruthy(own) && isPyInt(own) ? pyIntValue(own) : 0;
}

/**
 * The dead-lettering a claim on `queue` applies (rest-queues.md §4.2), or
 * undefined: active only when both `_max_claim_count` (an integer; 0 or less
 * moves a message at its first claim) and `_dead_letter_queue` are set.
 * Metadata stored before names were checked may name an invalid queue or the
 * queue itself; such a setting is ignored rather than failing every claim.
 */
export function deadLetterOf(meta: QueueMetadata, queue: string, limits: Limits): DeadLetterOptions | undefined {
  const max = meta["_max_claim_count"];
  const target = meta["_dead_letter_queue"];
  if (max === null || max === undefined || !isPyInt(max)) return undefined;
  if (typeof target !== "string" || target === queue || !isQueueName(target, limits)) return undefined;
  const ttl = meta["_dead_letter_queue_messages_ttl"];
  return { maxClaims: pyIntValue(max), queue: target, ttl: pyTruthy(ttl) && isPyInt(ttl) ? pyIntValue(ttl) : null };
}
