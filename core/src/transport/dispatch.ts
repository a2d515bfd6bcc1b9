/**
 * Runs one operation for any transport: resolves and checks the caller's
 * context, calls the handler, and logs unexpected failures once, here, at the
 * boundary (expected domain errors are the client's business: debug only).
 */
import type { Logger } from "pino";
import { resolveContext, type ClientIdRules, type RawContext } from "../context.ts";
import { isZaqarError } from "../errors.ts";
import type { Handler, Handlers, OpName, RequestOf, ResponseOf } from "../service/handler-types.ts";
import type { NotificationHandlers } from "../service/notifications.ts";

export interface Dispatcher {
  run<K extends OpName>(raw: RawContext, op: K, req: RequestOf<K>): Promise<ResponseOf<K>>;
}

export function createDispatcher(handlers: Handlers, rules: ClientIdRules, log: Logger): Dispatcher {
  return {
    async run(raw, op, req) {
      try {
        const ctx = resolveContext(raw, rules);
        return await (handlers[op] as Handler<typeof op>)(ctx, req);
      } catch (err) {
        if (!isZaqarError(err)) {
          log.error({ err, op, project: raw.project, reqId: raw.requestId }, "operation failed unexpectedly");
        } else if (err.reason === "STORAGE_UNAVAILABLE") {
          log.error({ err, op, reqId: raw.requestId }, "storage unavailable");
        } else {
          log.debug({ op, reason: err.reason, reqId: raw.requestId }, "operation rejected");
        }
        throw err;
      }
    },
  };
}

/** The caller's context from direct-RPC request headers. */
export function contextFromHeaders(get: (name: string) => string | undefined): RawContext {
  const roles = get("x-roles");
  return {
    project: get("x-project-id"),
    clientId: get("x-client-id"),
    requestId: get("x-request-id"),
    roles: roles ? roles.split(",").map((r) => r.trim()).filter((r) => r !== "") : [],
  };
}

/** NotificationService handlers that log their failures the way the dispatcher does. */
export function loggedNotifications(handlers: NotificationHandlers, log: Logger): NotificationHandlers {
  const logged =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        if (!isZaqarError(err)) log.error({ err, method }, "notification call failed unexpectedly");
        else if (err.reason === "STORAGE_UNAVAILABLE") log.error({ err, method }, "storage unavailable");
        else log.debug({ method, reason: err.reason }, "notification call rejected");
        throw err;
      }
    };
  return {
    leaseJobs: logged("LeaseJobs", handlers.leaseJobs),
    ackJobs: logged("AckJobs", handlers.ackJobs),
    retryJob: logged("RetryJob", handlers.retryJob),
  };
}
