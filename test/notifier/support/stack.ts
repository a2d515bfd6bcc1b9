/**
 * The real service for notifier tests: a core in this process (memory or
 * Redis store), the REST edge in this process on port 0, and notifiers as
 * real child processes (`node --import tsx notifier/src/main.ts`) that the
 * test can SIGTERM or SIGKILL.
 *
 *   const stack = await startNotifyStack(t, { store: "redis" });
 *   const api = stack.api();                      // REST caller for a fresh project
 *   const notifier = await stack.spawnNotifier();  // ready once its health check answers
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { readRestEdgeConfig } from "../../../edge-rest/src/config.ts";
import { createRestEdge } from "../../../edge-rest/src/app.ts";
import { restCaller, type RestCall } from "../../e2e/support/rest.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { freePort } from "../../helpers/free-port.ts";
import { startRedisServer, type RedisServer } from "../../helpers/redis-server.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface NotifierProcess {
  readonly pid: number;
  /** http://127.0.0.1:<port>/health */
  readonly healthUrl: string;
  /** Its stdout and stderr so far (pino JSON lines). */
  output(): string;
  /** Log records (parsed JSON lines of stdout). */
  records(): Array<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

export interface NotifyStack {
  readonly core: TestCore;
  /** http://127.0.0.1:<port> of the REST edge. */
  readonly restUrl: string;
  /** A REST caller for `project` (default: a fresh random project). */
  api(project?: string): RestCall & { readonly project: string };
  /** Starts a notifier against this core; extra ZAQAR_* settings win over the defaults. */
  spawnNotifier(env?: Record<string, string>): Promise<NotifierProcess>;
}

export interface NotifyStackOptions {
  readonly store?: "memory" | "redis";
  /** Extra core settings (ZAQAR_REQUIRE_CONFIRMATION, ...). */
  readonly coreEnv?: Record<string, string>;
}

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Environment of a test notifier: quick polls and short timeouts, no shell ZAQAR_* settings. */
function notifierEnv(coreAddress: string, healthPort: number, extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ZAQAR_")));
  return {
    ...base,
    ZAQAR_CORE_URL: coreAddress,
    ZAQAR_NOTIFIER_HEALTH_LISTEN: `127.0.0.1:${healthPort}`,
    ZAQAR_NOTIFIER_LEASE_WAIT_MS: "500",
    ZAQAR_WEBHOOK_TIMEOUT_MS: "3000",
    ZAQAR_SMTP_TIMEOUT_MS: "2000",
    ZAQAR_NOTIFIER_LEASE_SECONDS: "30",
    ZAQAR_LOG_LEVEL: process.env["ZAQAR_TEST_LOG_LEVEL"] ?? "info",
    ...extra,
  };
}

/** Polls the health check until it answers one of `statuses`. */
async function waitHealthy(url: string, child: ChildProcess, output: () => string, statuses: readonly number[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`notifier exited before it was healthy:\n${output()}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (statuses.includes(res.status)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`notifier not healthy within 30 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SpawnOptions {
  /** Resolve once the health check answers 200 (the core answered a lease); default true. Otherwise once it listens. */
  readonly healthy?: boolean;
}

/** Starts a notifier process against the core at `coreAddress`; it is SIGKILLed at teardown if still running. */
export async function spawnNotifier(t: Teardown, coreAddress: string, env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<NotifierProcess> {
  const healthPort = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", resolve(root, "notifier/src/main.ts")], {
    cwd: root,
    env: notifierEnv(coreAddress, healthPort, env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once("exit", (code, signal) => r({ code, signal })));
  const healthUrl = `http://127.0.0.1:${healthPort}/health`;
  await waitHealthy(healthUrl, child, () => out, options.healthy === false ? [200, 503] : [200]);
  return {
    pid: child.pid as number,
    healthUrl,
    output: () => out,
    records: () =>
      out
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    kill: (signal) => void child.kill(signal),
  };
}

export async function startNotifyStack(t: Teardown, options: NotifyStackOptions = {}): Promise<NotifyStack> {
  let redis: RedisServer | null = null;
  if (options.store === "redis") {
    redis = await startRedisServer();
    const r = redis;
    t.teardown(() => r.stop());
  }
  const core = await startCore({
    store: options.store ?? "memory",
    ...(redis ? { redisUrl: `${redis.url}/0` } : {}),
    ...(options.coreEnv ? { env: options.coreEnv } : {}),
  });
  // The edge sees the core's settings too, as under `npm start` (one environment): the signed-URL secret verifies confirmation links.
  const edge = createRestEdge(readRestEdgeConfig({ ...options.coreEnv, ZAQAR_REST_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: core.grpcAddress }), {
    log: pino({ level: "silent" }),
  });
  const { port } = await edge.listen();
  // Notifiers spawned later are killed before this runs (ava runs teardowns last registered first).
  t.teardown(async () => {
    await edge.close();
    await core.close();
  });
  const restUrl = `http://127.0.0.1:${port}`;

  return {
    core,
    restUrl,
    api(project = `p-${randomUUID()}`) {
      const call = restCaller(restUrl, project);
      return Object.assign(call, { project });
    },
    spawnNotifier: (env = {}) => spawnNotifier(t, core.grpcAddress, env),
  };
}
