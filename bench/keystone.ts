/**
 * The bench's own Keystone, for the auth scenarios: started with the
 * project's scripts/keystone.sh in a scratch directory (Debian's keystone
 * package, one uWSGI process with one thread, sqlite, fernet tokens; the
 * script installs the package when it is missing and we are root), stopped
 * when the bench ends, also on failure or Ctrl-C (uWSGI daemonizes, so it is
 * tracked as an External, not a child).
 *
 * Besides the service settings the edges need, it gives what the bench
 * measures with: the uWSGI worker's pid (its CPU goes into the CPU split) and
 * uWSGI's request log, one line per request with Keystone's own service time,
 * from which the bench counts token validations (GET /v3/auth/tokens) in a
 * time window: the validators' cache hit rate without a proxy in the path.
 */
import { existsSync, openSync, readFileSync, readSync, closeSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { spawnChild, trackExternal, runToEnd } from "./procs.ts";

const script = fileURLToPath(new URL("../scripts/keystone.sh", import.meta.url));

/** The admin credentials keystone.sh bootstraps (ZAQAR_TEST_KEYSTONE_* in its env file). */
export interface KeystoneAdmin {
  readonly url: string;
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly project: string;
}

/** Token validations Keystone served in a window, from uWSGI's request log. */
export interface Validations {
  readonly count: number;
  /** By HTTP status, e.g. { "200": 812 }. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Keystone's own time per validation (uWSGI's "in N msecs"), ms. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface BenchKeystone {
  readonly dir: string;
  readonly url: string;
  /** ZAQAR_KEYSTONE_* settings for a service (URL and service credentials). */
  readonly serviceEnv: Readonly<Record<string, string>>;
  readonly admin: KeystoneAdmin;
  /** uWSGI master and worker(s), for CPU accounting ("keystone" is the worker that serves requests). */
  pids(): Record<string, number>;
  /** A position in the request log; validationsSince() counts what was logged after it. */
  logMark(): number;
  validationsSince(mark: number): Validations;
  stop(): Promise<void>;
}

export type KeystoneStart =
  | { readonly ok: true; readonly keystone: BenchKeystone; readonly startS: number }
  /** `missing`: the package is not installed and we are not root; `reason` then holds keystone.sh's install command. */
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

export async function startKeystone(dir: string): Promise<KeystoneStart> {
  const t0 = performance.now();
  const installed = spawnChild("keystone.sh installed", "bash", [script, "installed"]);
  const wasInstalled = (await installed.exited) === 0;
  // Tracked before it starts: an interrupt during the ~10 s start still stops the daemon.
  const stop = trackExternal({
    stop: () => runToEnd("keystone.sh stop", "bash", [script, "stop", dir]).then(() => undefined),
    kill: () => {
      const pid = masterPid(dir);
      if (pid !== null) signal(pid, "SIGTERM");
    },
  });
  const starting = spawnChild("keystone.sh start", "bash", [script, "start", dir]);
  const code = await starting.exited;
  if (code !== 0) {
    await stop().catch(() => undefined);
    // The env file is the only stdout (and holds passwords); the tail here is keystone.sh's stderr.
    const reason = starting.tail().split("\n").filter((l) => !l.includes("PASSWORD=")).join("\n");
    return { ok: false, missing: !wasInstalled && process.getuid?.() !== 0, reason: reason || `keystone.sh start exited ${code}` };
  }
  const env = readEnvFile(`${dir}/keystone.env`);
  const need = (name: string): string => {
    const v = env[name];
    if (v === undefined || v === "") throw new Error(`${dir}/keystone.env has no ${name}`);
    return v;
  };
  const serviceEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("ZAQAR_KEYSTONE_")));
  const admin: KeystoneAdmin = {
    url: need("ZAQAR_TEST_KEYSTONE_URL").replace(/\/+$/, ""),
    domain: need("ZAQAR_TEST_KEYSTONE_DOMAIN"),
    user: need("ZAQAR_TEST_KEYSTONE_ADMIN_USER"),
    password: need("ZAQAR_TEST_KEYSTONE_ADMIN_PASSWORD"),
    project: need("ZAQAR_TEST_KEYSTONE_ADMIN_PROJECT"),
  };
  const log = `${dir}/log/uwsgi.log`;
  const keystone: BenchKeystone = {
    dir,
    url: need("ZAQAR_KEYSTONE_URL"),
    serviceEnv,
    admin,
    pids() {
      const master = masterPid(dir);
      if (master === null) throw new Error(`Keystone's pid file ${dir}/keystone.pid is gone`);
      const workers = childrenOf(master);
      const out: Record<string, number> = { "keystone-master": master };
      workers.forEach((pid, i) => (out[i === 0 ? "keystone" : `keystone-${i + 1}`] = pid));
      return out;
    },
    logMark: () => (existsSync(log) ? statSync(log).size : 0),
    validationsSince: (mark) => parseValidations(readFrom(log, mark)),
    stop,
  };
  return { ok: true, keystone, startS: Math.round((performance.now() - t0) / 100) / 10 };
}

function readEnvFile(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) out[m[1] as string] = m[2] as string;
  }
  return out;
}

function masterPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(`${dir}/keystone.pid`, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter((s) => s !== "").map(Number);
  } catch {
    return [];
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function readFrom(path: string, offset: number): string {
  if (!existsSync(path)) return "";
  const size = statSync(path).size;
  if (size <= offset) return "";
  const buf = Buffer.alloc(size - offset);
  const fd = openSync(path, "r");
  try {
    readSync(fd, buf, 0, buf.length, offset);
  } finally {
    closeSync(fd);
  }
  return buf.toString("utf8");
}

/** uWSGI request lines: `... GET /v3/auth/tokens?nocatalog => generated 648 bytes in 11 msecs (HTTP/1.1 200) ...`. */
export function parseValidations(text: string): Validations {
  const statuses: Record<string, number> = {};
  const times: number[] = [];
  for (const line of text.split("\n")) {
    const m = / GET \/v3\/auth\/tokens[ ?].*? in (\d+) msecs \(HTTP\/[\d.]+ (\d{3})\)/.exec(line);
    if (!m) continue;
    times.push(Number(m[1]));
    statuses[m[2] as string] = (statuses[m[2] as string] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => (times.length === 0 ? 0 : (times[Math.min(times.length - 1, Math.max(0, Math.ceil((p / 100) * times.length) - 1))] as number));
  return { count: times.length, statuses, p50Ms: at(50), p99Ms: at(99) };
}
