/**
 * Child processes of the bench: spawned, tracked, and all stopped at the end,
 * on errors and on SIGINT/SIGTERM, so a run never leaves a server behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";

export interface Child {
  readonly name: string;
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** The last lines of its stdout and stderr, for error reports. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Child>();
const TAIL_LINES = 40;

/**
 * Something the bench started that is not its child (a daemon, such as the
 * bench's Keystone, whose uWSGI detaches): `stop` when the bench ends or is
 * interrupted, `kill` (synchronous) if it exits without stopping it.
 */
export interface External {
  stop(): Promise<void>;
  kill(): void;
}

const externals = new Set<External>();

/** Tracks a daemon until it is stopped; returns the function that stops it (and untracks it). */
export function trackExternal(external: External): () => Promise<void> {
  externals.add(external);
  return async () => {
    if (!externals.delete(external)) return;
    await external.stop();
  };
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Collect stdout (default) or hand it to `onStdout` as it comes. */
  readonly onStdout?: (chunk: string) => void;
}

export function spawnChild(name: string, command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const proc = spawn(command, args, { env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  if (proc.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line === "") continue;
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
    }
  };
  proc.stdout?.on("data", (chunk: Buffer) => {
    keep(chunk);
    options.onStdout?.(chunk.toString("utf8"));
  });
  proc.stderr?.on("data", keep);
  const exited = new Promise<number | string>((resolve) => {
    proc.on("exit", (code, signal) => resolve(code ?? signal ?? "?"));
    proc.on("error", () => resolve("spawn error"));
  });
  const child: Child = {
    name,
    pid: proc.pid,
    proc,
    exited,
    tail: () => lines.join("\n"),
    async stop(graceMs = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
  live.add(child);
  void exited.then(() => live.delete(child));
  return child;
}

/** Stops every child still running (in reverse start order), and every tracked daemon. */
export async function stopAll(): Promise<void> {
  const daemons = [...externals];
  externals.clear();
  await Promise.all([...[...live].reverse().map((c) => c.stop()), ...daemons.map((d) => d.stop().catch(() => undefined))]);
}

/** Makes sure no child outlives the bench, whatever ends it. */
export function installCleanup(): void {
  let stopping = false;
  const bail = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    console.error(`\nbench: ${why}; stopping child processes`);
    void stopAll().finally(() => process.exit(code));
  };
  process.on("SIGINT", () => bail("interrupted", 130));
  process.on("SIGTERM", () => bail("terminated", 143));
  process.on("exit", () => {
    for (const c of live) c.proc.kill("SIGKILL");
    for (const d of externals) d.kill();
  });
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until something accepts TCP connections on the port; fails if the child dies first. */
export async function waitForPort(child: Child, port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: number | string | null = null;
  void child.exited.then((code) => {
    dead = code;
  });
  for (;;) {
    if (dead !== null) throw new Error(`${child.name} exited (${dead}) before listening:\n${child.tail()}`);
    if (await canConnect(port)) return;
    if (Date.now() > deadline) throw new Error(`${child.name} did not listen on ${port} within ${timeoutMs} ms:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Runs a child to completion and returns its whole stdout; rejects on a non-zero exit. */
export async function runToEnd(name: string, command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ stdout: string; pid: number }> {
  let stdout = "";
  const child = spawnChild(name, command, args, { ...(env ? { env } : {}), onStdout: (s) => (stdout += s) });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} failed (${code}):\n${child.tail()}`);
  return { stdout, pid: child.pid };
}
