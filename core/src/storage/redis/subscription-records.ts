/**
 * Packed subscriptions (format: keys.ts):
 * "expires|confirmed|ttl|created|<subscriber byte length>|<subscriber><options>".
 * The length counts UTF-8 bytes, as the Lua scripts do.
 */
import type { StoredSubscription } from "../driver.ts";

export function packSubscription(s: Omit<StoredSubscription, "id">): string {
  return `${s.expiresAtMs}|${s.confirmed ? 1 : 0}|${s.ttl}|${s.createdAtMs}|${Buffer.byteLength(s.subscriber)}|${s.subscriber}${s.options}`;
}

const HEAD = /^(\d+)\|([01])\|(\d+)\|(\d+)\|(\d+)\|/;

/** The subscription a packed record holds; null when it is not one. */
export function unpackSubscription(id: string, packed: string): StoredSubscription | null {
  const m = HEAD.exec(packed);
  if (m === null) return null;
  const rest = Buffer.from(packed.slice(m[0].length), "utf8");
  const len = Number(m[5]);
  return {
    id,
    subscriber: rest.subarray(0, len).toString("utf8"),
    ttl: Number(m[3]),
    createdAtMs: Number(m[4]),
    expiresAtMs: Number(m[1]),
    options: rest.subarray(len).toString("utf8"),
    confirmed: m[2] === "1",
  };
}
