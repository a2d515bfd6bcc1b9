/**
 * Every Redis key of the redis driver is built here (and, for the keys of one
 * queue generation, inside the Lua scripts from the `base` passed as a KEYS
 * entry, following the layout below).
 *
 * Hash tags. All keys of one queue carry the tag `{<project>/<queue>}`, so
 * every script touching one queue runs in one Redis Cluster slot while many
 * queues of one tenant spread over the cluster. The project index has its own
 * tag `{<project>}` (a different slot).
 *
 * Encoding. Queue names match ^[a-zA-Z0-9_.-]+$, so they contain neither `/`
 * nor `}`; project ids may contain anything. The project is therefore escaped
 * (`%`, `{`, `}`, `/` and `:` become `%XX`), which keeps the tag boundaries and
 * the `/` between project and queue unambiguous and keeps distinct scopes on
 * distinct keys. `.` is never a separator (upstream Zaqar's `.` split garbled
 * names containing dots).
 *
 * Layout (P = escaped project, Q = queue, G = generation, 12 hex digits):
 *
 * | key                         | type | content | expiry |
 * |-----------------------------|------|---------|--------|
 * | zq:{P}:queues               | ZSET | queue names of the project, all score 0 (lex order = byte order) | none |
 * | zq:{P/Q}:q                  | HASH | the queue record: `meta` (metadata JSON), `ver` (version token), `gen` (generation), `seq` (last message sequence), `created` (ms) | none |
 * | zq:{P/Q}:trash              | SET  | generations of deleted incarnations still to be collected | safety net |
 * | zq:{P/Q}:G:all              | ZSET | every stored message id, score = sequence (FIFO order) | safety net |
 * | zq:{P/Q}:G:free             | ZSET | unclaimed, visible message ids, score = sequence | safety net |
 * | zq:{P/Q}:G:delayed          | ZSET | not yet visible message ids, score = visible-at ms | safety net |
 * | zq:{P/Q}:G:exp              | ZSET | every stored message id, score = expires-at ms | safety net |
 * | zq:{P/Q}:G:held             | ZSET | claimed message ids, score = their claim's expiry ms | safety net |
 * | zq:{P/Q}:G:claims           | ZSET | claim ids, score = claim expiry ms | safety net |
 * | zq:{P/Q}:G:m:<message id>   | HASH | `b` body JSON text, `ttl` s, `cr` created ms, `ex` expires ms, `va` visible-at ms, `cid` client id, `cl` claim id or "", `ce` claim expiry ms, `cc` claim count, `seq` | remaining life + slack |
 * | zq:{P/Q}:G:c:<claim id>     | HASH | `ttl` s, `up` created/renewed ms, `ex` expiry ms | remaining life + slack |
 * | zq:{P/Q}:G:cm:<claim id>    | ZSET | ids of the messages the claim holds, score = sequence | remaining life + slack |
 *
 * Generations: the record names the live generation G; deleting a queue drops
 * the record (everything of G becomes unreachable at once) and puts G in
 * `trash`, collected in bounded batches afterwards. A re-created queue gets a
 * new G, so stale ids can never resurface.
 *
 * Safety net: per-message and per-claim keys carry a relative PEXPIRE (their
 * remaining life plus SLACK_MS), the generation's sorted sets one covering
 * their longest-lived member, so a queue nobody touches again still frees its
 * memory. Semantics never depend on these expiries: scripts compare the
 * clock's `now` (ARGV) with stored times, item by item.
 */
import { randomBytes } from "node:crypto";
import type { Scope } from "../driver.ts";

/** Prefix of every key of the driver. */
export const KEY_PREFIX = "zq";

/** Extra life of the safety-net expiries beyond an item's own (ms). */
export const SLACK_MS = 10 * 60_000;

/** Keys deleted per trash-collection call (delete-queue, purge-queue, collect-trash). */
export const COLLECT_BATCH = 500;

/** A fresh token for a queue version or generation (12 hex digits). */
export const newToken = (): string => randomBytes(6).toString("hex");

const QUEUE_NAME = /^[a-zA-Z0-9_.-]+$/;

/** Escapes the characters that would make the tag or the separators ambiguous. */
export function encodeProject(project: string): string {
  return project.replace(/[%{}/:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

export function decodeProject(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The keys a queue script receives. */
export interface QueueKeys {
  /** The queue record (KEYS[1] of every queue script). */
  readonly record: string;
  /** `zq:{P/Q}:`, the base the scripts extend with `<gen>:<suffix>` (KEYS[2]). */
  readonly base: string;
  /** Generations waiting for collection (KEYS[3] of the delete scripts). */
  readonly trash: string;
}

export function queueTag(scope: Scope): string {
  return `{${encodeProject(scope.project)}/${scope.queue}}`;
}

export function queueKeys(scope: Scope): QueueKeys {
  const base = `${KEY_PREFIX}:${queueTag(scope)}:`;
  return { record: `${base}q`, base, trash: `${base}trash` };
}

/** The key of one item of one generation, as the Lua scripts build it (for tests and tooling). */
export function generationKey(scope: Scope, gen: string, suffix: string): string {
  return `${queueKeys(scope).base}${gen}:${suffix}`;
}

/** The project's queue index. */
export function projectIndexKey(project: string): string {
  return `${KEY_PREFIX}:{${encodeProject(project)}}:queues`;
}

/** What a key names, recovered from the key alone. */
export type DecodedKey =
  | { readonly kind: "index"; readonly project: string }
  | { readonly kind: "queue"; readonly project: string; readonly queue: string; readonly suffix: string };

/** Parses any key built by this module; null for keys that are not the driver's. */
export function decodeKey(key: string): DecodedKey | null {
  const head = `${KEY_PREFIX}:{`;
  if (!key.startsWith(head)) return null;
  // The escaped project holds no `}`, and queue names hold none either, so the
  // first `}` closes the tag.
  const close = key.indexOf("}", head.length);
  if (close < 0 || key[close + 1] !== ":") return null;
  const tag = key.slice(head.length, close);
  const suffix = key.slice(close + 2);
  const slash = tag.indexOf("/");
  if (slash < 0) return suffix === "queues" ? { kind: "index", project: decodeProject(tag) } : null;
  const queue = tag.slice(slash + 1);
  if (!QUEUE_NAME.test(queue) || suffix === "") return null;
  return { kind: "queue", project: decodeProject(tag.slice(0, slash)), queue, suffix };
}
