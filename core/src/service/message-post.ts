/**
 * Reading a message-post document with Zaqar's checks, in Zaqar's order
 * (../shared/spec/rest-messages-claims.md §1): size, parse, shape, per-message
 * types, emptiness, ranges. Bodies are kept as JSON text for storage.
 */
import { ZaqarError } from "../errors.ts";
import type { Limits } from "../limits.ts";
import type { NewMessage, QueueMetadata } from "../storage/driver.ts";
import { isPlainObject, isPyInt, pyIntValue, readDocument, unparseable, wrongDocumentType } from "./json.ts";
import { FRAME_MESSAGES, REST_MESSAGES, bodyTexts } from "./json-spans.ts";
import { pyReprLength } from "./py-repr.ts";
import { defaultDelay, defaultTtl, postSizeLimit } from "./queue-metadata.ts";
import { delayText, invalid, notIntText, ttlText } from "./validate.ts";

/** How the post document is laid out and judged. */
export interface PostRules {
  /**
   * The document is a WebSocket message_post frame (messages at
   * body.messages) judged as Zaqar's WebSocket transport does: size is the
   * character count of the Python repr of the messages list, and a message
   * keeps only ttl and body (no delay, even on a delayed queue).
   */
  readonly websocketFrame?: boolean;
}

/** A repr is at most this many characters per UTF-16 unit of JSON text (a raw U+2028 becomes "\\u2028"). */
const MAX_REPR_PER_UNIT = 6;

export function readMessagePost(body: Uint8Array | undefined, meta: QueueMetadata, limits: Limits, rules: PostRules = {}): NewMessage[] {
  const ws = rules.websocketFrame === true;
  const size = postSizeLimit(meta, limits);
  if (body !== undefined && !ws && body.length > size.max) throw invalid(size.text);
  if (body === undefined) throw new ZaqarError("INVALID_BODY", "Request body can not be empty");
  if (body.length === 0) throw unparseable();
  const { value: doc, text } = readDocument(body);
  const holder = ws ? (isPlainObject(doc) ? doc["body"] : undefined) : doc;
  if (!isPlainObject(holder) || !("messages" in holder)) throw invalid("No messages were found in the request body.");
  const items = holder["messages"];
  if (!Array.isArray(items)) throw wrongDocumentType();
  // The repr is only counted when the frame's text could be over the limit at all.
  if (ws && text.length * MAX_REPR_PER_UNIT > size.max && pyReprLength(items) > size.max) throw invalid(size.text);
  // Each body's text as JSON.stringify would write it, cut from the document where possible.
  const texts = bodyTexts(text, items, ws ? FRAME_MESSAGES : REST_MESSAGES);

  const queueDelay = ws ? 0 : defaultDelay(meta);
  const ttlDefault = defaultTtl(meta, limits);
  const typed = items.map((item: unknown, i) => {
    if (!isPlainObject(item)) throw wrongDocumentType();
    if (!("body" in item)) throw new ZaqarError("INVALID_BODY", 'Missing "body" field.');
    const ttl = "ttl" in item ? intField(item["ttl"], "ttl") : ttlDefault;
    // Only a delayed queue reads `delay`; elsewhere Zaqar drops the field unchecked.
    const delay = queueDelay > 0 ? ("delay" in item ? intField(item["delay"], "delay") : queueDelay) : 0;
    return { body: texts[i] ?? JSON.stringify(item["body"]), ttl, delay };
  });
  if (typed.length === 0) throw invalid("No messages to enqueu.");
  for (const m of typed) {
    if (m.ttl < limits.minMessageTtl || m.ttl > limits.maxMessageTtl) throw invalid(ttlText(limits));
    if (m.delay < 0 || m.delay > limits.maxMessageDelay) throw invalid(delayText(limits));
  }
  return typed;
}

/** An integer field of a request document (JSON true/false count as 1/0, as in Python). */
export function intField(value: unknown, field: string): number {
  if (!isPyInt(value)) throw new ZaqarError("INVALID_BODY", notIntText(field));
  return pyIntValue(value);
}
