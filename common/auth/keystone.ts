/**
 * Keystone v3 token validation: the contract the edges code against when
 * auth_strategy is keystone, and its implementation.
 *
 * How a token is checked. The service authenticates as its own user (password
 * auth, scoped to the service project; that user needs role `service` or `admin`
 * to validate other users' tokens) and asks `GET /v3/auth/tokens?nocatalog` with
 * X-Auth-Token = its token and X-Subject-Token = the client's token.
 *   200 with a project scope  -> the Identity (project id, user id, role names, expiry)
 *   200 without one           -> null (unscoped, domain- or system-scoped: no tenant)
 *   404                       -> null (unknown, altered, expired or revoked)
 *   401                       -> the service token was refused: it is replaced and the
 *                                question asked once more; a second 401 means the subject
 *                                -> null
 *   403, other status, no answer within timeoutMs, refused connection, refused service
 *   credentials               -> KeystoneUnavailable (the edge answers 503, never 401)
 * Tokens longer than MAX_TOKEN_LENGTH or with a character outside visible ASCII
 * (no Keystone token has one; they could not be sent as a header) are null at once.
 *
 * Caching. Entries are keyed by the SHA-256 of the token (the token itself is never
 * kept as a key, nor logged) and bounded (least recently used out first).
 *   valid:   reused until min(validation + cacheTtlMs, the token's expires_at): a cached
 *            identity is never returned at or after its token's expiry. A token revoked
 *            in Keystone can thus keep working here for up to cacheTtlMs.
 *   invalid: reused for min(cacheTtlMs, 10 s), in a separate table of cacheMaxEntries/4
 *            entries, so a client repeating a bad token costs Keystone one request per
 *            10 s, and a flood of distinct garbage cannot push valid identities out.
 *   failures (KeystoneUnavailable) are never cached.
 * Concurrent validations of one token share a single Keystone request.
 */
import { createHash } from "node:crypto";
import { createKeystoneClient, field } from "./keystone-client.ts";
import { KeystoneUnavailable } from "./keystone-unavailable.ts";
import { createServiceTokens } from "./service-token.ts";
import { createTtlLru } from "./ttl-lru.ts";

export { KeystoneUnavailable } from "./keystone-unavailable.ts";
export { readKeystoneSettings } from "./keystone-settings.ts";

/** Who a valid, project-scoped token speaks for. */
export interface Identity {
  /** Keystone's project id: the tenant (what keystonemiddleware puts in X-Project-Id). */
  readonly projectId: string;
  readonly userId: string;
  /** Role names, implied roles included (an admin token lists admin, member and reader). */
  readonly roles: readonly string[];
  /** ms since epoch */
  readonly expiresAt: number;
}

export interface KeystoneSettings {
  /** Keystone's public endpoint, e.g. http://127.0.0.1:5000 (a trailing /v3 is accepted). */
  readonly url: string;
  readonly serviceUser: string;
  readonly servicePassword: string;
  /** Project name the service token is scoped to. */
  readonly serviceProject: string;
  /** Domain id of the service user and project ("default" is the id of the Default domain). */
  readonly serviceDomain: string;
  /** How long a validation is reused (never past the token's expiry); 0 turns caching off. */
  readonly cacheTtlMs: number;
  /** Most cached valid tokens (invalid ones get a quarter of this in a table of their own); 0 turns caching off. */
  readonly cacheMaxEntries: number;
  /** Per request to Keystone. */
  readonly timeoutMs: number;
  /**
   * Validations asked of Keystone at once (default 16): a flood of distinct
   * unknown tokens queues here instead of piling onto Keystone; up to 64 per
   * slot wait, beyond that validation throws KeystoneUnavailable (503).
   */
  readonly maxConcurrent?: number;
}

export interface TokenValidator {
  /** The token's identity, or null when Keystone says it is not valid (unknown, altered, expired, revoked) or it has no project scope. Throws KeystoneUnavailable. */
  validate(token: string): Promise<Identity | null>;
  /**
   * What the cache already knows, without asking Keystone: the identity, null
   * for a token known invalid (or one that can never be valid), undefined when
   * only Keystone can tell (then call validate). Lets a caller keep its common
   * path synchronous.
   */
  cached(token: string): Identity | null | undefined;
  /** Drops the caches and aborts requests in flight (they reject with KeystoneUnavailable); validate then always throws. */
  close(): void;
}

/** Longest token asked about: Keystone's own tokens are far shorter (fernet ~180-250 characters). */
export const MAX_TOKEN_LENGTH = 8192;
/** How long an invalid answer is reused at most. */
export const INVALID_CACHE_MS = 10_000;

const TOKEN_SYNTAX = /^[\x21-\x7e]+$/;
const DEFAULT_MAX_CONCURRENT = 16;
/** Waiting validations allowed per concurrent slot before new ones are refused. */
const WAITING_PER_SLOT = 64;
const WARN_EVERY_MS = 5_000;

export function createKeystoneValidator(
  settings: KeystoneSettings,
  deps: { now?: () => number; log?: { warn(obj: object, msg: string): void } } = {},
): TokenValidator {
  const now = deps.now ?? Date.now;
  const closing = new AbortController();
  const client = createKeystoneClient(settings, closing.signal);
  const serviceTokens = createServiceTokens(client, now);
  const cacheOn = settings.cacheTtlMs > 0 && settings.cacheMaxEntries > 0;
  const valid = createTtlLru<Identity>(cacheOn ? settings.cacheMaxEntries : 0);
  const invalid = createTtlLru<true>(cacheOn ? Math.ceil(settings.cacheMaxEntries / 4) : 0);
  const inflight = new Map<string, Promise<Identity | null>>();
  let lastWarn = -Infinity;
  const maxConcurrent = settings.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
  let running = 0;
  const waiting: Array<() => void> = [];

  /** Runs `work` within maxConcurrent: a finishing one hands its slot to the first waiting. */
  async function limited<T>(work: () => Promise<T>): Promise<T> {
    if (running < maxConcurrent) running++;
    else {
      if (waiting.length >= maxConcurrent * WAITING_PER_SLOT) throw new KeystoneUnavailable("too many token validations are waiting for Keystone");
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next !== undefined) next();
      else running--;
    }
  }

  // An outage would otherwise log once per request.
  const warn = (err: unknown): void => {
    if (deps.log === undefined) return;
    const at = Date.now();
    if (at - lastWarn < WARN_EVERY_MS) return;
    lastWarn = at;
    deps.log.warn({ err: err instanceof Error ? err.message : String(err), keystone: settings.url }, "Keystone unavailable: token validation answers 503");
  };

  async function ask(token: string): Promise<Identity | null> {
    let service = await serviceTokens.current();
    for (let retried = false; ; retried = true) {
      const answer = await client.validate(service.value, token);
      switch (answer.status) {
        case 200:
          return identityOf(answer.body, now());
        case 404:
          return null;
        case 401:
          // Keystone answers an invalid subject with 404: a 401 is about our own token.
          if (retried) return null;
          serviceTokens.drop(service);
          service = await serviceTokens.current();
          continue;
        case 403:
          throw new KeystoneUnavailable(
            `Keystone refused to let "${settings.serviceUser}" validate tokens (403): give it role service or admin in project "${settings.serviceProject}"`,
          );
        default:
          throw new KeystoneUnavailable(`Keystone answered ${answer.status} to a token validation`);
      }
    }
  }

  function remember(key: string, identity: Identity | null): void {
    const at = now();
    if (identity !== null) valid.set(key, identity, Math.min(at + settings.cacheTtlMs, identity.expiresAt), at);
    else invalid.set(key, true, at + Math.min(settings.cacheTtlMs, INVALID_CACHE_MS), at);
  }

  const keyOf = (token: string): string => createHash("sha256").update(token).digest("base64");

  /** The cache's answer for a token and its key (cached() without the closed check). */
  function known(token: string, key: string): Identity | null | undefined {
    const at = now();
    const identity = valid.get(key, at);
    if (identity !== undefined) return identity;
    return invalid.get(key, at) !== undefined ? null : undefined;
  }

  const malformed = (token: string): boolean => token.length > MAX_TOKEN_LENGTH || !TOKEN_SYNTAX.test(token);

  return {
    cached(token) {
      if (closing.signal.aborted) return undefined; // validate() says why
      if (malformed(token)) return null;
      return known(token, keyOf(token));
    },
    validate(token) {
      if (closing.signal.aborted) return Promise.reject(new KeystoneUnavailable("the token validator is closed"));
      if (malformed(token)) return Promise.resolve(null);
      const key = keyOf(token);
      const cached = known(token, key);
      if (cached !== undefined) return Promise.resolve(cached);
      const shared = inflight.get(key);
      if (shared !== undefined) return shared;

      const asking = limited(() => ask(token)).then(
        (identity) => {
          if (!closing.signal.aborted) remember(key, identity);
          return identity;
        },
        (err: unknown) => {
          const failure = err instanceof KeystoneUnavailable ? err : new KeystoneUnavailable(`token validation failed: ${String(err)}`, { cause: err });
          warn(failure);
          throw failure;
        },
      );
      inflight.set(key, asking);
      // Settled either way: later callers ask again (or find the cache).
      const forget = (): void => {
        if (inflight.get(key) === asking) inflight.delete(key);
      };
      asking.then(forget, forget);
      return asking;
    },
    close() {
      closing.abort();
      // Waiting validations go on to find the validator closed.
      for (const go of waiting.splice(0)) go();
      valid.clear();
      invalid.clear();
      inflight.clear();
      serviceTokens.clear();
    },
  };
}

/** The Identity in a 200 answer; null when the token has no project scope or has expired by our clock. */
function identityOf(body: unknown, at: number): Identity | null {
  const token = field(body, "token");
  const userId = field(field(token, "user"), "id");
  const expiresAt = Date.parse(String(field(token, "expires_at")));
  const roles = field(token, "roles");
  if (typeof userId !== "string" || Number.isNaN(expiresAt)) {
    throw new KeystoneUnavailable("Keystone's validation answer has no user id or expires_at");
  }
  const projectId = field(field(token, "project"), "id");
  if (typeof projectId !== "string" || projectId === "") return null;
  if (expiresAt <= at) return null;
  const names = Array.isArray(roles) ? roles.map((r) => field(r, "name")).filter((n): n is string => typeof n === "string") : [];
  return Object.freeze({ projectId, userId, roles: Object.freeze(names), expiresAt });
}
