/**
 * The one place where failures become Zaqar error responses.
 *
 * - HttpError: errors the edge itself decides (routing, header hooks, query
 *   parsing, PATCH content type), with Zaqar's status, title and description.
 * - CoreError with a detail: the core's verdict; answered with
 *   detail.http_status and {"title": detail.title, "description": description}.
 * - Anything else (core unreachable, transport or internal failure): Zaqar's
 *   503 "Service temporarily unavailable" with the route's "what failed" text.
 */
import type { Logger } from "pino";
import { UNAVAILABLE_TEXTS } from "../../common/unavailable-texts.ts";
import { CoreError } from "./core-client.ts";

/** An error response decided by the edge. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly title: string;
  readonly description: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(status: number, title: string, description?: string, headers?: Record<string, string>) {
    super(description ?? title);
    this.status = status;
    this.title = title;
    this.description = description;
    this.headers = headers;
  }
}

/**
 * What each route was doing, in Zaqar's words, for the 503 description
 * "<text> Please try again in a few seconds." when the core cannot be reached:
 * the core's own texts for its operations (common/unavailable-texts.ts, the
 * same the core answers for a storage outage), plus the routes that differ.
 * null: the route answers a bare 503 with no body (Zaqar's ping).
 */
export const whatFailed = {
  ...UNAVAILABLE_TEXTS,
  home: "Home document could not be served.",
  // GET by ids: Zaqar's messages collection words it for a message.
  getMessages: "Message could not be retrieved.",
  popMessages: "Messages could not be popped.",
  ping: null,
} as const satisfies Record<string, string | null>;

export type FailureKey = keyof typeof whatFailed;

/** An error, ready to write. `title` undefined means no body at all. */
export interface ErrorReply {
  readonly status: number;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
}

const UNAVAILABLE = "Service temporarily unavailable";

export function toErrorReply(err: unknown, failure: FailureKey, log: () => Logger): ErrorReply {
  if (err instanceof HttpError) {
    return { status: err.status, title: err.title, description: err.description, headers: err.headers };
  }
  // A 503 detail (storage unavailable) is answered like any unavailability:
  // with the route's own text, as Zaqar does.
  if (err instanceof CoreError && err.detail && err.detail.httpStatus > 0 && err.detail.httpStatus !== 503) {
    const d = err.detail;
    return {
      status: d.httpStatus,
      title: d.title,
      description: err.description === "" ? undefined : err.description,
      headers: undefined,
    };
  }
  // The core unreachable, failing unexpectedly, or its storage down.
  log().error({ err, op: err instanceof CoreError ? err.op : undefined }, "core call failed");
  const text = whatFailed[failure];
  return {
    status: 503,
    title: text === null ? undefined : UNAVAILABLE,
    description: text === null ? undefined : `${text} Please try again in a few seconds.`,
    headers: undefined,
  };
}

/**
 * The core's verdict `err`, carrying extra headers when it answers `status`
 * (Zaqar's 409 on subscription create names the collection in Location);
 * any other error is answered unchanged.
 */
export function withHeadersOn(err: unknown, status: number, headers: Record<string, string>): unknown {
  if (!(err instanceof CoreError) || err.detail === undefined || err.detail.httpStatus !== status) return err;
  return new HttpError(status, err.detail.title, err.description === "" ? undefined : err.description, headers);
}

/** Zaqar's error body: title, then description when there is one. */
export function errorBody(title: string, description: string | undefined): string {
  return description === undefined
    ? `{"title": ${JSON.stringify(title)}}`
    : `{"title": ${JSON.stringify(title)}, "description": ${JSON.stringify(description)}}`;
}

/** Falcon's "Invalid parameter" error for a query parameter. */
export function invalidParam(name: string, problem: string): HttpError {
  return new HttpError(400, "Invalid parameter", `The "${name}" parameter is invalid. ${problem}`);
}

export const notFound = (): HttpError => new HttpError(404, "404 Not Found");
