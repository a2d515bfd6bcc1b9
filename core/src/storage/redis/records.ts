/**
 * Script replies → domain records. The marker of a message is
 * "<generation>-<sequence>" (built by the scripts), so paging never depends on
 * the marker message still existing and never aliases another incarnation.
 */
import type { StoredMessage } from "../driver.ts";
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

