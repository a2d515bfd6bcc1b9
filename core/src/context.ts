/**
 * The identity every core operation runs under, and its validation.
 *
 * Direct RPCs carry it as request headers (x-project-id, x-client-id, x-roles,
 * x-request-id); BatchService operations carry it per operation. Either way it
 * is checked here, once, before any handler runs, in Zaqar's hook order:
 * Client-ID format first, then the project.
 */
import { WEBSOCKET_TEXT } from "../../common/error-meta.ts";
import { ZaqarError } from "./errors.ts";

export interface CallContext {
  /** Tenant id; non-empty. */
  readonly project: string;
  /** Canonical client id (lowercase hyphenated UUID in strict mode); "" when none was given. */
  readonly clientId: string;
  readonly requestId: string;
  readonly roles: readonly string[];
}

export interface RawContext {
  readonly project?: string | undefined;
  readonly clientId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly roles?: readonly string[] | undefined;
}

export interface ClientIdRules {
  /** Zaqar's client_id_uuid_safe: "strict" requires a UUID, "off" only checks the length. */
  readonly clientIdUuidSafe: "strict" | "off";
  readonly minLengthClientId: number;
  readonly maxLengthClientId: number;
}

const HEX32 = /^[0-9a-fA-F]{32}$/;

/**
 * Parses a UUID the way Python's uuid.UUID does (optional urn:/uuid: prefix,
 * braces, hyphens anywhere) and returns its canonical form, or null.
 */
export function canonicalUuid(value: string): string | null {
  const hex = value.replaceAll("urn:", "").replaceAll("uuid:", "").replace(/^\{+|\}+$/g, "").replaceAll("-", "");
  if (!HEX32.test(hex)) return null;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function checkClientId(value: string, rules: ClientIdRules): string {
  if (rules.clientIdUuidSafe === "off") {
    if (value.length < rules.minLengthClientId || value.length > rules.maxLengthClientId) {
      throw new ZaqarError("CLIENT_ID_LENGTH", "");
    }
    return value;
  }
  const canonical = canonicalUuid(value);
  if (canonical === null) {
    // Zaqar's WebSocket transport answers Python's own uuid.UUID() error instead.
    throw new ZaqarError("CLIENT_ID_MALFORMED", "Malformed hexadecimal UUID.", { meta: { [WEBSOCKET_TEXT]: "badly formed hexadecimal UUID string" } });
  }
  return canonical;
}

export function resolveContext(raw: RawContext, rules: ClientIdRules): CallContext {
  // A client id that was sent is checked even when empty (Zaqar: "" is a malformed UUID).
  const clientId = raw.clientId === undefined ? "" : checkClientId(raw.clientId, rules);
  if (raw.project === undefined) {
    throw new ZaqarError("PROJECT_MISSING", "The header X-PROJECT-ID was missing");
  }
  if (raw.project === "") {
    throw new ZaqarError(
      "PROJECT_EMPTY",
      "X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.",
    );
  }
  // Topics are stored under the project id + "\u0000topics" (service/validate.ts,
  // topicScope): a NUL in a project id could name that namespace as a project.
  if (raw.project.includes("\u0000")) {
    throw new ZaqarError("INVALID_QUEUE_NAME", "The format of the submitted queue name or project id is not valid.");
  }
  return { project: raw.project, clientId, requestId: raw.requestId ?? "", roles: raw.roles ?? [] };
}

/** Operations that identify the producer or consumer need a client id (Zaqar: post and list). */
export function requireClientId(ctx: CallContext): string {
  if (ctx.clientId === "") throw new ZaqarError("CLIENT_ID_MISSING", 'The "Client-ID" header is required.');
  return ctx.clientId;
}
