/**
 * How the edges authenticate callers, read once from the environment:
 *
 * - ZAQAR_AUTH_STRATEGY: `none` (Zaqar's default: X-Project-ID and X-Roles
 *   are trusted as sent) or `keystone` (tokens validated against Keystone;
 *   the ZAQAR_KEYSTONE_* settings, see keystone.ts).
 * - ZAQAR_SIGNED_URL_SECRET (alias ZAQAR_SIGNED_URL_SECRET_KEY, see
 *   signed-url.ts): the key of pre-signed URLs; unset, every signed request
 *   is refused.
 */
import { readSignedUrlSecret } from "../signed-url.ts";
import { readKeystoneSettings, type KeystoneSettings } from "./keystone.ts";

export type AuthConfig =
  | { readonly strategy: "none"; readonly signedUrlSecret: string | undefined }
  | { readonly strategy: "keystone"; readonly keystone: KeystoneSettings; readonly signedUrlSecret: string | undefined };

/** Reads the auth settings; problems (unknown strategy, bad Keystone settings) are appended to `problems`. */
export function readAuthConfig(env: NodeJS.ProcessEnv, problems: string[]): AuthConfig {
  const signedUrlSecret = readSignedUrlSecret(env);
  const raw = (env["ZAQAR_AUTH_STRATEGY"] ?? "none").trim().toLowerCase();
  if (raw === "none" || raw === "") return { strategy: "none", signedUrlSecret };
  if (raw !== "keystone") {
    problems.push(`ZAQAR_AUTH_STRATEGY must be none or keystone, got "${raw}"`);
    return { strategy: "none", signedUrlSecret };
  }
  try {
    return { strategy: "keystone", keystone: readKeystoneSettings(env), signedUrlSecret };
  } catch (err) {
    problems.push((err as Error).message);
    return { strategy: "none", signedUrlSecret };
  }
}
