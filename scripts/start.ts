/**
 * `npm start`: runs the whole service from this checkout — the core, then the
 * REST edge (and whatever else scripts/launch/processes.ts lists) — each as a
 * child `node --import tsx <main.ts>` with this process's environment. Their pino
 * JSON logs pass through to stdout; once all listen, a short summary of the
 * addresses is printed. SIGTERM/SIGINT stop them all; if one dies, so does the rest,
 * and the exit code is non-zero.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readCoreConfig } from "../core/src/config.ts";
import { allProcesses } from "./launch/processes.ts";
import { startSupervisor, type RunningProcess } from "./launch/supervisor.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const say = (text: string) => process.stderr.write(`zaqar-ts: ${text}\n`);

/** The store line of the summary; a password in the Redis URL is not echoed. */
function describeStore(): string {
  try {
    const config = readCoreConfig(process.env);
    if (config.store === "memory") return "memory (embedded; data is lost when the core stops)";
    return `redis (${config.redisUrl.replace(/\/\/([^@/]*)@/, "//***@")})`;
  } catch {
    return "(invalid configuration)";
  }
}

function summary(running: readonly RunningProcess[]): string {
  const rows = running.flatMap((p) => p.endpoints.map((e) => [e.label, e.address, `${p.name}, pid ${p.pid}`] as const));
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `zaqar-ts is running; store: ${describeStore()}`,
    ...rows.map(([label, address, owner]) => `  ${label.padEnd(width)}  ${address}  (${owner})`),
    "Stop with Ctrl-C or SIGTERM.",
    "",
  ].join("\n");
}

const supervisor = startSupervisor(allProcesses, {
  root,
  env: process.env,
  onLine: (name, stream, line) => {
    if (stream === "stdout") process.stdout.write(`${line}\n`);
    else process.stderr.write(`${name} | ${line}\n`);
  },
  onEvent: say,
});

let signalled = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (!signalled) say(`${signal} received; stopping`);
    signalled = true;
    void supervisor.stop();
  });
}
// Under `npm start`, npm can die of a SIGTERM without passing it on; stop with it rather than orphan the service.
if (process.env["npm_lifecycle_event"] !== undefined) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid === parent || signalled) return;
    signalled = true;
    say("npm exited; stopping");
    void supervisor.stop();
  }, 500).unref();
}
// A closed stdout (e.g. `npm start | head`) must not crash the launcher and orphan the children.
process.stdout.on("error", () => void supervisor.stop());

const reported = supervisor.ready.then(
  (running) => process.stdout.write(summary(running)),
  (err: Error) => {
    if (!signalled) say(`failed to start:\n${err.message}`);
  },
);

const code = await supervisor.exited;
await reported;
if (code === 0) say("stopped");
process.exit(code);
