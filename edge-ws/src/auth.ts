/**
 * Who a WebSocket connection's frames run as (websocket.md §3–4).
 *
 * - No auth (Zaqar's default): each frame's X-Project-ID, no roles; URL-*
 *   headers are ignored, as Zaqar's WS does without auth.
 * - Keystone: a connection is anonymous until `authenticate` brings a valid
 *   project-scoped token; from then on every frame runs as that token's
 *   project and roles (the frame's X-Project-ID is ignored: Zaqar keeps using
 *   it, a tenant-crossing gap this closes) until the token expires, when the
 *   edge closes the socket with 4003. An anonymous frame passes only with a
 *   valid signed URL for its action and queue; otherwise 403 "Not authentified.".
 */
import type { AuthConfig } from "../../common/auth/config.ts";
import { KeystoneUnavailable, type Identity, type TokenValidator } from "../../common/auth/keystone.ts";
import { signedWsRequest, verifySignedRequest } from "../../common/signed-url.ts";
import type { JsonObject } from "./protocol.ts";

/** A frame's identity for the core, or why it is refused: status and `{"error": text}`. */
export type FrameIdentity =
  | { readonly ok: true; readonly projectId: string; readonly roles: readonly string[] }
  | { readonly ok: false; readonly status: number; readonly error: string };

/** What `authenticate` answers (with the synthetic echo). */
export interface AuthAnswer {
  readonly status: number;
  readonly body: { readonly message: string } | { readonly error: string };
}

export interface ConnectionAuth {
  /** The identity a (schema-valid) frame other than authenticate runs under. */
  frame(action: string, headers: JsonObject, body: JsonObject): FrameIdentity;
  /** Runs `authenticate` with the frame's X-Auth-Token. */
  authenticate(headers: JsonObject): Promise<AuthAnswer>;
  /** Stops the expiry timer (the socket closed). */
  close(): void;
}

export interface ConnectionAuthDeps {
  readonly config: AuthConfig;
  readonly validator: TokenValidator | undefined;
  /** Closes the socket when the connection's token expires (4003 "Authentication expired."). */
  readonly expired: () => void;
  readonly now?: () => number;
}

const NOT_AUTHENTIFIED: FrameIdentity = Object.freeze({ ok: false, status: 403, error: "Not authentified." });
const AUTHENTIFIED: AuthAnswer = Object.freeze({ status: 200, body: { message: "Authentified." } });
const FAILED: AuthAnswer = Object.freeze({ status: 401, body: { error: "Authentication failed." } });
const UNAVAILABLE: AuthAnswer = Object.freeze({ status: 503, body: { error: "Authentication service unavailable." } });
/** setTimeout's longest delay (about 24.8 days); a longer-lived token is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createConnectionAuth(deps: ConnectionAuthDeps): ConnectionAuth {
  const now = deps.now ?? Date.now;
  const keystone = deps.config.strategy === "keystone";
  let identity: Identity | undefined;
  let inFlight = false;
  let timer: NodeJS.Timeout | undefined;

  function arm(): void {
    clearTimeout(timer);
    if (identity === undefined) return;
    const left = identity.expiresAt - now();
    timer = setTimeout(() => (identity !== undefined && identity.expiresAt <= now() ? deps.expired() : arm()), Math.min(Math.max(left, 0), MAX_TIMER_MS));
    timer.unref();
  }

  return {
    frame(action, headers, body) {
      if (!keystone) return { ok: true, projectId: headers["X-Project-ID"] as string, roles: [] };
      if (identity !== undefined && identity.expiresAt > now()) return { ok: true, projectId: identity.projectId, roles: identity.roles };
      const signed = signedWsRequest(action, headers, body);
      if (signed === undefined || signed === null) return NOT_AUTHENTIFIED;
      if (!verifySignedRequest(signed, deps.config.signedUrlSecret, now())) return NOT_AUTHENTIFIED;
      return { ok: true, projectId: headers["X-Project-ID"] as string, roles: [] };
    },

    async authenticate(headers) {
      if (!keystone) return AUTHENTIFIED; // websocket.md §3's recommended deviation: no-auth mode says yes
      if (inFlight) return { status: 403, body: { error: "Not authentified." } };
      const token = headers["X-Auth-Token"];
      if (typeof token !== "string" || token === "") return FAILED;
      inFlight = true;
      try {
        const found = await (deps.validator as TokenValidator).validate(token);
        if (found === null) return FAILED;
        identity = found;
        arm();
        return AUTHENTIFIED;
      } catch (err) {
        if (err instanceof KeystoneUnavailable) return UNAVAILABLE;
        throw err;
      } finally {
        inFlight = false;
      }
    },

    close() {
      clearTimeout(timer);
      identity = undefined;
    },
  };
}
