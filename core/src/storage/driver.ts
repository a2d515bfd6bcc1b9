/**
 * The storage contract of the core.
 *
 * Two drivers implement it and must behave identically (the shared behaviour
 * suite in test/core/storage/conformance.ts proves it): `memory` (the embedded
 * default and the reference model) and `redis` (production; one Lua script per
 * atomic operation).
 *
 * Rules every implementation follows:
 * - Every method takes the scope first: the project, and the queue where one is
 *   involved. Stores never read a request context. Two projects never see each
 *   other's queues, messages or claims, whatever ids they pass.
 * - Inputs are already validated by the service layer (names, ranges, sizes);
 *   drivers do not re-validate them, but they must not crash or corrupt data on
 *   ids they do not know (any string may arrive as a message or claim id).
 * - Time comes from the injected Clock (Unix ms). A message is live while
 *   `now < expiresAtMs`; a claim is live while `now < claim.expiresAtMs`.
 *   Expired messages are never returned and never counted; an expired claim
 *   behaves exactly like a released one.
 * - Failure is signalled only by throwing ZaqarError. An unreachable backend
 *   throws STORAGE_UNAVAILABLE. Other reasons are listed per method.
 * - Records returned are plain data, never live views of storage.
 */
import type { Clock } from "../clock.ts";

/** A project. */
export interface ProjectScope {
  readonly project: string;
}

/** One queue of one project. */
export interface Scope extends ProjectScope {
  readonly queue: string;
}

/** Queue metadata as stored: a JSON object, reserved `_` attributes included. */
export type QueueMetadata = Record<string, unknown>;

/**
 * What the service layer needs to know about a queue before posting to it.
 * `version` changes whenever the metadata changes and when the queue is
 * deleted and re-created; it is "" for a queue that does not exist.
 */
export interface QueueInfo {
  readonly exists: boolean;
  readonly metadata: QueueMetadata;
  readonly version: string;
}

export interface QueueListPage {
  /** Ordered by name, byte order. */
  readonly queues: ReadonlyArray<{ readonly name: string; readonly metadata?: QueueMetadata }>;
  /** Number of queues in the project, only when asked for. */
  readonly count?: number;
}

export interface QueueStats {
  /** Live messages under a live claim. */
  readonly claimed: number;
  /** Live messages not under a live claim (delayed ones included). */
  readonly free: number;
  /** claimed + free. */
  readonly total: number;
  /** Oldest and newest live messages by enqueue order; absent when total is 0. */
  readonly oldest?: MessageStamp;
  readonly newest?: MessageStamp;
}

export interface MessageStamp {
  readonly id: string;
  readonly createdAtMs: number;
}

/** A message to post. */
export interface NewMessage {
  /** JSON text of the body, stored and returned byte for byte. */
  readonly body: string;
  /** Seconds. */
  readonly ttl: number;
  /** Seconds the message stays invisible to claims and default listings; 0 for none. */
  readonly delay: number;
}

/** A message as stored. */
export interface StoredMessage {
  readonly id: string;
  /** JSON text of the body, byte for byte as posted. */
  readonly body: string;
  /** Current TTL in seconds (claims may extend it to claim ttl + grace). */
  readonly ttl: number;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  /** Visible to claims from this time on (createdAtMs + delay). */
  readonly visibleAtMs: number;
  /** Client id of the producer. */
  readonly clientId: string;
  /** The live claim holding the message, or null. */
  readonly claimId: string | null;
  /** How many claims have taken this message so far. */
  readonly claimCount: number;
  /** Opaque paging marker: list after this message by passing it as `marker`. */
  readonly marker: string;
}

export interface PostOptions {
  readonly clientId: string;
  readonly ifVersion: string;
  /** Which subscriptions get notification jobs; default "all". */
  readonly subscribers?: "all" | "confirmed";
}

export interface ListMessagesOptions {
  /** Marker of the last message of the previous page; undefined to start at the oldest. */
  readonly marker?: string;
  readonly limit: number;
  /** Include messages whose clientId equals `clientId`. */
  readonly echo: boolean;
  /** The caller's client id (compared with the producer's when echo is false). */
  readonly clientId: string;
  readonly includeClaimed: boolean;
  readonly includeDelayed: boolean;
}

export interface ClaimOptions {
  /** Claim lease, seconds. */
  readonly ttl: number;
  /** Extra life given to messages that would expire before the claim, seconds. */
  readonly grace: number;
  /** Most messages to take. */
  readonly limit: number;
  /**
   * The QueueInfo.version the caller read the queue's metadata (and so its
   * dead-letter settings) at; when the queue's version differs nothing is
   * claimed and QUEUE_VERSION_MISMATCH is thrown. Undefined: no check.
   */
  readonly ifVersion?: string;
  /** Dead-lettering, when the queue has it (see DeadLetterOptions). */
  readonly deadLetter?: DeadLetterOptions;
}

/**
 * Zaqar's dead-lettering (_max_claim_count + _dead_letter_queue). A claim
 * selects messages as usual (they count against its limit); each selected
 * message whose claimCount is already >= maxClaims is moved instead of
 * claimed, atomically as seen from outside: it leaves this queue and appears
 * at the tail of `queue` (same project; created with empty metadata when
 * absent) with the same id, body, creation time and producer, claimCount 0,
 * unclaimed, visible at once, and a new TTL when `ttl` is given. A message is
 * never lost on the way and never readable in both queues; a driver whose
 * move takes several steps (Redis Cluster: the two queues live in different
 * slots) keeps it held under an internal claim meanwhile and finishes an
 * interrupted move on a later claim, exactly once.
 */
export interface DeadLetterOptions {
  readonly maxClaims: number;
  /** A valid queue name other than the claimed queue's. */
  readonly queue: string;
  /** TTL (s) of moved messages, counted from the move; null keeps each one's TTL and expiry. */
  readonly ttl: number | null;
}

export interface ClaimRecord {
  readonly id: string;
  /** Current claim TTL in seconds. */
  readonly ttl: number;
  /** When the claim was created or last renewed. */
  readonly updatedAtMs: number;
  readonly expiresAtMs: number;
  /** Live messages the claim still holds, in enqueue order. */
  readonly messages: readonly StoredMessage[];
}

export interface QueueStore {
  /**
   * Creates the queue with the given metadata if it does not exist; returns
   * true when it was created. An existing queue's metadata is not changed.
   */
  create(scope: Scope, metadata: QueueMetadata): Promise<boolean>;
  /** Queue existence, metadata and version (see QueueInfo). */
  info(scope: Scope): Promise<QueueInfo>;
  /**
   * Replaces the metadata if the queue's version still equals `ifVersion`.
   * Throws QUEUE_NOT_FOUND when the queue does not exist and
   * QUEUE_VERSION_MISMATCH when it changed meanwhile (the caller re-reads and retries).
   */
  setMetadata(scope: Scope, metadata: QueueMetadata, ifVersion: string): Promise<void>;
  /**
   * One page of the project's queues after `marker` (a queue name; queues whose
   * name sorts after it). `detailed` adds the stored metadata; `withCount` adds
   * the project's queue count.
   */
  list(
    scope: ProjectScope,
    options: { readonly marker?: string; readonly limit: number; readonly detailed: boolean; readonly withCount: boolean },
  ): Promise<QueueListPage>;
  /** Deletes the queue, its messages, claims, subscriptions and pending jobs. No error when absent. */
  delete(scope: Scope): Promise<void>;
  /** Exact counts of live messages; never scans the whole queue. */
  stats(scope: Scope): Promise<QueueStats>;
}

export interface MessageStore {
  /**
   * Posts the messages in one atomic step, in order (FIFO by a per-queue
   * monotonic sequence), all with createdAtMs = now, and returns their new ids
   * in the same order. Creates the queue (empty metadata) when absent.
   * `ifVersion` is the QueueInfo.version the caller validated the batch
   * against; when the queue's version differs nothing is stored and
   * QUEUE_VERSION_MISMATCH is thrown.
   *
   * In the same atomic step it records one notification job per (posted
   * message, live subscription of the queue) — only confirmed subscriptions
   * when `subscribers` is "confirmed" — each due at once and holding a copy
   * of the message as posted (body, ttl, delay), so a crash can lose a
   * notification only together with its message. A queue without
   * subscriptions pays nothing for this.
   */
  post(scope: Scope, messages: readonly NewMessage[], options: PostOptions): Promise<string[]>;
  /**
   * One page of live messages after `marker`, oldest first, filtered as the
   * options say. May return fewer than `limit` while more exist further on
   * (callers page until an empty page). An unknown or malformed marker lists
   * from the oldest message. An unknown queue gives an empty page.
   */
  list(scope: Scope, options: ListMessagesOptions): Promise<StoredMessage[]>;
  /**
   * One live message, claimed or delayed alike. Throws QUEUE_NOT_FOUND when the
   * queue does not exist and MESSAGE_NOT_FOUND when the message does not (or expired).
   */
  get(scope: Scope, id: string): Promise<StoredMessage>;
  /** The live messages among `ids`, in the order of `ids`, skipping unknown ones. */
  getMany(scope: Scope, ids: readonly string[]): Promise<StoredMessage[]>;
  /**
   * Deletes one message, atomically with its claim check:
   * - message or queue absent/expired: no-op;
   * - claimId null: deletes an unclaimed message, throws MESSAGE_CLAIMED when a live claim holds it;
   * - claimId given: throws CLAIM_GONE when no live claim has that id (the message stays),
   *   MESSAGE_NOT_CLAIMED when the message is not claimed, MESSAGE_CLAIMED when another live
   *   claim holds it; deletes it (and removes it from the claim) when that claim holds it.
   */
  delete(scope: Scope, id: string, claimId: string | null): Promise<void>;
  /** Deletes the listed messages whether claimed or not, in one atomic step. Unknown ids are ignored. */
  deleteMany(scope: Scope, ids: readonly string[]): Promise<void>;
  /**
   * Atomically takes up to `limit` messages a claim would take (oldest first,
   * free, visible, live) and deletes them. Each is returned with a fresh
   * transient claimId and its claimCount before the pop.
   */
  pop(scope: Scope, limit: number): Promise<StoredMessage[]>;
  /**
   * Deletes every message of the queue (claimed, delayed or not) and every
   * claim, keeping the queue and its metadata. No error when the queue is absent.
   * (Added after the first drivers: implement it in both.)
   */
  purge(scope: Scope): Promise<void>;
}

export interface ClaimStore {
  /**
   * Atomically claims up to `limit` messages: oldest first, skipping (each on
   * its own) messages under a live claim, delayed ones and expired ones. No
   * message is ever in two live claims. Each claimed message gets claimCount+1,
   * and when it would expire before now + ttl its TTL becomes ttl + grace and
   * its expiry now + ttl + grace. Returns null (and creates no claim) when no
   * message could be claimed, including for an unknown queue, and when every
   * selected message was dead-lettered (see DeadLetterOptions).
   */
  create(scope: Scope, options: ClaimOptions): Promise<ClaimRecord | null>;
  /** A live claim. Throws CLAIM_NOT_FOUND when absent or expired (or the queue is absent). */
  get(scope: Scope, id: string): Promise<ClaimRecord>;
  /**
   * Renews a live claim: expiry = now + ttl, ttl = ttl, updatedAtMs = now;
   * each message it holds gets the new claim expiry and, when it would expire
   * before it, TTL ttl + grace and expiry now + ttl + grace.
   * Throws CLAIM_NOT_FOUND when absent or expired.
   */
  update(scope: Scope, id: string, options: { readonly ttl: number; readonly grace: number }): Promise<void>;
  /** Releases a claim: its messages are free at once (extended TTLs stay). No error when absent. */
  delete(scope: Scope, id: string): Promise<void>;
}

/** A subscription as stored (rest-subscriptions-notifications.md §1). */
export interface StoredSubscription {
  readonly id: string;
  /** Subscriber URI, as given. Unique within its queue. */
  readonly subscriber: string;
  /** Seconds. */
  readonly ttl: number;
  readonly createdAtMs: number;
  /** now + ttl at creation or at the last update that set ttl; live while now < expiresAtMs. */
  readonly expiresAtMs: number;
  /** Options as a JSON object text, byte for byte as given. */
  readonly options: string;
  readonly confirmed: boolean;
}

export interface NewSubscription {
  readonly subscriber: string;
  readonly ttl: number;
  /** JSON object text. */
  readonly options: string;
}

export interface SubscriptionStore {
  /**
   * Creates a subscription (unconfirmed), creating the queue (empty metadata)
   * when absent. When a live subscription of the queue has the same
   * subscriber: an unconfirmed one is answered ({id, created: false}, left
   * unchanged), a confirmed one throws SUBSCRIPTION_EXISTS. `confirmation`:
   * a document the service rendered; when given, a "subscription-confirmation"
   * job carrying it is recorded for the resulting subscription in the same
   * atomic step (also when an unconfirmed one is answered).
   */
  create(scope: Scope, sub: NewSubscription, options: { readonly confirmation?: string }): Promise<{ readonly id: string; readonly created: boolean }>;
  /** One page of live subscriptions after `marker` (an id), ordered by id (byte order). Unknown queue: []. */
  list(scope: Scope, options: { readonly marker?: string; readonly limit: number }): Promise<StoredSubscription[]>;
  /** A live subscription; throws SUBSCRIPTION_NOT_FOUND when absent or expired. */
  get(scope: Scope, id: string): Promise<StoredSubscription>;
  /**
   * Changes the given fields atomically. A new ttl also resets expiresAtMs to
   * now + ttl. Throws SUBSCRIPTION_NOT_FOUND, and SUBSCRIPTION_EXISTS when
   * another live subscription of the queue has the new subscriber.
   */
  update(
    scope: Scope,
    id: string,
    changes: { readonly subscriber?: string; readonly ttl?: number; readonly options?: string },
  ): Promise<void>;
  /** Deletes it and its pending jobs. No error when absent. */
  delete(scope: Scope, id: string): Promise<void>;
  /**
   * Sets the confirmed flag. `unsubscribe`: a document the service rendered;
   * when given, an "unsubscribe-confirmation" job carrying it is recorded in
   * the same atomic step. Throws SUBSCRIPTION_NOT_FOUND.
   */
  confirm(scope: Scope, id: string, confirmed: boolean, options: { readonly unsubscribe?: string }): Promise<void>;
  /** Deletes every subscription of the queue and their pending jobs. No error when absent. */
  purge(scope: Scope): Promise<void>;
}

export type JobKind = "notification" | "subscription-confirmation" | "unsubscribe-confirmation";

/** A job handed to a notifier (through the core's NotificationService). */
export interface LeasedJob {
  /** Unique across the driver; names the job's queue too (opaque to callers). */
  readonly id: string;
  /** Identifies this lease; ack and retry must present it. */
  readonly leaseId: string;
  readonly scope: Scope;
  readonly kind: JobKind;
  /** Attempts made before this lease. */
  readonly attempts: number;
  /** The subscription as it is now. */
  readonly subscription: StoredSubscription;
  /** "notification": the message as it was posted (it may be gone from the queue since). */
  readonly message?: { readonly body: string; readonly ttl: number; readonly delay: number };
  /** Confirmation kinds: the document recorded with the job. */
  readonly document?: string;
}

/**
 * Notification jobs across every queue of the driver. A job is due from its
 * due time on; leasing makes it not due until the lease ends, so a job whose
 * notifier died is leased again (at least once) while two live notifiers
 * never hold the same job. A job whose subscription is gone (deleted,
 * expired, or its queue deleted) is dropped instead of leased.
 */
export interface JobStore {
  /** Leases up to `max` due jobs (any queues, oldest due first where cheap) for `leaseMs`. */
  lease(options: { readonly max: number; readonly leaseMs: number }): Promise<LeasedJob[]>;
  /** Removes finished jobs; one whose lease id no longer matches is left alone. */
  ack(jobs: ReadonlyArray<{ readonly id: string; readonly leaseId: string }>): Promise<void>;
  /** Makes a leased job due again after delayMs with this attempt count; ignored when the lease id no longer matches. */
  retry(job: { readonly id: string; readonly leaseId: string }, options: { readonly delayMs: number; readonly attempts: number }): Promise<void>;
}

/** Features a driver offers, after Zaqar's Capabilities. */
export type Capability = "fifo" | "claims" | "durable" | "aod" | "high_throughput";

/**
 * A pool of the catalog (rest-admin-pools-flavors-health.md §3): a storage
 * backend queues may be placed on. Pools are global, not per project.
 */
export interface StoredPool {
  /** Any text (it comes from a URL path segment). */
  readonly name: string;
  /** The backend's URI, as given; no two pools have the same. */
  readonly uri: string;
  /** 0..2^32-1. */
  readonly weight: number;
  /** The flavor name the pool belongs to; null for none. Never "". */
  readonly flavor: string | null;
  /** Options as a JSON object text, stored and returned byte for byte. */
  readonly options: string;
  /** What the backend offers, as the service judged it from the URI; stored in any order, returned in CAPABILITY_ORDER. */
  readonly capabilities: readonly Capability[];
}

/** A pool to store: every field but the name. */
export type NewPool = Omit<StoredPool, "name">;

/** The fields of a pool update; at least one is given. A new uri comes with its capabilities. */
export interface PoolChanges {
  readonly uri?: { readonly uri: string; readonly capabilities: readonly Capability[] };
  readonly weight?: number;
  /** null takes the pool out of its flavor. */
  readonly flavor?: string | null;
  readonly options?: string;
}

/**
 * A flavor (rest-admin-pools-flavors-health.md §4): a named set of pools, in
 * one project. Its pools are the pools whose `flavor` is its name, so pool
 * membership is by name across projects (as in Zaqar): two projects' flavors
 * of the same name share their pools.
 */
export interface StoredFlavor {
  readonly name: string;
  /** The pools naming this flavor, ordered by name (byte order). */
  readonly pools: readonly StoredPool[];
}

/**
 * The catalog of pools and flavors. Every method is atomic. Names are any
 * strings (the service does not restrict them); pages are by name, byte
 * order, after `marker` (names sorting after it).
 */
export interface CatalogStore {
  /**
   * Creates the pool, or replaces every field of an existing one. Throws, and
   * changes nothing, in this order: POOL_CAPABILITIES_MISMATCH when
   * pool.flavor is set and another pool of that flavor has other
   * capabilities; POOL_URI_IN_USE when another pool has the uri.
   */
  putPool(name: string, pool: NewPool): Promise<void>;
  /**
   * Changes the given fields and returns the pool as it now is. Throws, and
   * changes nothing, in this order: POOL_NOT_FOUND; POOL_CAPABILITIES_MISMATCH
   * when the changes give a uri or a (non-null) flavor and another pool of
   * the resulting flavor has capabilities other than the resulting ones;
   * POOL_URI_IN_USE.
   */
  updatePool(name: string, changes: PoolChanges): Promise<StoredPool>;
  /** Throws POOL_NOT_FOUND when absent. */
  getPool(name: string): Promise<StoredPool>;
  listPools(options: { readonly marker?: string; readonly limit: number }): Promise<StoredPool[]>;
  /**
   * Deletes the pool (its uri becomes free). No error when absent. Throws
   * POOL_IN_USE, and keeps it, when it is the only pool of its flavor.
   */
  deletePool(name: string): Promise<void>;
  /**
   * Creates the flavor in the project when absent and puts each listed pool
   * in it (a pool in another flavor moves); pools of the flavor not listed
   * stay. Throws POOL_NOT_FOUND naming the first listed pool that does not
   * exist, and then changes nothing.
   */
  putFlavor(scope: ProjectScope, name: string, pools: readonly string[]): Promise<void>;
  /**
   * Makes the listed pools the flavor's pools: they join it, its other pools
   * leave it (flavor null). Throws, and changes nothing, in this order:
   * FLAVOR_NOT_FOUND; POOL_NOT_FOUND naming the first listed pool that does
   * not exist.
   */
  updateFlavor(scope: ProjectScope, name: string, pools: readonly string[]): Promise<void>;
  /** Throws FLAVOR_NOT_FOUND when the project has no such flavor. */
  getFlavor(scope: ProjectScope, name: string): Promise<StoredFlavor>;
  listFlavors(scope: ProjectScope, options: { readonly marker?: string; readonly limit: number }): Promise<StoredFlavor[]>;
  /**
   * Takes every pool naming the flavor out of it (whether or not the project
   * has the flavor) and deletes the project's flavor. No error when absent.
   */
  deleteFlavor(scope: ProjectScope, name: string): Promise<void>;
}

/** Capabilities in Zaqar's enum order (FIFO, CLAIMS, DURABILITY, AOD, HIGH_THROUGHPUT). */
export const CAPABILITY_ORDER: readonly Capability[] = ["fifo", "claims", "durable", "aod", "high_throughput"];

export interface StorageDriver {
  readonly name: "memory" | "redis";
  readonly capabilities: ReadonlySet<Capability>;
  readonly queues: QueueStore;
  readonly messages: MessageStore;
  readonly claims: ClaimStore;
  readonly subscriptions: SubscriptionStore;
  readonly jobs: JobStore;
  /** The pools and flavors (the catalog). */
  readonly catalog: CatalogStore;
  /** True when the backend answers. Never throws. */
  ping(): Promise<boolean>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** What every driver factory takes. */
export interface DriverDeps {
  readonly clock: Clock;
}
