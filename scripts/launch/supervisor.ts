/**
 * Runs a table of processes as children (`node --import tsx <main>`): starts them
 * in order, each once the previous one listens, relays their output line by line,
 * and stops them in reverse order. If one dies on its own, the others are stopped
 * and the run counts as failed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { resolve } from "node:path";
import { accepts, waitForPort } from "./ports.ts";
import type { Endpoint, ProcessSpec } from "./processes.ts";

export interface SupervisorOptions {
  /** Repository root: children run there and `main` paths are relative to it. */
  readonly root: string;
  /** Passed to every child, plus what each spec derives from it. */
  readonly env: NodeJS.ProcessEnv;
  /** One line of a child's stdout or stderr (without the newline). */
  onLine(name: string, stream: "stdout" | "stderr", line: string): void;
  /** Something the supervisor itself has to say (a child died, a kill was needed). */
  onEvent(message: string): void;
  /** How long a process may take to listen (tsx compiles on first start). Default 60 s. */
  readonly readyTimeoutMs?: number;
  /** How long a process may take to exit after SIGTERM before SIGKILL. Default 15 s. */
  readonly stopTimeoutMs?: number;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly endpoints: readonly Endpoint[];
}

export interface Supervisor {
  /** Resolves once every process listens; rejects if one fails to start (the others are then stopped). */
  readonly ready: Promise<readonly RunningProcess[]>;
  /** Settles once every child has exited, with the exit code for the launcher: 0 only after a clean stop(). */
  readonly exited: Promise<number>;
  /** SIGTERM to every child, last started first; resolves like `exited`. */
  stop(): Promise<number>;
}

interface Child {
  readonly spec: ProcessSpec;
  readonly process: ChildProcess;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  done: boolean;
}

/** Settings checked before anything is spawned: every endpoint needs a fixed, free port. */
async function plan(specs: readonly ProcessSpec[], env: NodeJS.ProcessEnv) {
  const planned = specs.map((spec) => {
    const childEnv = { ...env, ...spec.env(env) };
    return { spec, env: childEnv, endpoints: spec.endpoints(childEnv) };
  });
  const problems: string[] = [];
  for (const { spec, endpoints } of planned) {
    for (const e of endpoints) {
      if (e.port === 0) problems.push(`${spec.name}: ${e.label} needs a fixed port (the launcher waits for it), not 0`);
      else if (await accepts(e.host, e.port)) problems.push(`${spec.name}: ${e.label} port ${e.host}:${e.port} is already in use`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return planned;
}

export function startSupervisor(specs: readonly ProcessSpec[], options: SupervisorOptions): Supervisor {
  const children: Child[] = [];
  let failed = false;
  let stopping: Promise<number> | null = null;
  let settleExited: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (settleExited = r));

  const spawnChild = (spec: ProcessSpec, env: NodeJS.ProcessEnv): Child => {
    const proc = spawn(process.execPath, ["--import", "tsx", resolve(options.root, spec.main)], {
      cwd: options.root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of ["stdout", "stderr"] as const) {
      createInterface({ input: proc[stream], crlfDelay: Infinity }).on("line", (line) => options.onLine(spec.name, stream, line));
    }
    // 'close' (not 'exit') fires after the output pipes are drained, so no last log line is lost.
    const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => {
      proc.once("error", (err) => {
        options.onEvent(`${spec.name} could not be started: ${err.message}`);
        r({ code: null, signal: null });
      });
      proc.once("close", (code, signal) => r({ code, signal }));
    });
    const child: Child = { spec, process: proc, closed, done: false };
    void closed.then(({ code, signal }) => {
      child.done = true;
      if (stopping) return;
      failed = true;
      options.onEvent(`${spec.name} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); stopping the others`);
      void stop();
    });
    return child;
  };

  const stopOne = async (child: Child): Promise<boolean> => {
    if (!child.done) child.process.kill("SIGTERM");
    const timeoutMs = options.stopTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    const result = await Promise.race([child.closed, timedOut]);
    clearTimeout(timer);
    if (result === "timeout") {
      options.onEvent(`${child.spec.name} did not exit ${timeoutMs} ms after SIGTERM; killing it`);
      child.process.kill("SIGKILL");
      await child.closed;
      return false;
    }
    // A child killed before it installed its SIGTERM handler ends by the signal itself: still a clean stop.
    return result.code === 0 || result.signal === "SIGTERM";
  };

  function stop(): Promise<number> {
    stopping ??= (async () => {
      let clean = true;
      for (const child of [...children].reverse()) {
        if (!(await stopOne(child))) clean = false;
      }
      const code = failed || !clean ? 1 : 0;
      settleExited(code);
      return code;
    })();
    return stopping;
  }

  const ready = (async () => {
    const running: RunningProcess[] = [];
    try {
      for (const { spec, env, endpoints } of await plan(specs, options.env)) {
        if (stopping) throw new Error("stopped before every process had started");
        const child = spawnChild(spec, env);
        children.push(child);
        for (const e of endpoints) {
          await waitForPort(e.host, e.port, { timeoutMs: options.readyTimeoutMs ?? 60_000, abandon: child.closed }).catch((err: Error) => {
            throw new Error(`${spec.name} did not start: ${err.message}`);
          });
        }
        running.push({ name: spec.name, pid: child.process.pid ?? -1, endpoints });
      }
      return running;
    } catch (err) {
      // A stop() asked for during start-up is not a failure; anything else is.
      if (!stopping) failed = true;
      await stop();
      throw err;
    }
  })();

  return { ready, exited, stop };
}
