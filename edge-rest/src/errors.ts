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
 * "<text> Please try again in a few seconds." (zaqar/transport/wsgi/v2_0/*.py).
 * null: the route answers a bare 503 with no body (Zaqar's ping).
 */
export const whatFailed = {
  home: "Home document could not be served.",
  listQueues: "Queues could not be listed.",
  getQueue: "Queue metadata could not be retrieved.",
  createQueue: "Queue could not be created.",
  updateQueue: "Queue could not be updated.",
  deleteQueue: "Queue could not be deleted.",
  getQueueStats: "Queue stats could not be read.",
  purgeQueue: "Queue could not be purged.",
  shareQueue: "Queue could not be shared.",
  postMessages: "Messages could not be enqueued.",
  listMessages: "Messages could not be listed.",
  getMessages: "Message could not be retrieved.",
  deleteMessages: "Messages could not be deleted.",
  popMessages: "Messages could not be popped.",
  getMessage: "Message could not be retrieved.",
  deleteMessage: "Message could not be deleted.",
  createClaim: "Claim could not be created.",
  getClaim: "Claim could not be queried.",
  updateClaim: "Claim could not be updated.",
  deleteClaim: "Claim could not be deleted.",
  ping: null,
  getHealth: "Health status could not be read.",
  listTopics: "Topics could not be listed.",
  getTopic: "Topic metadata could not be retrieved.",
  createTopic: "Topic could not be created.",
  updateTopic: "Topic could not be updated.",
  deleteTopic: "Topic could not be deleted.",
  getTopicStats: "Topic stats could not be read.",
  purgeTopic: "Topic could not be purged.",
  createSubscription: "Subscription could not be created.",
  listSubscriptions: "Subscriptions could not be listed.",
  getSubscription: "Subscription could not be retrieved.",
  // Zaqar answers an unexpected PATCH or confirm failure with 400 "Unable to
  // update/confirm subscription"; an unreachable core or store is a 503 here,
  // as on every other route, so that clients retry it.
  updateSubscription: "Subscription could not be updated.",
  deleteSubscription: "Subscription could not be deleted.",
  confirmSubscription: "Subscription could not be confirmed.",
  // Zaqar's pool and flavor handlers catch no storage errors (a 500); these
  // are worded like every other route's, as the core's are.
  createPool: "Pool could not be created.",
  listPools: "Pools could not be listed.",
  getPool: "Pool could not be retrieved.",
  updatePool: "Pool could not be updated.",
  deletePool: "Pool could not be deleted.",
  createFlavor: "Flavor could not be created.",
  listFlavors: "Flavors could not be listed.",
  getFlavor: "Flavor could not be retrieved.",
  updateFlavor: "Flavor could not be updated.",
  deleteFlavor: "Flavor could not be deleted.",
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
