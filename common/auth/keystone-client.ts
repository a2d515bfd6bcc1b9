/**
 * The two Keystone v3 calls the validator makes, over Node's fetch (undici):
 * password auth for the service token and `GET /v3/auth/tokens?nocatalog`.
 * Every transport failure (refused, reset, timeout, closed) and every answer
 * that is not Keystone's documented shape becomes KeystoneUnavailable; the
 * callers decide what each HTTP status means.
 */
import type { KeystoneSettings } from "./keystone.ts";
import { KeystoneUnavailable } from "./keystone-unavailable.ts";

export interface IssuedToken {
  readonly value: string;
  /** ms since epoch, from Keystone's expires_at */
  readonly expiresAt: number;
}

export interface ValidationAnswer {
  readonly status: number;
  /** The parsed JSON body (null when there was none or it was not JSON). */
  readonly body: unknown;
}

export interface KeystoneClient {
  /** A project-scoped token for the service user. Throws KeystoneUnavailable (also when the credentials are refused). */
  issueServiceToken(): Promise<IssuedToken>;
  /** Asks Keystone about `subject` with `serviceToken` as the caller. Throws KeystoneUnavailable on transport failure. */
  validate(serviceToken: string, subject: string): Promise<ValidationAnswer>;
}

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** Keystone's base URL: `http://host:5000`, also accepted with a trailing `/v3` or `/`. */
export function keystoneBase(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v3$/, "");
}

export function createKeystoneClient(settings: KeystoneSettings, closed: AbortSignal): KeystoneClient {
  const base = keystoneBase(settings.url);

  async function call(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    const signal = AbortSignal.any([closed, AbortSignal.timeout(settings.timeoutMs)]);
    try {
      const init: RequestInit = { method, headers, signal, redirect: "manual" };
      if (body !== undefined) init.body = body;
      const res = await fetch(base + path, init);
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text === "" ? null : JSON.parse(text);
      } catch {
        parsed = null;
      }
      return { status: res.status, headers: res.headers, body: parsed };
    } catch (err) {
      const why = closed.aborted
        ? "the token validator was closed"
        : err instanceof Error && err.name === "TimeoutError"
          ? `no answer within ${settings.timeoutMs} ms`
          : describe(err);
      throw new KeystoneUnavailable(`Keystone ${method} ${path}: ${why}`, { cause: err });
    }
  }

  return {
    async issueServiceToken() {
      const domain = { id: settings.serviceDomain };
      const auth = {
        identity: { methods: ["password"], password: { user: { name: settings.serviceUser, domain, password: settings.servicePassword } } },
        scope: { project: { name: settings.serviceProject, domain } },
      };
      const answer = await call("POST", "/v3/auth/tokens?nocatalog", { "content-type": "application/json" }, JSON.stringify({ auth }));
      if (answer.status === 401) {
        throw new KeystoneUnavailable(
          `Keystone refused the service credentials (401): user "${settings.serviceUser}", project "${settings.serviceProject}", domain id "${settings.serviceDomain}"`,
        );
      }
      if (answer.status !== 201) throw new KeystoneUnavailable(`Keystone answered ${answer.status} to the service user's password auth`);
      const value = answer.headers.get("x-subject-token");
      const expiresAt = Date.parse(String(field(field(answer.body, "token"), "expires_at")));
      if (!value || Number.isNaN(expiresAt)) throw new KeystoneUnavailable("Keystone's token answer has no X-Subject-Token or expires_at");
      return { value, expiresAt };
    },

    async validate(serviceToken, subject) {
      const answer = await call("GET", "/v3/auth/tokens?nocatalog", { "x-auth-token": serviceToken, "x-subject-token": subject });
      return { status: answer.status, body: answer.body };
    },
  };
}

/** `obj[name]` when obj is a plain object, else undefined. */
export function field(obj: unknown, name: string): unknown {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj) ? (obj as Record<string, unknown>)[name] : undefined;
}

/** fetch's "fetch failed" says nothing; its cause (ECONNREFUSED, ...) does. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code} (${cause.message})` : cause.message;
  }
  return err.message;
}
