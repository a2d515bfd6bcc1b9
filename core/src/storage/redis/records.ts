/**
 * Script replies and packed records → domain records. The marker of a message
 * is "<generation>-<sequence>" (built by the scripts), so paging never depends
 * on the marker message still existing and never aliases another incarnation.
 * Packed formats: keys.ts.
 */
import type { NewMessage, StoredMessage } from "../driver.ts";
import type { RawMessage } from "./scripts.ts";

export function toMessage(raw: RawMessage): StoredMessage {
  const [id, body, ttl, created, expires, visible, clientId, claimId, claimCount, marker] = raw;
  return {
    id,
    body,
    ttl: Number(ttl),
    createdAtMs: Number(created),
    expiresAtMs: Number(expires),
    visibleAtMs: Number(visible),
    clientId,
    claimId: claimId === "" ? null : claimId,
    claimCount: Number(claimCount),
    marker,
  };
}

/** A message's packed info as post writes it: "ttl|created|expires|visibleAt|clientId". */
export function packInfo(m: NewMessage, nowMs: number, clientId: string): string {
  return `${m.ttl}|${nowMs}|${nowMs + m.ttl * 1000}|${nowMs + m.delay * 1000}|${clientId}`;
}

/** The fields of a packed info; null when it is not one. */
export function unpackInfo(info: string): { ttl: number; createdAtMs: number; expiresAtMs: number; visibleAtMs: number; clientId: string } | null {
  const a = info.indexOf("|");
  const b = info.indexOf("|", a + 1);
  const c = info.indexOf("|", b + 1);
  const d = info.indexOf("|", c + 1);
  if (a < 0 || b < 0 || c < 0 || d < 0) return null;
  return {
    ttl: Number(info.slice(0, a)),
    createdAtMs: Number(info.slice(a + 1, b)),
    expiresAtMs: Number(info.slice(b + 1, c)),
    visibleAtMs: Number(info.slice(c + 1, d)),
    clientId: info.slice(d + 1),
  };
}
