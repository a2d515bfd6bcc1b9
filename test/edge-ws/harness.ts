/**
 * Wire-test harness for the WebSocket edge: a real core (memory or Redis, in
 * process), the real edge on port 0, and real `ws` clients that read frames
 * one at a time.
 *
 *   const env = useWsEdge(test);                  // memory
 *   const envs = useWsEdgeOnStores(test);         // [["memory", env], ["redis", env]]
 *   const c = await env.client(); const answer = await c.ask({action, headers, body});
 */
import { randomUUID } from "node:crypto";
import type { TestFn } from "ava";
import { decode, encode } from "@msgpack/msgpack";
import { pino } from "pino";
import { WebSocket, type ClientOptions } from "ws";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { createWsEdge, type WsEdge } from "../../edge-ws/src/server.ts";
import { startCore, type TestCore, type TestCoreOptions } from "../helpers/core.ts";
import { startRedisServer, type RedisServer } from "../helpers/redis-server.ts";

export const CLIENT_ID = "3381af92-2b9e-11e3-b191-71861300734c";

export interface Frame {
  readonly binary: boolean;
  readonly data: Buffer;
  /** The frame decoded (JSON text or MessagePack). */
  readonly value: any;
}

export interface WsClient {
  readonly socket: WebSocket;
  /** Sends a text frame: an object as its JSON, a string or Buffer as is. */
  send(frame: unknown): void;
  /** Sends a binary MessagePack frame of the value (or raw bytes). */
  sendBinary(frame: unknown): void;
  /** The next frame received (waits up to 10 s). */
  next(): Promise<Frame>;
  /** send() then next().value. */
  ask(frame: unknown): Promise<any>;
  /** Resolves with the close code and reason once the socket is closed. */
  closed(): Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface WsEdgeEnv {
  readonly url: () => string;
  readonly core: () => TestCore;
  client(options?: ClientOptions): Promise<WsClient>;
  /** A fresh project id and the usual headers for it. */
  project(): { project: string; headers: { "Client-ID": string; "X-Project-ID": string } };
}

export interface WsEdgeOptions {
  readonly core?: TestCoreOptions;
  /** Extra ZAQAR_WS_* settings. */
  readonly env?: Record<string, string>;
  /** The edge's clock for token and signed-URL expiry. */
  readonly now?: () => number;
}

export async function connect(url: string, options: ClientOptions = {}): Promise<WsClient> {
  const socket = new WebSocket(url, options);
  const frames: Frame[] = [];
  const waiting: Array<(f: Frame) => void> = [];
  let closeInfo: { code: number; reason: string } | null = null;
  const closeWaiters: Array<(c: { code: number; reason: string }) => void> = [];
  socket.on("message", (data: Buffer, binary: boolean) => {
    const value = binary ? decode(data) : JSON.parse(data.toString("utf8"));
    const frame = { binary, data, value };
    const w = waiting.shift();
    if (w) w(frame);
    else frames.push(frame);
  });
  socket.on("close", (code: number, reason: Buffer) => {
    closeInfo = { code, reason: reason.toString() };
    for (const w of closeWaiters.splice(0)) w(closeInfo);
  });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const client: WsClient = {
    socket,
    send(frame) {
      socket.send(typeof frame === "string" || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame), { binary: false });
    },
    sendBinary(frame) {
      socket.send(Buffer.isBuffer(frame) ? frame : Buffer.from(encode(frame)), { binary: true });
    },
    next() {
      const f = frames.shift();
      if (f) return Promise.resolve(f);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no frame within 10 s")), 10_000);
        waiting.push((frame) => {
          clearTimeout(timer);
          resolve(frame);
        });
      });
    },
    async ask(frame) {
      client.send(frame);
      return (await client.next()).value;
    },
    closed() {
      if (closeInfo) return Promise.resolve(closeInfo);
      return new Promise((resolve) => closeWaiters.push(resolve));
    },
    close() {
      socket.close();
    },
  };
  return client;
}

export function useWsEdge(test: TestFn<unknown>, options: WsEdgeOptions = {}): WsEdgeEnv {
  let core: TestCore | undefined;
  let edge: WsEdge | undefined;
  let url = "";
  const clients: WsClient[] = [];
  test.before(async () => {
    core = await startCore(options.core);
    const config = readWsEdgeConfig({
      ZAQAR_WS_LISTEN: "127.0.0.1:0",
      ZAQAR_CORE_URL: core.grpcAddress,
      ZAQAR_LOG_LEVEL: process.env["ZAQAR_TEST_LOG_LEVEL"] ?? "silent",
      ...options.env,
    });
    edge = createWsEdge(config, { log: pino({ level: config.logLevel }), ...(options.now ? { now: options.now } : {}) });
    const a = await edge.listen();
    url = `ws://127.0.0.1:${a.port}/`;
  });
  test.after.always(async () => {
    for (const c of clients) c.socket.terminate();
    await edge?.close();
    await core?.close();
  });
  return {
    url: () => url,
    core: () => core as TestCore,
    async client(clientOptions) {
      const c = await connect(url, clientOptions);
      clients.push(c);
      return c;
    },
    project() {
      const project = `p-${randomUUID()}`;
      return { project, headers: { "Client-ID": CLIENT_ID, "X-Project-ID": project } };
    },
  };
}

export type Store = "memory" | "redis";

/** The edge once per store: memory, and Redis on a private redis-server. */
export function useWsEdgeOnStores(test: TestFn<unknown>, options: WsEdgeOptions = {}): ReadonlyArray<readonly [Store, WsEdgeEnv]> {
  let redis: RedisServer | undefined;
  test.serial.before(async () => {
    redis = await startRedisServer();
  });
  const memory = useWsEdge(test, options);
  const onRedis = useWsEdge(test, {
    ...options,
    core: {
      ...options.core,
      store: "redis",
      get redisUrl() {
        return (redis as RedisServer).url;
      },
    },
  });
  test.after.always(async () => redis?.stop());
  return [
    ["memory", memory],
    ["redis", onRedis],
  ];
}

/** The echo of a request as the edge writes it. */
export function echo(frame: { action?: unknown; headers?: unknown; body?: unknown }): Record<string, unknown> {
  return {
    action: frame.action === undefined ? null : frame.action,
    body: frame.body === undefined ? {} : frame.body,
    headers: frame.headers === undefined ? {} : frame.headers,
    api: "v2",
  };
}
