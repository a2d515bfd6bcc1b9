/**
 * Maps storage records to protobuf responses. Bodies stay JSON text (never
 * parsed here); every body a response carries passes through here, so this
 * is the one place sealed bodies are opened (see message-crypto.ts).
 */
import { create } from "@bufbuild/protobuf";
import { MessageSchema, type Message } from "../../../proto/gen/zaqar/v1/message_types_pb.js";
import type { Scope, StoredMessage } from "../storage/driver.ts";
import type { MessageCrypto } from "./message-crypto.ts";

export function ageSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
}

export function toProtoMessage(m: StoredMessage, nowMs: number, crypto: MessageCrypto, scope: Scope): Message {
  return create(MessageSchema, {
    id: m.id,
    body: crypto.open(m.body, scope, m.id),
    ttl: m.ttl,
    age: ageSeconds(m.createdAtMs, nowMs),
    claimId: m.claimId ?? "",
    claimCount: m.claimCount,
    createdAtMs: BigInt(m.createdAtMs),
    marker: m.marker,
  });
}
