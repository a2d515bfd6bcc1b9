/**
 * One request, start to finish, in Zaqar's order (spec README §1):
 *
 * 1. Route on the path, exactly as Falcon does: no trailing-slash folding,
 *    percent-decoded segments, a decoded "/" inside a segment or an empty
 *    segment does not route.
 *    Unknown path → 404 {"title": "404 Not Found"}, before any hook.
 * 2. Hooks, for every routed path and method: form-encoded body → 400; Accept
 *    without JSON → 406; on /v2/... Client-ID present, X-Project-ID present and
 *    non-empty (their formats are the core's to judge).
 * 3. OPTIONS → 200 with Allow; an unrouted method → 405 with Allow + OPTIONS.
 * 4. The handler. Every failure is rendered here, once (errors.ts); error
 *    bodies are sent only when the client accepts JSON (Falcon's serializer).
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import FindMyWay from "find-my-way";
import type { Logger } from "pino";
import type { Identification, RawReject, RestAuth } from "./auth.ts";
import type { CoreClient } from "./core-client.ts";
import { errorBody, HttpError, notFound, toErrorReply, type ErrorReply, type FailureKey } from "./errors.ts";
import { acceptsJson } from "./http/accept.ts";
import { readBody } from "./http/body.ts";
import { parseQuery } from "./http/query.ts";
import type { Call, Handler, Method, Reply, Route } from "./route.ts";

interface Entry {
  readonly route: Route;
  /** Client-ID and X-Project-ID are required (every path but "/"). */
  readonly versioned: boolean;
  /** Allow header of a 405 (routed methods, alphabetical as Falcon lists them, then OPTIONS). */
  readonly allow405: string;
  /** Allow header of an OPTIONS answer. */
  readonly allowOptions: string;
}

export interface DispatchDeps {
  readonly routes: readonly Route[];
  readonly core: CoreClient;
  /** Who each request runs as (auth.ts): no auth, Keystone, signed URLs. */
  readonly auth: RestAuth;
  readonly log: Logger;
  /** True while shutting down: responses ask the client to close the connection. */
  readonly closing: () => boolean;
}

const FORM = "application/x-www-form-urlencoded";
const EMPTY = Buffer.alloc(0);

const missingHeader = (name: string) => new HttpError(400, "Missing header value", `The "${name}" header is required.`);
const formRejected = new HttpError(
  400,
  "Invalid Content-Type",
  'Endpoint does not accept `application/x-www-form-urlencoded` content; currently supported media type is `application/json`; specify proper client-side media type with the "Content-Type" header.',
);
const notAcceptable = new HttpError(406, "Media type not acceptable");
const projectMissing = new HttpError(400, "Project-Id Missing", "The header X-PROJECT-ID was missing");
const projectEmpty = new HttpError(
  400,
  "Empty project header not allowed",
  "X-PROJECT-ID cannot be an empty string. Specify the right header X-PROJECT-ID and retry.",
);

/**
 * Falcon fields match one or more characters other than "/": a decoded "/"
 * inside a segment does not route, and neither does an empty last segment
 * (find-my-way matches "/v2/queues/q/messages/" with message_id "").
 */
function unroutable(params: Record<string, string | undefined>): boolean {
  for (const key in params) {
    const value = params[key];
    if (value === undefined || value === "" || value.includes("/")) return true;
  }
  return false;
}

const requestLog = (log: Logger, reqId: string, project: string): Logger => log.child({ reqId, project });

/** The hooks' verdict for a routed request; null when it may proceed. `project`: the token's, when Keystone gave one. */
function checkHooks(req: IncomingMessage, entry: Entry, json: boolean, project: string | undefined): HttpError | null {
  const h = req.headers;
  const type = h["content-type"];
  if (h["content-length"] !== undefined && type !== undefined && type.toLowerCase() === FORM) return formRejected;
  if (!json) return notAcceptable;
  if (entry.versioned) {
    if (h["client-id"] === undefined) return missingHeader("Client-ID");
    if (project !== undefined) return null;
    project = h["x-project-id"] as string | undefined;
    if (project === "") return projectEmpty;
    if (project === undefined) return projectMissing;
  }
  return null;
}

export function createDispatcher(deps: DispatchDeps): (req: IncomingMessage, res: ServerResponse) => void {
  // Every route is registered under GET only and always looked up as GET:
  // the method is dispatched from the route's own table, so that 405 and
  // OPTIONS can list exactly the routed methods.
  const router = FindMyWay({ ignoreTrailingSlash: false, ignoreDuplicateSlashes: false, maxParamLength: 1 << 16 });
  const noop = () => undefined;
  for (const route of deps.routes) {
    const methods = Object.keys(route.methods).sort();
    const entry: Entry = {
      route,
      versioned: route.path.startsWith("/v2/"),
      allow405: [...methods, "OPTIONS"].join(", "),
      allowOptions: methods.join(", "),
    };
    router.on("GET", route.path, noop, entry);
  }

  function writeReply(res: ServerResponse, reply: Reply): void {
    const headers: Record<string, string | number> = reply.headers ? { ...reply.headers } : {};
    let body = EMPTY;
    if (reply.body !== undefined) {
      body = Buffer.from(reply.body, "utf8");
      headers["content-type"] ??= "application/json";
      headers["content-length"] = body.length;
    } else if (reply.status !== 204 && reply.status !== 304) {
      // Falcon labels even empty non-204 responses (e.g. 201 on queue create).
      headers["content-type"] = "application/json";
      headers["content-length"] = 0;
    }
    if (deps.closing()) headers["connection"] = "close";
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  function writeError(res: ServerResponse, e: ErrorReply, json: boolean): void {
    const body = json && e.title !== undefined ? Buffer.from(errorBody(e.title, e.description), "utf8") : EMPTY;
    const headers: Record<string, string | number> = { "content-type": "application/json" };
    if (e.title !== undefined) headers["vary"] = "Accept";
    headers["content-length"] = body.length;
    if (e.headers) Object.assign(headers, e.headers);
    if (deps.closing()) headers["connection"] = "close";
    res.writeHead(e.status, headers);
    res.end(body);
  }

  function writeRaw(res: ServerResponse, reject: RawReject): void {
    const body = Buffer.from(reject.body, "utf8");
    const headers: Record<string, string | number> = { ...reject.headers, "content-length": body.length };
    if (deps.closing()) headers["connection"] = "close";
    res.writeHead(reject.status, headers);
    res.end(body);
  }

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    entry: Entry,
    params: Record<string, string>,
    rawQuery: string,
    json: boolean,
    who: Identification & { ok: true },
  ): Promise<void> {
    const h = req.headers;
    const handler: Handler | undefined = entry.route.methods[req.method as Method];
    const requestId = (h["x-openstack-request-id"] as string | undefined) ?? `req-${randomUUID()}`;
    const projectId = who.projectId ?? (h["x-project-id"] as string | undefined) ?? "";
    const failure: FailureKey = handler?.failure ?? "home";
    let call: Call | undefined;
    try {
      const verdict = checkHooks(req, entry, json, who.projectId);
      if (verdict) throw verdict;
      if (handler === undefined) {
        if (req.method === "OPTIONS") return writeReply(res, { status: 200, headers: { allow: entry.allowOptions } });
        throw new HttpError(405, "405 Method Not Allowed", undefined, { allow: entry.allow405 });
      }
      const roles = h["x-roles"];
      call = {
        req,
        params,
        query: parseQuery(rawQuery),
        ctx: {
          projectId,
          clientId: (h["client-id"] as string | undefined) ?? "",
          requestId,
          // Zaqar splits X-Roles on "," and keeps the pieces as they are (Keystone's roles replace them).
          roles: who.roles ?? (roles === undefined || roles === "" ? [] : (roles as string).split(",")),
        },
        core: deps.core,
        body: handler.body ? await readBody(req) : undefined,
        failure,
      };
      writeReply(res, await handler.run(call));
    } catch (err) {
      // The request's logger is made here, on the failure path, and only when something is logged.
      let child: Logger | undefined;
      const log = (): Logger => (child ??= requestLog(deps.log, requestId, projectId));
      if (res.headersSent) {
        log().error({ err }, "failure after the response started");
        res.destroy();
      } else writeError(res, toErrorReply(err, call?.failure ?? failure, log), json);
    }
    if (deps.log.isLevelEnabled("debug")) {
      requestLog(deps.log, requestId, projectId).debug({ method: req.method, url: req.url, status: res.statusCode }, "request");
    }
  }

  return (req, res) => {
    let url = req.url ?? "/";
    // Absolute-form targets (via proxies): route on the path, as WSGI servers do.
    if (url.charCodeAt(0) !== 0x2f) url = url.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?]*/, "") || "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const json = acceptsJson(req.headers.accept);
    const route = (who: Identification): void => {
      if (!who.ok) {
        if ("raw" in who) writeRaw(res, who.raw);
        else writeError(res, toErrorReply(who.error, "home", () => deps.log), json);
        return;
      }
      const found = router.find("GET", path);
      if (found === null || unroutable(found.params)) {
        writeError(res, toErrorReply(notFound(), "home", () => deps.log), json);
        return;
      }
      void run(req, res, found.store as Entry, found.params as Record<string, string>, q < 0 ? "" : url.slice(q + 1), json, who);
    };
    // Authentication comes first, as keystonemiddleware wraps the whole app (a 401 before a 404).
    const who = deps.auth.identify(req.method ?? "GET", path, req.headers);
    if (!(who instanceof Promise)) return route(who);
    who.then(route, (err: unknown) => {
      deps.log.error({ err }, "authentication failed unexpectedly");
      writeError(res, toErrorReply(err, "home", () => deps.log), json);
    });
  };
}
