/**
 * Product limits and defaults, named after Zaqar's [transport] options
 * (../shared/spec/README.md §7) so that behaviour matches the reference.
 * All of them can be overridden through the core's config.
 */
export interface Limits {
  /** Longest queue name (Zaqar: 64). */
  readonly maxQueueNameLength: number;
  /** Longest project id (Zaqar: 256). */
  readonly maxProjectIdLength: number;
  /** TTL of a message posted without one, seconds. */
  readonly defaultMessageTtl: number;
  /** Shortest message TTL, seconds. */
  readonly minMessageTtl: number;
  /** Longest message TTL, seconds (14 days). */
  readonly maxMessageTtl: number;
  /** Default per-message delay, seconds. */
  readonly defaultMessageDelay: number;
  /** Longest message delay, seconds. */
  readonly maxMessageDelay: number;
  /** Claim TTL when the client gives none, seconds. */
  readonly defaultClaimTtl: number;
  /** Claim grace when the client gives none, seconds. */
  readonly defaultClaimGrace: number;
  /** Claim ttl and grace range, seconds (60..43200). */
  readonly minClaimTtl: number;
  readonly maxClaimTtl: number;
  readonly minClaimGrace: number;
  readonly maxClaimGrace: number;
  /** Page sizes. */
  readonly maxQueuesPerPage: number;
  readonly defaultQueuesPerPage: number;
  readonly maxMessagesPerPage: number;
  readonly defaultMessagesPerPage: number;
  /** Most messages one claim or pop may take; default claim limit. */
  readonly maxMessagesPerClaimOrPop: number;
  readonly defaultClaimLimit: number;
  /** Largest queue metadata document, bytes. */
  readonly maxQueueMetadata: number;
  /** Largest message-post document, bytes (inclusive). */
  readonly maxMessagesPostSize: number;
  /** TTL of a subscription created without one, seconds (at least 60). */
  readonly defaultSubscriptionTtl: number;
  /** Subscription page sizes. */
  readonly maxSubscriptionsPerPage: number;
  readonly defaultSubscriptionsPerPage: number;
  /** Pool and flavor page sizes (Zaqar's max_pools_per_page, max_flavors_per_page; 10 when not given). */
  readonly maxPoolsPerPage: number;
  readonly maxFlavorsPerPage: number;
}

export const defaultLimits: Limits = Object.freeze({
  maxQueueNameLength: 64,
  maxProjectIdLength: 256,
  defaultMessageTtl: 3600,
  minMessageTtl: 60,
  maxMessageTtl: 1209600,
  defaultMessageDelay: 0,
  maxMessageDelay: 900,
  defaultClaimTtl: 300,
  defaultClaimGrace: 60,
  minClaimTtl: 60,
  maxClaimTtl: 43200,
  minClaimGrace: 60,
  maxClaimGrace: 43200,
  maxQueuesPerPage: 20,
  defaultQueuesPerPage: 10,
  maxMessagesPerPage: 20,
  defaultMessagesPerPage: 10,
  maxMessagesPerClaimOrPop: 20,
  defaultClaimLimit: 10,
  maxQueueMetadata: 65536,
  maxMessagesPostSize: 262144,
  defaultSubscriptionTtl: 3600,
  maxSubscriptionsPerPage: 20,
  defaultSubscriptionsPerPage: 10,
  maxPoolsPerPage: 20,
  maxFlavorsPerPage: 20,
});
