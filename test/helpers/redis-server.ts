/**
 * A private, throw-away `redis-server` for tests.
 *
 *   const redis = await startRedisServer();
 *   const client = new Redis(redis.url);     // or connectRedis(redis.url)
 *   ...
 *   await redis.stop();                      // e.g. in test.after.always
 *
 * Each call starts its own server on a free loopback port (never 6379), with
 * no persistence (`--save "" --appendonly no`) and a temp working directory
 * that stop() removes. Start one per test file and give every test its own
 * random project id, so tests in a file can share it and run concurrently.
 *
 * Outage tests: kill() sends SIGKILL (connections drop at once, data is
 * lost); restart() starts a fresh empty server on the same port, so clients
 * configured with that url reconnect by themselves.
 *
 * startRedisCluster() starts a small Redis Cluster the same way (masters
 * only, all slots assigned) for tests that must prove cluster compatibility.
 *
 * Needs the redis-server binary (Debian: `apt-get install -y redis-server`,
 * which also brings redis-cli for the cluster); when it is missing, the
 * start functions throw with that command.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { freePort } from "./free-port.ts";
import { join } from "node:path";

export const INSTALL_HINT = "apt-get install -y redis-server";

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Shuts the server down (if running) and removes its directory. */
  stop(): Promise<void>;
  /** SIGKILLs the server; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a new, empty server on the same port (after kill or stop of the process). */
  restart(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. ["--maxmemory", "10mb"]. */
  readonly args?: readonly string[];
  /** Path of the binary. Default: redis-server from PATH. */
  readonly binary?: string;
}

const running = new Set<ChildProcess>();
// A test process that dies without stop() must not leave servers behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function findBinary(binary: string): void {
  try {
    execFileSync(binary, ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error(`${binary} not found; install it with: ${INSTALL_HINT}`);
  }
}

/** Spawns redis-server and resolves when it accepts connections; rejects when it exits first. */
function launch(binary: string, port: number, dir: string, extra: readonly string[]): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", ...extra];
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`redis-server on port ${port} not ready after 10 s:\n${output}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server on port ${port} exited (${code ?? signal}):\n${output}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? "redis-server";
  const extra = options.args ?? [];
  findBinary(binary);
  const dir = mkdtempSync(join(tmpdir(), "zq-redis-"));

  // Another process may grab the port between probing and binding: retry.
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; child === undefined; attempt++) {
    port = await freePort();
    if (port === 6379) continue;
    try {
      child = await launch(binary, port, dir, extra);
    } catch (err) {
      if (attempt >= 4 || !String(err).includes("Address already in use")) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }

  let current: ChildProcess = child;
  const stopProcess = async (signal: NodeJS.Signals): Promise<void> => {
    const done = exited(current);
    current.kill(signal);
    await done;
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await stopProcess("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => stopProcess("SIGKILL"),
    async restart() {
      await stopProcess("SIGKILL");
      // The old socket may linger briefly; redis sets SO_REUSEADDR, so a few tries suffice.
      for (let attempt = 0; ; attempt++) {
        try {
          current = await launch(binary, port, dir, extra);
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  };
}

export interface RedisCluster {
  /** Seed nodes for `new Cluster(nodes)`. */
  readonly nodes: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  stop(): Promise<void>;
}

/** Starts `masters` cluster-enabled servers, joins them with `redis-cli --cluster create` and waits for cluster_state:ok. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  findBinary("redis-cli");
  const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"];
  const servers = await Promise.all(Array.from({ length: masters }, () => startRedisServer({ args })));
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    const addresses = servers.map((s) => `127.0.0.1:${s.port}`);
    execFileSync("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"], { stdio: "ignore" });
    const deadline = Date.now() + 20_000;
    for (const s of servers) {
      while (!execFileSync("redis-cli", ["-p", String(s.port), "cluster", "info"]).toString().includes("cluster_state:ok")) {
        if (Date.now() > deadline) throw new Error("redis cluster did not reach cluster_state:ok in 20 s");
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: servers.map((s) => ({ host: "127.0.0.1", port: s.port })), stop };
}
