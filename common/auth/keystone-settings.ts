/**
 * Reading the Keystone settings from ZAQAR_KEYSTONE_* variables into a frozen
 * KeystoneSettings, every problem reported at once (the house pattern of the
 * processes' config.ts). Import it from ./keystone.ts.
 *
 *   ZAQAR_KEYSTONE_URL               required; Keystone's public endpoint, e.g. http://keystone:5000 (a trailing /v3 is fine)
 *   ZAQAR_KEYSTONE_SERVICE_USER      required; the user the service validates tokens as (role `service` or `admin`)
 *   ZAQAR_KEYSTONE_SERVICE_PASSWORD  required
 *   ZAQAR_KEYSTONE_SERVICE_PROJECT   the project its token is scoped to; default `service`
 *   ZAQAR_KEYSTONE_SERVICE_DOMAIN    the domain *id* of that user and project; default `default`
 *                                    (the id of Keystone's "Default" domain)
 *   ZAQAR_KEYSTONE_CACHE_SECONDS     how long a validation is reused, never past the token's expiry;
 *                                    default 60; 0 turns the cache off
 *   ZAQAR_KEYSTONE_CACHE_ENTRIES     most cached validations; default 10000; 0 turns the cache off
 *   ZAQAR_KEYSTONE_TIMEOUT_MS        per request to Keystone; default 5000
 *   ZAQAR_KEYSTONE_MAX_CONCURRENT    validations asked of Keystone at once, per process; default 16
 *                                    (more wait, up to 64 per slot; beyond that: 503)
 *
 * Why 60 s: a token revoked in Keystone keeps working at an edge until its cached
 * validation ends, so the cache time is the revocation delay. keystonemiddleware
 * defaults to 300 s; one minute still turns a busy client's requests into about one
 * Keystone request per edge process per minute while keeping that window short.
 * 10000 entries cost a few MB (a hash key and a small identity each).
 */
import type { KeystoneSettings } from "./keystone.ts";

const DEFAULTS = {
  serviceProject: "service",
  serviceDomain: "default",
  cacheSeconds: 60,
  cacheEntries: 10_000,
  timeoutMs: 5_000,
  maxConcurrent: 16,
};

export function readKeystoneSettings(env: NodeJS.ProcessEnv): KeystoneSettings {
  const problems: string[] = [];

  const required = (name: string, what: string): string => {
    const value = env[name]?.trim() ?? "";
    if (value === "") problems.push(`${name} is required (${what})`);
    return value;
  };
  const optional = (name: string, fallback: string): string => {
    const value = env[name]?.trim() ?? "";
    return value === "" ? fallback : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim() ?? "";
    if (raw === "") return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };

  const url = required("ZAQAR_KEYSTONE_URL", "Keystone's public endpoint, e.g. http://127.0.0.1:5000");
  if (url !== "" && !isHttpUrl(url)) problems.push(`ZAQAR_KEYSTONE_URL must be an http:// or https:// URL, got "${url}"`);
  const serviceUser = required("ZAQAR_KEYSTONE_SERVICE_USER", "the user that validates tokens, with role service or admin");
  // Passwords are taken as they are: spaces may be part of one.
  const servicePassword = env["ZAQAR_KEYSTONE_SERVICE_PASSWORD"] ?? "";
  if (servicePassword === "") problems.push("ZAQAR_KEYSTONE_SERVICE_PASSWORD is required (the service user's password)");
  const serviceProject = optional("ZAQAR_KEYSTONE_SERVICE_PROJECT", DEFAULTS.serviceProject);
  const serviceDomain = optional("ZAQAR_KEYSTONE_SERVICE_DOMAIN", DEFAULTS.serviceDomain);
  const cacheSeconds = integer("ZAQAR_KEYSTONE_CACHE_SECONDS", DEFAULTS.cacheSeconds, 0, 86_400);
  const cacheMaxEntries = integer("ZAQAR_KEYSTONE_CACHE_ENTRIES", DEFAULTS.cacheEntries, 0, 10_000_000);
  const timeoutMs = integer("ZAQAR_KEYSTONE_TIMEOUT_MS", DEFAULTS.timeoutMs, 1, 600_000);
  const maxConcurrent = integer("ZAQAR_KEYSTONE_MAX_CONCURRENT", DEFAULTS.maxConcurrent, 1, 10_000);

  if (problems.length > 0) throw new Error(`invalid Keystone configuration:\n  - ${problems.join("\n  - ")}`);
  return Object.freeze({
    url,
    serviceUser,
    servicePassword,
    serviceProject,
    serviceDomain,
    cacheTtlMs: cacheSeconds * 1000,
    cacheMaxEntries,
    timeoutMs,
    maxConcurrent,
  });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === "http:" || u.protocol === "https:") && u.search === "" && u.hash === "";
  } catch {
    return false;
  }
}
