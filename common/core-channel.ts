/**
 * The grpc-js channel every client of the core opens (the edges' batch and
 * push clients, the notifier): one long-lived HTTP/2 connection, kept alive,
 * authenticated as common/core-auth.ts says — TLS credentials with this
 * process's certificate when ZAQAR_CORE_TLS_* are set, and the shared secret
 * in the `authorization` metadata of every call when ZAQAR_CORE_SECRET is.
 */
import * as grpc from "@grpc/grpc-js";
import { bearer, type CoreAuth } from "./core-auth.ts";

/** Options of every core channel; a client adds its own (reconnect pacing, send limits). */
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // The core's limits apply; the channel adds none of its own.
  "grpc.max_receive_message_length": -1,
  // An idle channel stays open (the next request does not pay a handshake) and a dead one is noticed.
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
};

/** TLS with this process's certificate, verified against the CA, or plain h2c. */
export function coreChannelCredentials(auth: CoreAuth | undefined): grpc.ChannelCredentials {
  const tls = auth?.tls;
  return tls ? grpc.credentials.createSsl(tls.ca, tls.key, tls.cert) : grpc.credentials.createInsecure();
}

/**
 * The metadata that authenticates a call, for callers that build their own
 * requests (`{}` without a secret). Channels from createCoreChannel add it themselves.
 */
export function coreCallHeaders(auth: CoreAuth | undefined): Record<string, string> {
  return auth?.secret ? { authorization: bearer(auth.secret) } : {};
}

/**
 * Sets the secret on every call of a channel. grpc-js refuses call
 * credentials on an insecure channel, and the secret must work over h2c too,
 * hence an interceptor rather than credentials.
 */
function secretInterceptor(value: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set("authorization", value);
        next(metadata, listener);
      },
    });
}

/** A grpc-js client of the core at `address` (host:port), authenticated by `auth`. */
export function createCoreChannel(address: string, auth: CoreAuth | undefined, options: grpc.ChannelOptions = {}): grpc.Client {
  const secret = auth?.secret;
  return new grpc.Client(address, coreChannelCredentials(auth), {
    ...CHANNEL_OPTIONS,
    ...options,
    ...(secret ? { interceptors: [secretInterceptor(bearer(secret))] } : {}),
  });
}
