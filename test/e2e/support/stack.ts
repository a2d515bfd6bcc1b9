/**
 * Runs the real service for end-to-end tests: the same process table and
 * supervisor as `npm start`, every process a child `node --import tsx <main>`,
 * on free loopback ports.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { allProcesses } from "../../../scripts/launch/processes.ts";
import { freePort } from "../../helpers/free-port.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";
import { startSupervisor, type RunningProcess } from "../../../scripts/launch/supervisor.ts";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** ZAQAR_* settings that put every process of the stack on its own free port. */
export async function freePortEnv(): Promise<Record<string, string>> {
  const [grpc, connect, rest, ws, notifierHealth] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  return {
    ZAQAR_CORE_LISTEN: `127.0.0.1:${grpc}`,
    ZAQAR_CORE_CONNECT_LISTEN: `127.0.0.1:${connect}`,
    ZAQAR_REST_LISTEN: `127.0.0.1:${rest}`,
    ZAQAR_WS_LISTEN: `127.0.0.1:${ws}`,
    ZAQAR_NOTIFIER_HEALTH_LISTEN: `127.0.0.1:${notifierHealth}`,
  };
}

/** The caller's environment without ZAQAR_* settings, so a developer's shell cannot change a test. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("ZAQAR_")));
}

export interface Stack {
  /** e.g. "http://127.0.0.1:PORT" */
  readonly restUrl: string;
  readonly processes: readonly RunningProcess[];
  /** The children's output so far (stdout and stderr lines, prefixed with the process name). */
  output(): string;
  /** SIGTERM to every process; resolves with 0 when all stopped cleanly. */
  stop(): Promise<number>;
}

export async function startStack(settings: Record<string, string>): Promise<Stack> {
  const env = { ...cleanEnv(), ZAQAR_LOG_LEVEL: "warn", ...(await freePortEnv()), ...settings };
  const lines: string[] = [];
  const supervisor = startSupervisor(allProcesses, {
    root,
    env,
    onLine: (name, _stream, line) => lines.push(`${name} | ${line}`),
    onEvent: (message) => lines.push(`launcher | ${message}`),
  });
  const output = () => lines.join("\n");
  const processes = await supervisor.ready.catch((err: Error) => {
    throw new Error(`${err.message}\n${output()}`);
  });
  // A test worker that dies without stop() must not leave the service running.
  let stopped = false;
  process.once("exit", () => {
    if (stopped) return;
    for (const p of processes) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
  const rest = processes.flatMap((p) => p.endpoints).find((e) => e.label === "REST API");
  if (!rest) throw new Error("the process table has no REST API endpoint");
  const stop = () => {
    stopped = true;
    return supervisor.stop();
  };
  return { restUrl: rest.address, processes, output, stop };
}

export interface RedisStack {
  readonly stack: Stack;
  /** The private redis-server the core stores in. */
  readonly redis: RedisServer;
  /** Stops the stack, then the redis-server. */
  stop(): Promise<void>;
}

/** The stack on the Redis store, over a private redis-server on a free port. */
export async function startRedisStack(): Promise<RedisStack> {
  const redis = await startRedisServer();
  try {
    const stack = await startStack({ ZAQAR_STORE: "redis", ZAQAR_REDIS_URL: `${redis.url}/0` });
    return {
      stack,
      redis,
      async stop() {
        await stack.stop();
        await redis.stop();
      },
    };
  } catch (err) {
    await redis.stop();
    throw err;
  }
}
