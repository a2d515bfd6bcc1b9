/** Maps storage records to protobuf responses. Bodies stay JSON text (never parsed here). */
import { create } from "@bufbuild/protobuf";
import { MessageSchema, type Message } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import type { StoredMessage } from "../storage/driver.ts";

export function ageSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
}

export function toProtoMessage(m: StoredMessage, nowMs: number): Message {
  return create(MessageSchema, {
    id: m.id,
    body: Buffer.from(m.body, "utf8"),
    ttl: m.ttl,
    age: ageSeconds(m.createdAtMs, nowMs),
    claimId: m.claimId ?? "",
    claimCount: m.claimCount,
    createdAtMs: BigInt(m.createdAtMs),
    marker: m.marker,
  });
}
