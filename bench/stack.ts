/**
 * The service under test and the edge ceiling, as child processes on free
 * ports: the bench's own redis-server, the core (ZAQAR_STORE=redis, native
 * gRPC port only), the REST edge and the WebSocket edge (edge-ws) pointing at
 * it, and the bare HTTP server. With `profile`, core and the edges run under
 * `node --cpu-prof`.
 */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort, spawnChild, waitForPort, type Child } from "./procs.ts";
import { startRedis, type BenchRedis } from "./redis-server.ts";

export interface Stack {
  readonly redis: BenchRedis;
  readonly core: Child;
  readonly edge: Child;
  readonly wsEdge: Child;
  readonly bare: Child;
  /** host:port of the core's grpc-js server. */
  readonly coreAddress: string;
  readonly edgeUrl: string;
  /** ws://host:port/ of edge-ws. */
  readonly wsUrl: string;
  readonly bareUrl: string;
  /** The long-running processes, for CPU accounting. */
  readonly pids: Record<string, number>;
  /** Stops everything; core and edge get SIGTERM first so their profiles are written. */
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL("..", import.meta.url));

function node(name: string, script: string, env: NodeJS.ProcessEnv, profileDir: string | null, args: string[] = []): Child {
  const flags = profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [];
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  return spawnChild(name, process.execPath, [...flags, "--import", "tsx", `${root}${script}`, ...args], { env: { ...process.env, ...env } });
}

/**
 * One more REST edge on the stack's core (the auth scenarios' Keystone edges),
 * with the stack's settings plus `env`; stopped by the caller (or with every
 * other child at exit). Resolves once it listens.
 */
export async function startExtraRestEdge(stack: Stack, name: string, env: NodeJS.ProcessEnv, profileDir: string | null): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = node(name, "edge-rest/src/main.ts", {
    ZAQAR_LOG_LEVEL: "warn",
    NODE_ENV: "production",
    ...env,
    ZAQAR_REST_LISTEN: `127.0.0.1:${port}`,
    ZAQAR_CORE_URL: stack.coreAddress,
  }, profileDir ? `${profileDir}/${name}` : null);
  await waitForPort(child, port);
  return { child, url: `http://127.0.0.1:${port}` };
}

export async function startStack(options: { readonly profileDir: string | null }): Promise<Stack> {
  const redis = await startRedis();
  const [corePort, edgePort, wsPort, barePort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const common = { ZAQAR_LOG_LEVEL: "warn", NODE_ENV: "production" };
  const prof = (sub: string) => (options.profileDir ? `${options.profileDir}/${sub}` : null);

  const core = node("core", "core/src/main.ts", {
    ...common,
    ZAQAR_STORE: "redis",
    ZAQAR_REDIS_URL: redis.url,
    ZAQAR_CORE_LISTEN: `127.0.0.1:${corePort}`,
    ZAQAR_CORE_CONNECT_LISTEN: "off",
  }, prof("core"));
  await waitForPort(core, corePort);
  const edge = node("edge-rest", "edge-rest/src/main.ts", {
    ...common,
    ZAQAR_REST_LISTEN: `127.0.0.1:${edgePort}`,
    ZAQAR_CORE_URL: `127.0.0.1:${corePort}`,
  }, prof("edge"));
  const wsEdge = node("edge-ws", "edge-ws/src/main.ts", {
    ...common,
    ZAQAR_WS_LISTEN: `127.0.0.1:${wsPort}`,
    ZAQAR_WS_NOTIFY_LISTEN: "127.0.0.1:0",
    ZAQAR_CORE_URL: `127.0.0.1:${corePort}`,
  }, prof("edge-ws"));
  const bare = node("bare-server", "bench/bare-server.ts", {}, null, [String(barePort)]);
  await Promise.all([waitForPort(edge, edgePort), waitForPort(wsEdge, wsPort), waitForPort(bare, barePort)]);

  return {
    redis,
    core,
    edge,
    wsEdge,
    bare,
    coreAddress: `127.0.0.1:${corePort}`,
    edgeUrl: `http://127.0.0.1:${edgePort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}/`,
    bareUrl: `http://127.0.0.1:${barePort}`,
    pids: { core: core.pid, edge: edge.pid, "edge-ws": wsEdge.pid, redis: redis.child.pid, bare: bare.pid },
    async stop() {
      await Promise.all([edge.stop(), wsEdge.stop(), bare.stop()]);
      await core.stop();
      await redis.stop();
    },
  };
}
