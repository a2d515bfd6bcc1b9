/**
 * What the queue and topic routes share (rest-queues.md §3 and §5): a topic's
 * routes are shaped like a queue's, differing in names, paths and a few
 * fields, so the pieces of wire behaviour live here once.
 */
import { HttpError } from "../../errors.ts";
import { getBool, getInt, getParam } from "../../http/query.ts";
import { rawJson, str } from "../../render.ts";
import type { Call } from "../../route.ts";

export type Pair = [string, string | number | boolean];

export const EMPTY = new Uint8Array(0);
const PATCH_TYPE = "application/openstack-messaging-v2.0-json-patch";
/** Zaqar puts a Python dict repr in the title, and no description. */
const PATCH_415 = `Accepted media type for PATCH: {'Accept-Patch': '${PATCH_TYPE}'}.`;

/** Refuses a PATCH whose Content-Type is not exactly the JSON-patch type (parameters such as charset too, as Zaqar). */
export function requirePatchType(c: Call): void {
  if (c.req.headers["content-type"] !== PATCH_TYPE) throw new HttpError(415, PATCH_415);
}

export interface ListParams {
  /** The parameters given, in Zaqar's reading order, for the next link. */
  readonly pairs: Pair[];
  readonly marker: string | undefined;
  readonly limit: number | undefined;
  readonly detailed: boolean | undefined;
  readonly withCount: boolean | undefined;
}

/** Reads a listing's parameters in Zaqar's order (the first bad one wins); topics take no with_count. */
export function readListParams(c: Call, options: { readonly withCount: boolean }): ListParams {
  const pairs: Pair[] = [];
  const marker = getParam(c.query, "marker");
  if (marker !== undefined) pairs.push(["marker", marker]);
  const limit = getInt(c.query, "limit");
  if (limit !== undefined) pairs.push(["limit", limit]);
  const detailed = getBool(c.query, "detailed");
  if (detailed !== undefined) pairs.push(["detailed", detailed]);
  const name = getParam(c.query, "name");
  if (name !== undefined) pairs.push(["name", name]);
  const withCount = options.withCount ? getBool(c.query, "with_count") : undefined;
  if (withCount !== undefined) pairs.push(["with_count", withCount]);
  return { pairs, marker, limit, detailed, withCount };
}

/** The entries of a listing: {"name", ["metadata",] "href"} each. */
export function listItems(items: ReadonlyArray<{ readonly name: string; readonly metadata: Uint8Array }>, path: (name: string) => string, detailed: boolean): string {
  let out = "";
  for (const item of items) {
    const href = str(path(item.name));
    out += out === "" ? "" : ", ";
    out += detailed
      ? `{"name": ${str(item.name)}, "metadata": ${rawJson(item.metadata)}, "href": ${href}}`
      : `{"name": ${str(item.name)}, "href": ${href}}`;
  }
  return out;
}

/** Stats timestamps: "%Y-%m-%dT%H:%M:%SZ" (UTC). */
const isoSeconds = (ms: bigint | number): string => `${new Date(Number(ms)).toISOString().slice(0, 19)}Z`;

interface Stamp {
  readonly id: string;
  readonly age: number;
  readonly createdAtMs: bigint;
}

/** `, "oldest": {...}, "newest": {...}` of a stats body, or "" when there are no messages. */
export function statsExtremes(
  s: { readonly total: number | bigint; readonly oldest?: Stamp | undefined; readonly newest?: Stamp | undefined },
  messagesPath: string,
): string {
  if (Number(s.total) === 0 || s.oldest === undefined || s.newest === undefined) return "";
  const base = `${messagesPath}/`;
  const stat = (m: Stamp): string => `{"age": ${m.age}, "created": "${isoSeconds(m.createdAtMs)}", "href": ${str(base + m.id)}}`;
  return `, "oldest": ${stat(s.oldest)}, "newest": ${stat(s.newest)}`;
}
