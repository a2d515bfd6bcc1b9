/**
 * The service's own Keystone token (the X-Auth-Token of every validation):
 * fetched on first use, shared by concurrent callers, replaced shortly before it
 * expires and whenever Keystone turns it down (revoked, or Keystone restarted
 * with new keys).
 */
import type { IssuedToken, KeystoneClient } from "./keystone-client.ts";

export interface ServiceToken extends IssuedToken {
  /** ms since epoch (the validator's clock) when it was obtained */
  readonly obtainedAt: number;
}

export interface ServiceTokens {
  /** A token believed valid; fetches one when there is none, it is near expiry or it was dropped. Throws KeystoneUnavailable. */
  current(): Promise<ServiceToken>;
  /** Forgets `token` if it is still the current one (Keystone answered 401 to it). */
  drop(token: ServiceToken): void;
  clear(): void;
}

/** Renew this long before expiry (at most half the token's lifetime), so no validation runs on a token about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

export function createServiceTokens(client: KeystoneClient, now: () => number): ServiceTokens {
  let token: ServiceToken | null = null;
  let pending: Promise<ServiceToken> | null = null;

  const fresh = (t: ServiceToken, at: number): boolean => {
    const margin = Math.min(RENEW_BEFORE_MS, (t.expiresAt - t.obtainedAt) / 2);
    return at < t.expiresAt - margin;
  };

  return {
    current() {
      if (token !== null && fresh(token, now())) return Promise.resolve(token);
      if (pending === null) {
        const obtainedAt = now();
        const request = client.issueServiceToken().then(
          (issued) => {
            const next = { ...issued, obtainedAt };
            if (pending === request) {
              token = next;
              pending = null;
            }
            return next;
          },
          (err: unknown) => {
            if (pending === request) pending = null;
            throw err;
          },
        );
        pending = request;
      }
      return pending;
    },
    drop(old) {
      if (token === old) token = null;
    },
    clear() {
      token = null;
      pending = null;
    },
  };
}
