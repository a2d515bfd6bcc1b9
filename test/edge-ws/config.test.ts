/**
 * The WebSocket edge's configuration (defaults, every problem listed at once)
 * and its health check.
 */
import test from "ava";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { useWsEdge } from "./harness.ts";

const env = useWsEdge(test);

test("defaults: Zaqar's port 9000, the core on 7070, bounded frames, in-flight, idle and buffered output, an ephemeral notify port", (t) => {
  t.deepEqual(readWsEdgeConfig({}), {
    listen: { host: "127.0.0.1", port: 9000 },
    coreUrl: "127.0.0.1:7070",
    maxFrameBytes: 1048576,
    maxInFlight: 64,
    idleTimeoutMs: 60000,
    maxBufferedBytes: 8388608,
    maxWatches: 16,
    notifyListen: { host: "127.0.0.1", port: 0 },
    notifyHost: null,
    logLevel: "info",
    auth: { strategy: "none", signedUrlSecret: undefined },
  });
});

test("every bad setting is reported at once", (t) => {
  const err = t.throws(() =>
    readWsEdgeConfig({ ZAQAR_WS_LISTEN: "nope", ZAQAR_WS_MAX_FRAME_BYTES: "0", ZAQAR_WS_MAX_IN_FLIGHT: "x", ZAQAR_LOG_LEVEL: "loud" }),
  );
  t.regex(err.message, /ZAQAR_WS_LISTEN must be host:port/);
  t.regex(err.message, /ZAQAR_WS_MAX_FRAME_BYTES must be a positive integer, got "0"/);
  t.regex(err.message, /ZAQAR_WS_MAX_IN_FLIGHT must be a positive integer, got "x"/);
  t.regex(err.message, /ZAQAR_LOG_LEVEL must be one of/);
});

test("GET /health answers 200 while the core and its store are reachable", async (t) => {
  const res = await fetch(env.url().replace("ws://", "http://") + "health");
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: "ok" });
});

test("a plain HTTP request elsewhere is told to upgrade (426)", async (t) => {
  const res = await fetch(env.url().replace("ws://", "http://") + "v2/queues");
  t.is(res.status, 426);
});
