/**
 * The core's check of ZAQAR_CORE_SECRET (common/core-auth.ts), on both
 * servers, before any handler runs and before any request message is read:
 * a caller without the secret gets UNAUTHENTICATED and costs the core one
 * header comparison, whatever it sends after.
 *
 * - grpc-js: a server interceptor answers from the request metadata; the
 *   handler never starts, so the request stream is never read.
 * - connect-node: a gate in front of the adapter answers from the HTTP/2
 *   headers in the caller's protocol (gRPC, gRPC-Web, Connect), because
 *   connect's own interceptors see a unary call only after its whole message
 *   was read and parsed.
 *
 * Both cover every method of every service, streams included, and any
 * service added later. Mutual TLS is the servers' credentials, not this.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";

/** Why a call was refused; null when its secret is right. */
export type SecretCheck = (authorization: string | undefined) => string | null;

const MISSING = "core credentials required: send authorization: Bearer <ZAQAR_CORE_SECRET>";
const WRONG = "core credentials rejected";

const sha256 = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * Compares the bearer token with the secret in constant time: both sides are
 * hashed first, so neither the secret's length nor a common prefix shows in
 * the time a comparison takes.
 */
export function createSecretCheck(secret: string): SecretCheck {
  const expected = sha256(secret);
  return (authorization) => {
    if (authorization === undefined || authorization === "") return MISSING;
    const match = /^Bearer +(.*)$/is.exec(authorization);
    if (!match) return WRONG;
    return timingSafeEqual(sha256(match[1] as string), expected) ? null : WRONG;
  };
}

/**
 * Logs refused calls without letting a misbehaving caller flood the log:
 * the first at once, then at most one line a minute with the count since.
 */
function createRefusalLog(log: Logger): (method: string, peer: string, reason: string) => void {
  let last = -Infinity;
  let since = 0;
  return (method, peer, reason) => {
    since++;
    const now = Date.now();
    if (now - last < 60_000) return;
    log.warn({ method, peer, reason, refused: since }, "core call refused: missing or wrong ZAQAR_CORE_SECRET");
    last = now;
    since = 0;
  };
}

/** The grpc-js server interceptor: UNAUTHENTICATED before the handler starts. */
export function grpcSecretInterceptor(check: SecretCheck, log: Logger): grpc.ServerInterceptor {
  const refused = createRefusalLog(log);
  return (method, call) => {
    const guarded: grpc.ServerInterceptingCall = new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, pass) {
            const value = metadata.get("authorization")[0];
            const reason = check(typeof value === "string" ? value : undefined);
            if (reason === null) return pass(metadata);
            refused(method.path, call.getPeer(), reason);
            // Not passed on: the handler never starts and nothing more is read.
            guarded.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: reason, metadata: null });
          },
        });
      },
    });
    return guarded;
  };
}

type NodeHandler = (req: Http2ServerRequest, res: Http2ServerResponse) => void;

/** The connect-node gate: refuses in the caller's protocol, else hands over to `handler`. */
export function connectSecretGate(check: SecretCheck, log: Logger, handler: NodeHandler): NodeHandler {
  const refused = createRefusalLog(log);
  return (req, res) => {
    const reason = check(req.headers.authorization);
    if (reason === null) return handler(req, res);
    refused(req.url, `${req.socket?.remoteAddress ?? "unknown"}:${req.socket?.remotePort ?? ""}`, reason);
    refuse(String(req.headers["content-type"] ?? ""), res, reason);
  };
}

/** Code.Unauthenticated in each protocol connect-node serves (their specs' error encodings). */
function refuse(contentType: string, res: Http2ServerResponse, message: string): void {
  if (contentType.startsWith("application/grpc")) {
    // gRPC and gRPC-Web: a trailers-only response, the status in the headers.
    const type = contentType.startsWith("application/grpc-web") ? contentType : "application/grpc";
    res.writeHead(200, { "content-type": type, "grpc-status": String(grpc.status.UNAUTHENTICATED), "grpc-message": encodeURIComponent(message) });
    res.end();
  } else if (contentType.startsWith("application/connect+")) {
    // Connect streaming: one end-stream frame (flag 0x02) carrying the error.
    const json = Buffer.from(JSON.stringify({ error: { code: "unauthenticated", message } }));
    const frame = Buffer.alloc(5 + json.length);
    frame[0] = 0x02;
    frame.writeUInt32BE(json.length, 1);
    json.copy(frame, 5);
    res.writeHead(200, { "content-type": contentType });
    res.end(frame);
  } else {
    // Connect unary (and anything else): HTTP 401 with the error as JSON.
    res.writeHead(401, { "content-type": "application/json" });
    res.end(JSON.stringify({ code: "unauthenticated", message }));
  }
}
