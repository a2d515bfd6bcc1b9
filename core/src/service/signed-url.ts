/**
 * Signed URLs (../shared/spec/signed-urls.md §2): the signature upstream
 * Zaqar's create_signed_url computes, used for subscription confirmation
 * links.
 */
import { createHmac } from "node:crypto";

export interface SignedUrlFacts {
  readonly paths: readonly string[];
  readonly methods: readonly string[];
  readonly project: string;
  /** "YYYY-MM-DDTHH:MM:SS", UTC (formatExpires). */
  readonly expires: string;
}

/**
 * Upstream builds the HMAC input with a Python raw string, so its separator
 * is the two characters backslash and "n", not a newline.
 */
const SEPARATOR = "\\n";

/** Lowercase hex HMAC-SHA256 of the sorted paths, sorted methods, project and expiry. */
export function urlSignature(secretKey: string, facts: SignedUrlFacts): string {
  const body = [[...facts.paths].sort().join(","), [...facts.methods].sort().join(","), facts.project, facts.expires].join(SEPARATOR);
  return createHmac("sha256", Buffer.from(secretKey, "utf8")).update(body, "utf8").digest("hex");
}

/** A time as a signed URL's expiry: "%Y-%m-%dT%H:%M:%S" in UTC, seconds truncated. */
export function formatExpires(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}
