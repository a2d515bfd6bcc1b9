import { Code } from "@connectrpc/connect";

/**
 * The one error type the core throws on purpose.
 *
 * `reason` comes from the closed, append-only registry below. Each entry fixes
 * the gRPC code, the HTTP status Zaqar answers and Zaqar's error title, so every
 * transport renders the same error the same way. Retired reasons are never
 * reused. `description` is Zaqar's text for the case, verbatim (clients and
 * Zaqar's own tests match substrings of it).
 */
export const reasons = {
  /** Validation failure: Zaqar's ValidationFailed ("Invalid API request"). */
  INVALID_REQUEST: { grpc: Code.InvalidArgument, http: 400, title: "Invalid API request" },
  /** Body could not be parsed or has the wrong shape or types. */
  INVALID_BODY: { grpc: Code.InvalidArgument, http: 400, title: "Invalid request body" },
  /** Queue name or project id does not match Zaqar's rules. */
  INVALID_QUEUE_NAME: { grpc: Code.InvalidArgument, http: 400, title: "Invalid queue identification" },
  /** The project id is missing from the call. */
  PROJECT_MISSING: { grpc: Code.InvalidArgument, http: 400, title: "Project-Id Missing" },
  /** The project id is present but empty. */
  PROJECT_EMPTY: { grpc: Code.InvalidArgument, http: 400, title: "Empty project header not allowed" },
  /** The client id is missing from a call that needs it. */
  CLIENT_ID_MISSING: { grpc: Code.InvalidArgument, http: 400, title: "Missing header value" },
  /** The client id is not a UUID (client_id_uuid_safe = strict). */
  CLIENT_ID_MALFORMED: { grpc: Code.InvalidArgument, http: 400, title: "Wrong UUID value" },
  /** The client id's length is out of range (client_id_uuid_safe = off); Zaqar puts the text in the title. */
  CLIENT_ID_LENGTH: { grpc: Code.InvalidArgument, http: 400, title: "Length of client id must be at least 10 and no greater than 36." },
  QUEUE_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  MESSAGE_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  CLAIM_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  /** A message under a live claim was deleted without its claim id, or with another live claim's id. */
  MESSAGE_CLAIMED: { grpc: Code.PermissionDenied, http: 403, title: "Unable to delete" },
  /** Delete named a claim that does not exist (or expired). */
  CLAIM_GONE: { grpc: Code.FailedPrecondition, http: 400, title: "Unable to delete" },
  /** Delete named a live claim, but the message is not claimed. */
  MESSAGE_NOT_CLAIMED: { grpc: Code.FailedPrecondition, http: 400, title: "Unable to delete" },
  /** JSON-patch conflict (replace/remove of an absent key), duplicates. */
  CONFLICT: { grpc: Code.AlreadyExists, http: 409, title: "Resource conflict" },
  /** Policy denial (e.g. health without the admin role). */
  NOT_AUTHORIZED: { grpc: Code.PermissionDenied, http: 403, title: "Not authorized" },
  /** The storage backend did not answer; the client may retry. */
  STORAGE_UNAVAILABLE: { grpc: Code.Unavailable, http: 503, title: "Service temporarily unavailable" },
  /**
   * Internal: the queue's metadata changed since the caller validated against
   * it (optimistic concurrency on post). Handlers retry; never reaches a client.
   */
  QUEUE_VERSION_MISMATCH: { grpc: Code.Aborted, http: 503, title: "Service temporarily unavailable" },
  /** Topic name or project id does not match Zaqar's rules (the queue rules, with the topic title). */
  INVALID_TOPIC_NAME: { grpc: Code.InvalidArgument, http: 400, title: "Invalid topic identification" },
  SUBSCRIPTION_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  /** A confirmed subscription of the queue already has this subscriber. */
  SUBSCRIPTION_EXISTS: { grpc: Code.AlreadyExists, http: 409, title: "Resource conflict" },
  /** A subscription PATCH naming none of subscriber, ttl and options (Zaqar's failed assertion). */
  SUBSCRIPTION_NOT_UPDATED: { grpc: Code.InvalidArgument, http: 400, title: "Unable to update subscription" },
  /** A pool of the catalog that does not exist ("Pool <name> does not exist"). */
  POOL_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  /** A flavor of the caller's project that does not exist ("Flavor <name> does not exist"). */
  FLAVOR_NOT_FOUND: { grpc: Code.NotFound, http: 404, title: "Not found" },
  /** Another pool already has this URI. */
  POOL_URI_IN_USE: { grpc: Code.AlreadyExists, http: 409, title: "Resource conflict" },
  /** The pool's flavor has pools whose capabilities differ from this pool's. */
  POOL_CAPABILITIES_MISMATCH: { grpc: Code.FailedPrecondition, http: 400, title: "Unable to create pool" },
  /** The pool is the last pool of its flavor. */
  POOL_IN_USE: { grpc: Code.FailedPrecondition, http: 403, title: "Unable to delete" },
  /** A pool's URI could not be connected to (or has a scheme the core cannot store to). */
  POOL_UNREACHABLE: { grpc: Code.InvalidArgument, http: 400, title: "Invalid request body" },
  /** A flavor create or update with an empty pool_list ("Bad Request"). */
  FLAVOR_POOL_LIST_EMPTY: { grpc: Code.InvalidArgument, http: 400, title: "Unable to create" },
  /** A flavor create naming a pool that does not exist. */
  FLAVOR_NOT_CREATED: { grpc: Code.InvalidArgument, http: 400, title: "Unable to create" },
  /** A flavor update naming a pool that does not exist (Zaqar's title, verbatim). */
  FLAVOR_NOT_UPDATED: { grpc: Code.InvalidArgument, http: 400, title: "updatefail" },
} as const;

export type Reason = keyof typeof reasons;

export class ZaqarError extends Error {
  override readonly name = "ZaqarError";
  readonly reason: Reason;
  readonly meta: Readonly<Record<string, string>>;

  constructor(reason: Reason, description: string, options: { cause?: unknown; meta?: Record<string, string> } = {}) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.meta = options.meta ?? {};
  }

  get description(): string {
    return this.message;
  }
}

export function isZaqarError(err: unknown, reason?: Reason): err is ZaqarError {
  return err instanceof ZaqarError && (reason === undefined || err.reason === reason);
}

/** What every transport sends for an error: a gRPC code, a description and (for ZaqarErrors) the detail. */
export interface ErrorView {
  code: Code;
  description: string;
  detail?: { reason: Reason; title: string; httpStatus: number; meta: Record<string, string> };
}

/**
 * Maps any thrown value to what goes on the wire. Unexpected errors never leak
 * their message: the caller logs them (with the cause chain) and the client
 * gets a generic internal error, which edges answer as Zaqar's 503.
 */
export function viewError(err: unknown): ErrorView {
  if (err instanceof ZaqarError) {
    const entry = reasons[err.reason];
    return {
      code: entry.grpc,
      description: err.description,
      detail: { reason: err.reason, title: entry.title, httpStatus: entry.http, meta: { ...err.meta } },
    };
  }
  return { code: Code.Internal, description: "internal error" };
}
