/**
 * Who a REST request runs as (spec README §3–4, signed-urls.md §3), decided
 * before routing, as Zaqar's middleware does:
 *
 * - A request carrying URL-Signature is judged by its signature alone
 *   (Keystone is skipped): a failure is Falcon's 404; on success the project
 *   is X-Project-ID, and with Keystone on it runs with no roles.
 * - Keystone, on every path but "/": X-Auth-Token must be a valid
 *   project-scoped token. Its project and roles replace whatever X-Project-ID
 *   and X-Roles the client sent. Missing or invalid: keystonemiddleware's 401;
 *   Keystone unreachable: its 503 (never a 401, so clients retry).
 * - No auth (Zaqar's default): X-Project-ID and X-Roles as sent.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { AuthConfig } from "../../common/auth/config.ts";
import { KeystoneUnavailable, type Identity, type TokenValidator } from "../../common/auth/keystone.ts";
import { signedHttpRequest, verifySignedRequest } from "../../common/signed-url.ts";
import { notFound, type HttpError } from "./errors.ts";

/** An answer written as is (keystonemiddleware's own JSON shape, not Zaqar's title/description). */
export interface RawReject {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type Identification =
  /** Proceed; projectId/roles replace the headers' when set. */
  | { readonly ok: true; readonly projectId?: string; readonly roles?: string[] }
  | { readonly ok: false; readonly error: HttpError }
  | { readonly ok: false; readonly raw: RawReject };

export interface RestAuth {
  /** Synchronous when nothing needs asking (no auth, or a signature), so the common path costs no promise. */
  identify(method: string, path: string, headers: IncomingHttpHeaders): Identification | Promise<Identification>;
}

const PASS: Identification = Object.freeze({ ok: true });
const SIGNED_NO_ROLES: Identification = Object.freeze({ ok: true, roles: [] });

function keystoneReject(status: 401 | 503, keystoneUrl: string): RawReject {
  const error =
    status === 401
      ? { code: 401, title: "Unauthorized", message: "The request you have made requires authentication." }
      : { code: 503, title: "Service Unavailable", message: "The server is currently unavailable. Please try again at a later time." };
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (status === 401) headers["www-authenticate"] = `Keystone uri="${keystoneUrl}"`;
  return { status, headers, body: JSON.stringify({ error }) };
}

export function createRestAuth(config: AuthConfig, validator: TokenValidator | undefined, now: () => number = Date.now): RestAuth {
  const keystone = config.strategy === "keystone" ? config.keystone : undefined;
  if (keystone !== undefined && validator === undefined) throw new Error("keystone auth needs a token validator");
  const url = keystone?.url ?? "";
  const unauthorized: Identification = { ok: false, raw: keystoneReject(401, url) };
  const unavailable: Identification = { ok: false, raw: keystoneReject(503, url) };

  // One answer per cached identity, so a cache hit allocates nothing.
  const answers = new WeakMap<Identity, Identification>();
  function answerFor(identity: Identity | null): Identification {
    if (identity === null) return unauthorized;
    let answer = answers.get(identity);
    if (answer === undefined) {
      answer = { ok: true, projectId: identity.projectId, roles: [...identity.roles] };
      answers.set(identity, answer);
    }
    return answer;
  }

  async function byToken(token: string): Promise<Identification> {
    try {
      return answerFor(await (validator as TokenValidator).validate(token));
    } catch (err) {
      if (err instanceof KeystoneUnavailable) return unavailable;
      throw err;
    }
  }

  return {
    identify(method, path, headers) {
      const signed = signedHttpRequest(method, path, headers);
      if (signed !== undefined) {
        if (!verifySignedRequest(signed, config.signedUrlSecret, now())) return { ok: false, error: notFound() };
        return keystone ? SIGNED_NO_ROLES : PASS;
      }
      if (keystone === undefined || path === "/") return PASS;
      const token = headers["x-auth-token"];
      if (typeof token !== "string" || token === "") return unauthorized;
      // A cached validation answers at once; only a token the cache does not know waits for Keystone.
      const known = (validator as TokenValidator).cached(token);
      return known === undefined ? byToken(token) : answerFor(known);
    },
  };
}
