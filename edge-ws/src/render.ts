/**
 * Response bodies of the WebSocket actions (websocket.md §5): plain values,
 * no hrefs and no links. Message bodies, metadata and options arrive from the
 * core as JSON text and are parsed into values so that an answer can be
 * encoded as JSON or MessagePack alike.
 */
import type { Message, MessageStat } from "../../proto/gen/zaqar/v1/message_types_pb.ts";
import type { Subscription } from "../../proto/gen/zaqar/v1/subscription_pb.ts";

/** A JSON text from the core as a value (empty bytes = null). */
export function jsonValue(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return null;
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8")) as unknown;
}

/** JSON text bytes of a value, for the core's JSON-document fields. */
export function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), "utf8");
}

/** The WS message object: id, claim_id (null when unclaimed), ttl, age, body. */
export function wsMessage(m: Message, claimId = m.claimId): Record<string, unknown> {
  return { id: m.id, claim_id: claimId === "" ? null : claimId, ttl: m.ttl, age: m.age, body: jsonValue(m.body) };
}

/** A popped message: the storage record as Zaqar passes it through (REST pop shape). */
export function poppedMessage(m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    age: m.age,
    ttl: m.ttl,
    body: jsonValue(m.body),
    claim_id: m.claimId === "" ? null : m.claimId,
    claim_count: m.claimCount,
  };
  if (m.checksum !== "") out["checksum"] = m.checksum;
  return out;
}

/** Stats' oldest/newest: the storage's {id, age, created} ("%Y-%m-%dT%H:%M:%SZ"). */
export function statStamp(s: MessageStat): Record<string, unknown> {
  return { id: s.id, age: s.age, created: `${new Date(Number(s.createdAtMs)).toISOString().slice(0, 19)}Z` };
}

/** A subscription record as Zaqar's storage returns it. */
export function wsSubscription(s: Subscription): Record<string, unknown> {
  return {
    id: s.id,
    source: s.source,
    subscriber: s.subscriber,
    ttl: s.ttl,
    age: s.age,
    options: s.options.byteLength === 0 ? {} : jsonValue(s.options),
    confirmed: s.confirmed,
  };
}
