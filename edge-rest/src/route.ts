/**
 * The shape of the route tables under routes/: plain data mapping a path
 * template and an HTTP method to a handler. A handler parses what it needs
 * from the request, calls the core, and renders Zaqar's response; it never
 * catches errors (app.ts renders every failure through errors.ts).
 */
import type { IncomingMessage } from "node:http";
import type { CallContextInit, CoreClient } from "./core-client.ts";
import type { FailureKey } from "./errors.ts";
import type { Query } from "./http/query.ts";

/** What a handler gets. */
export interface Call {
  readonly req: IncomingMessage;
  /** Path parameters, percent-decoded (find-my-way syntax: `:queue_name`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Query;
  /** Identity for core operations: project, raw Client-ID, request id, roles. */
  readonly ctx: CallContextInit;
  readonly core: CoreClient;
  /** The raw request body, read only for handlers that ask for it; undefined when the request had none. */
  readonly body: Uint8Array | undefined;
  /** What a 503 says failed; starts as the handler's own and may be refined (pop vs delete). */
  failure: FailureKey;
}

/** What a handler answers. */
export interface Reply {
  readonly status: number;
  /** JSON text; absent for empty responses. */
  readonly body?: string;
  /** Extra headers (location, a content type other than application/json ...). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Handler {
  /** The "what failed" text of this handler's 503 (errors.ts). */
  readonly failure: FailureKey;
  /** Read the request body before running. */
  readonly body?: boolean;
  run(call: Call): Promise<Reply>;
}

export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Route {
  /** Path template, e.g. "/v2/queues/:queue_name/messages". Matched exactly (no trailing-slash folding). */
  readonly path: string;
  /** The routed methods; others answer 405 (OPTIONS answers 200 with the list). */
  readonly methods: Readonly<Partial<Record<Method, Handler>>>;
}

/** Path parameter (always present when the route matched). */
export const param = (call: Call, name: string): string => call.params[name] ?? "";

export const NO_CONTENT: Reply = Object.freeze({ status: 204 });
