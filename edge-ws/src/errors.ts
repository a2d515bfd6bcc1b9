/**
 * The one place where failures become WebSocket error bodies (websocket.md §2).
 *
 * - FrameError: what the edge decides from the frame alone (decoding, type,
 *   action, schema, limits): `{"error": text}`.
 * - WsReply: an action's own error answer whose body is not the usual pair
 *   (404 stats of a missing queue, 409 string on a duplicate subscription).
 * - CoreError with a detail (not 503): the core's verdict, as Zaqar's handler
 *   `error_response`: `{"exception": <description>, "error": <action's text or null>}`.
 * - Any other CoreError (core unreachable, storage down, internal): 503 with
 *   the action's "could not" text, as Zaqar's handlers answer storage failures.
 * - Anything else is a bug here: 500 `{"exception", "error": "Unexpected error."}`.
 */
import type { Logger } from "pino";
import { WEBSOCKET_TEXT } from "../../common/error-meta.ts";
import { CoreError } from "../../edge-rest/src/core-client.ts";
import { whatFailed, type FailureKey } from "../../edge-rest/src/errors.ts";
import type { JsonObject } from "./protocol.ts";

/** An error answer decided by the edge: status and `{"error": text}`. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  readonly status: number;
  constructor(status: number, error: string) {
    super(error);
    this.status = status;
  }
}

/** A non-standard answer raised from an action (e.g. 409 with a string body). */
export class WsReply extends Error {
  override readonly name = "WsReply";
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`reply ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** What an action calls its error texts, from its body. */
export interface ErrorTexts {
  /** REST failure key whose text names a 503 ("Queue could not be created."). */
  readonly failure: FailureKey;
  /** `error` member for a given core reason (from the request body and the core's description); null (Zaqar's `None`) when absent. */
  readonly errors?: Readonly<Record<string, (body: JsonObject, description: string) => string>>;
  /** Rewrites the exception text for a reason (e.g. sanitize's "Bad request. " prefix). */
  readonly exceptions?: Readonly<Record<string, (description: string, body: JsonObject) => string>>;
}

export interface ErrorAnswer {
  readonly status: number;
  readonly body: unknown;
}

export function toErrorAnswer(err: unknown, texts: ErrorTexts, body: JsonObject, log: Logger): ErrorAnswer {
  if (err instanceof FrameError) return { status: err.status, body: { error: err.message } };
  if (err instanceof WsReply) return { status: err.status, body: err.body };
  if (err instanceof CoreError && err.detail && err.detail.httpStatus > 0 && err.detail.httpStatus !== 503) {
    const reason = err.detail.reason;
    // The core's WebSocket wording where Zaqar's WS transport words it differently from REST.
    const description = err.detail.meta[WEBSOCKET_TEXT] ?? err.description;
    const rewrite = texts.exceptions?.[reason];
    const exception = rewrite ? rewrite(description, body) : description;
    const error = texts.errors?.[reason];
    return { status: err.detail.httpStatus, body: { exception, error: error ? error(body, err.description) : null } };
  }
  if (!(err instanceof CoreError)) {
    // A bug in the edge, not a verdict or an outage: Zaqar's "Unexpected exception in a handler".
    log.error({ err }, "action failed unexpectedly");
    return { status: 500, body: { exception: String(err), error: "Unexpected error." } };
  }
  log.error({ err, op: err.op }, "action failed");
  const exception = err instanceof CoreError && err.description !== "" ? err.description : "Service temporarily unavailable";
  return { status: 503, body: { exception, error: whatFailed[texts.failure] ?? "Service temporarily unavailable" } };
}
