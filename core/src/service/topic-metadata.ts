/**
 * Topic metadata as GET shows it (../shared/spec/rest-queues.md §5): like a
 * queue's, but Zaqar fills only the three message defaults, not the
 * dead-letter or encryption keys. Validation on PUT and PATCH is the queue's
 * (queue-metadata.ts validateReserved), as in Zaqar.
 */
import type { Limits } from "../limits.ts";
import type { QueueMetadata } from "../storage/driver.ts";
import { pyTruthy } from "./json.ts";

/** Stored keys in their order, then each absent or falsy reserved key set to its default (Python dict order). */
export function withTopicDefaults(meta: QueueMetadata, limits: Limits): QueueMetadata {
  const out: QueueMetadata = { ...meta };
  const defaults: ReadonlyArray<readonly [string, unknown]> = [
    ["_max_messages_post_size", limits.maxMessagesPostSize],
    ["_default_message_ttl", limits.defaultMessageTtl],
    ["_default_message_delay", limits.defaultMessageDelay],
  ];
  for (const [key, value] of defaults) {
    if (!pyTruthy(out[key])) out[key] = value;
  }
  return out;
}
