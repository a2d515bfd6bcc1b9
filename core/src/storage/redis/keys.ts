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
 * Layout (P = escaped project, Q = queue). A queue is a fixed set of keys:
 * per-message and per-claim data are fields of per-queue hashes keyed by id,
 * so every script issues one command per key it touches, however many
 * messages it handles, and deleting a queue is O(1).
 *
 * | key               | type | content | expiry |
 * |-------------------|------|---------|--------|
 * | zq:{P}:queues     | ZSET | queue names of the project, all score 0 (lex order = byte order) | none |
 * | zq:{P/Q}:q        | HASH | the queue record: `meta` (metadata JSON), `ver` (version token), `gen` (generation token, see below), `seq` (last message sequence), `front` (the claim frontier: the last sequence claims have taken or passed), `created` (ms), `due` (ms; nothing in held/claims/delayed/exp is scored below it, so housekeeping is skipped before it), `hz` (ms; the horizon the other keys' expiry aims at, see below) | none |
 * | zq:{P/Q}:all      | ZSET | every stored message id, score = sequence (FIFO order) | safety net |
 * | zq:{P/Q}:free     | ZSET | unclaimed, visible message ids at or before the frontier (released, claim expired, or visible only after the frontier passed them), score = sequence; messages after the frontier are claimed from `all`, so a post writes no `free` | safety net |
 * | zq:{P/Q}:delayed  | ZSET | not yet visible message ids, score = visible-at ms | safety net |
 * | zq:{P/Q}:exp      | ZSET | every stored message id, score = expires-at ms | safety net |
 * | zq:{P/Q}:held     | ZSET | claimed message ids, score = their claim's expiry ms | safety net |
 * | zq:{P/Q}:claims   | ZSET | claim ids, score = claim expiry ms | safety net |
 * | zq:{P/Q}:m        | HASH | per message id: `<id>` → body JSON text (byte for byte), `i:<id>` → packed info, `c:<id>` → packed claim state (absent until first claimed) | safety net |
 * | zq:{P/Q}:claim    | HASH | claim id → packed claim (below) | safety net |
 * | zq:{P/Q}:moved    | ZSET | messages moved in by dead-lettering, "<source queue>:<id>", score = when the marker may go (ms); keeps an interrupted move from being accepted twice (accept-messages.lua) | safety net |
 * | zq:{P/Q}:subs     | ZSET | subscription ids, all score 0 (lex order = byte order, for paging) | none |
 * | zq:{P/Q}:sub      | HASH | subscription id → packed subscription (below) | none |
 * | zq:{P/Q}:suburi   | HASH | subscriber URI → subscription id (the uniqueness rule) | none |
 * | zq:{P/Q}:subexp   | ZSET | subscription ids, score = expires-at ms (reaped by lease-jobs.lua) | none |
 * | zq:{P/Q}:jobs     | ZSET | pending job ids (below), score = due ms: when posted or retried, the lease's end while leased | none |
 * | zq:{P/Q}:job      | HASH | job data: `<msg id>` → body copy and `i:<msg id>` → info copy of a notified message (stored once per message, whatever the number of subscriptions), `r:<msg id>` → how many pending jobs use that copy; `l:<job id>` → "attempts\|leaseId" (absent until first leased; leaseId "" after a retry); `d:<job id>` → a confirmation job's document | none |
 * | zq:subscribed     | ZSET | the driver-wide index of queues that have subscriptions or jobs: member = the queue's key base `zq:{P/Q}:`, score = a "may be due from" hint (ms) | none |
 *
 * The catalog of pools and flavors (C = `zq:{:catalog}`, the driver's
 * catalogKeyBase). One hash tag for all of it, so every catalog script runs
 * in one cluster slot; the tag holds a `:`, which an escaped project never
 * does, so no project's keys can share it. Pools are global; flavors carry
 * their project (escaped, P) in their members.
 *
 * | key               | type | content | expiry |
 * |-------------------|------|---------|--------|
 * | C:pools           | ZSET | pool names, all score 0 (lex order = byte order, for paging) | none |
 * | C:pool            | HASH | pool name → its record, a JSON object of strings: `u` uri, `w` weight (decimal), `f` flavor ("" for none), `o` options (JSON text, byte for byte), `c` capabilities (comma-separated, in CAPABILITY_ORDER) | none |
 * | C:uris            | HASH | uri → the pool name having it (one pool per uri) | none |
 * | C:members         | ZSET | one member per pool in a flavor: "<byte length of the flavor>:<flavor><pool name>", all score 0, so a flavor's pools are one lex range, by name | none |
 * | C:flavors         | ZSET | "<P>/<flavor name>" per flavor, all score 0, so a project's flavors are one lex range, by name | none |
 *
 * Packed records (fields joined by "|", decimal numbers, times in ms):
 * - info: ttl (s), created, expires, visibleAt, client id (last, so it may
 *   contain anything). The driver writes it at post; a claim that extends the
 *   message rewrites ttl and expires.
 * - claim state: claim count, claim expiry (mirrors the claim's; 0 once
 *   released), claim id ("" once released). A message is in `held` exactly
 *   when this names a claim; otherwise it is in `delayed` until visible, and
 *   then claimable: from `all` after the frontier, or from `free` at or
 *   before it (every message in `free` is older than any after the frontier).
 * - claim: ttl (s), updated, expires, then the ids of the messages it took in
 *   enqueue order joined by "," (one it lost since is skipped by checking the
 *   message's own claim state).
 * - subscription: expires, confirmed (1/0), ttl (s), created, the byte length
 *   of the subscriber, then the subscriber and the options text run together
 *   (neither needs escaping; scripts read expires and confirmed with one match).
 * One hash holds all three so that a delete drops them with one HDEL, and
 * (bodies being larger than 64 bytes) it is always hashtable-encoded, never a
 * listpack searched linearly.
 *
 * Scripts keep per-message work out of Lua (Redis's Lua pays for every
 * redis.call, reply element and new string): a post hands its script bodies,
 * infos, expiries and visible-at times laid out as the commands want them,
 * so each key gets one command; a claim returns bodies, infos and sequences
 * read with one HMGET and one ZMSCORE. One script call per operation costs
 * the core far less than a MULTI of native commands (measured: the core
 * spends about half as much CPU per post), for a little more Redis CPU.
 *
 * Generations: the record's `gen` token changes when the queue is purged or
 * re-created and prefixes every paging marker ("<gen>-<seq>"), so markers of
 * an old incarnation never alias messages of the new one (ids are UUIDs and
 * never recur). Deleting a queue drops the record and unlinks every other key
 * in the same script; purging unlinks them and takes a new gen (UNLINK frees
 * large values off Redis's main thread).
 *
 * Subscriptions and notification jobs. The record's `subn` counts stored
 * subscriptions (expired ones too, until reaped); post-messages.lua reads it
 * in the HMGET it already makes, so posting to a queue without subscriptions
 * costs what it did before they existed. With subscriptions, the same script
 * records one job per (message, live subscription): job id
 * "n:<subscription id>:<message id>", due now, and one refcounted copy of
 * each message in `job`. Confirmation jobs are "c:<subscription id>:<token>"
 * (subscription-confirmation) and "u:<subscription id>:<token>"
 * (unsubscribe-confirmation) with their document in `job`. The driver-wide
 * job id is the queue's key base followed by the job id, so it names its
 * queue. Deleting a subscription leaves its jobs in place: lease-jobs.lua
 * drops every job whose subscription is gone or expired when it comes due,
 * and reaps expired subscriptions (by `subexp`) on each visit. These keys get
 * no safety-net expiry: subscriptions outlive messages.
 *
 * The subscribed index `zq:subscribed` (no hash tag: its own slot, touched
 * only by the driver's JS, never inside a queue script). Subscription create
 * adds the queue before writing the subscription and again after (so a
 * concurrent idle-removal cannot lose it); posts that recorded jobs, retries
 * and confirmation jobs lower its hint (ZADD LT). Lease visits the queues
 * whose hint is <= now, runs lease-jobs.lua on each and sets the hint to
 * min(next due, now + 5 s) (never below now, so busy queues take turns):
 * every indexed queue is re-checked at least every 5 s whatever races
 * happen. A queue with neither subscriptions nor jobs is removed from it,
 * then re-checked and re-added if a subscription appeared meanwhile.
 *
 * Safety net: every key but the record and the index carries one relative
 * PEXPIRE aimed at the record's `hz`, which stays at least SLACK_MS beyond
 * the expiry of everything stored (a call storing longer-lived items pushes
 * it 2 × SLACK_MS out and re-arms every key; a key a call re-creates gets the
 * remaining time). A queue nobody touches again thus frees its memory
 * between SLACK_MS and 2 × SLACK_MS after its longest-lived message or claim
 * (the record stays, like the index entry). Semantics never depend on these
 * expiries: scripts compare the clock's `now` (ARGV) with stored times, item
 * by item.
 */
import { randomBytes } from "node:crypto";
import type { Scope } from "../driver.ts";

/** Prefix of every key of the driver. */
export const KEY_PREFIX = "zq";

/** Extra life of the safety-net expiries beyond an item's own (ms). */
export const SLACK_MS = 10 * 60_000;

/** A fresh token for a queue version or generation (12 hex digits; only made when a queue is created or purged). */
export const newToken = (): string => randomBytes(6).toString("hex");

const QUEUE_NAME = /^[a-zA-Z0-9_.-]+$/;

/** Escapes the characters that would make the tag or the separators ambiguous. */
export function encodeProject(project: string): string {
  return project.replace(/[%{}/:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

export function decodeProject(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The keys of a queue the driver names itself. */
export interface QueueKeys {
  /** The queue record (KEYS[1] of every queue script). */
  readonly record: string;
  /** `zq:{P/Q}:`, the base the scripts extend with a suffix (KEYS[2]). */
  readonly base: string;
  /** Per-message bodies, infos and claim states. */
  readonly m: string;
  /** Every message id by sequence. */
  readonly all: string;
  /** Every message id by expiry. */
  readonly exp: string;
  /** Delayed message ids by visible-at time. */
  readonly delayed: string;
}

export function queueTag(scope: Scope): string {
  return `{${encodeProject(scope.project)}/${scope.queue}}`;
}

export function queueKeys(scope: Scope): QueueKeys {
  const base = `${KEY_PREFIX}:${queueTag(scope)}:`;
  return { record: `${base}q`, base, m: `${base}m`, all: `${base}all`, exp: `${base}exp`, delayed: `${base}delayed` };
}

/** Any key of a queue by its suffix, as the Lua scripts build it (for tests and tooling). */
export function queueKey(scope: Scope, suffix: string): string {
  return `${queueKeys(scope).base}${suffix}`;
}

/** Default base of the catalog's keys (see the layout above). */
export const CATALOG_KEY_BASE = `${KEY_PREFIX}:{:catalog}:`;

/** The catalog's keys in the order every catalog script takes them as KEYS[1..5]. */
export function catalogKeys(base: string): readonly [pools: string, pool: string, uris: string, members: string, flavors: string] {
  return [`${base}pools`, `${base}pool`, `${base}uris`, `${base}members`, `${base}flavors`];
}

/** The member of C:flavors naming a project's flavor (the lex range of a project starts at `<P>/`). */
export const flavorMember = (project: string, name: string): string => `${encodeProject(project)}/${name}`;

/** Default key of the driver-wide index of queues with subscriptions (see the layout above). */
export const SUBSCRIBED_INDEX_KEY = `${KEY_PREFIX}:subscribed`;

/** How long a subscribed queue may go without a lease visit (ms). */
export const RECHECK_MS = 5000;

/** The keys of a queue from its key base (`zq:{P/Q}:`). */
export function keysOfBase(base: string): { readonly record: string; readonly base: string } {
  return { record: `${base}q`, base };
}

/** The scope of a queue key base (`zq:{P/Q}:`); null when it is not one. */
export function scopeOfBase(base: string): Scope | null {
  if (!base.endsWith("}:")) return null;
  const decoded = decodeKey(`${base}q`);
  return decoded?.kind === "queue" ? { project: decoded.project, queue: decoded.queue } : null;
}

/**
 * Splits a driver-wide job id into its queue's key base, the queue's scope
 * and the job id within the queue; null when it is not one.
 */
export function splitJobId(id: string): { readonly base: string; readonly scope: Scope; readonly local: string } | null {
  const head = `${KEY_PREFIX}:{`;
  if (!id.startsWith(head)) return null;
  const close = id.indexOf("}:", head.length);
  if (close < 0) return null;
  const base = id.slice(0, close + 2);
  const scope = scopeOfBase(base);
  const local = id.slice(close + 2);
  if (scope === null || !/^[ncu]:[^:]+:./.test(local)) return null;
  return { base, scope, local };
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
