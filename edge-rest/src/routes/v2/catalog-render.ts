/**
 * What the pool and flavor routes share: Falcon's encoding of the URIs Zaqar
 * puts in Location and Content-Location headers, and the listings' query.
 */
import { getBool, getInt, getParam } from "../../http/query.ts";
import type { Call } from "../../route.ts";
import type { Pair } from "./collections.ts";

/** RFC 3986 unreserved and reserved characters: what falcon.uri.encode leaves as is. */
const KEEP = /^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]$/;

/**
 * falcon.uri.encode, which Zaqar's `response.location = request.path` and
 * `response.content_location = request.relative_uri` go through: every other
 * character, `%` included, becomes %XX of its UTF-8 bytes (so an escape in
 * the query is encoded again, as Falcon does).
 */
export function falconEncode(uri: string): string {
  let out = "";
  for (const ch of uri) {
    if (KEEP.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, "utf8")) out += `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

export interface CatalogListParams {
  /** The parameters given, in Zaqar's reading order (marker, limit, detailed), for the next link. */
  readonly pairs: Pair[];
  readonly marker: string | undefined;
  readonly limit: number | undefined;
  readonly detailed: boolean | undefined;
}

/** Reads marker, limit and detailed in Zaqar's order (the first bad one wins). */
export function readCatalogListParams(c: Call): CatalogListParams {
  const pairs: Pair[] = [];
  const marker = getParam(c.query, "marker");
  if (marker !== undefined) pairs.push(["marker", marker]);
  const limit = getInt(c.query, "limit");
  if (limit !== undefined) pairs.push(["limit", limit]);
  const detailed = getBool(c.query, "detailed");
  return { pairs, marker, limit, detailed };
}

/** The list request's core fields. */
export const listRequest = (p: CatalogListParams) => ({
  ...(p.limit === undefined ? {} : { limit: p.limit }),
  marker: p.marker ?? "",
  detailed: p.detailed === true,
});
