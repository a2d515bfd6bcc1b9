/**
 * `npm start` as a user runs it: scripts/start.ts brings up the core, the REST
 * edge and the notifier as child processes, prints where they listen, and takes them all down on
 * SIGTERM — or when one of them dies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { join } from "node:path";
import test from "ava";
import { accepts } from "../../scripts/launch/ports.ts";
import { connect as wsConnect } from "../edge-ws/harness.ts";
import { restCaller } from "./support/rest.ts";
import { cleanEnv, freePortEnv, root } from "./support/stack.ts";

interface Launched {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function launch(env: Record<string, string>): Launched {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "scripts/start.ts")], {
    cwd: root,
    env: { ...cleanEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("close", (code, signal) => r({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Waits for the summary; returns its REST address and the pid of every child. */
async function summaryOf(launched: Launched): Promise<{ restUrl: string; pids: Map<string, number> }> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  void launched.exit.then(() => (exited = true));
  while (!/Stop with Ctrl-C/.test(launched.stdout())) {
    if (exited || Date.now() > deadline) throw new Error(`no summary:\n${launched.stdout()}\n${launched.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const text = launched.stdout();
  const rest = /REST API\s+(http:\/\/\S+)/.exec(text);
  const pids = new Map([...text.matchAll(/\((\S+), pid (\d+)\)/g)].map((m) => [m[1] as string, Number(m[2])]));
  if (!rest) throw new Error(`no REST API line in:\n${text}`);
  return { restUrl: rest[1] as string, pids };
}

/**
 * Teardown for a test that may have failed half-way: SIGTERM the launcher, give it
 * time to stop its children, then SIGKILL whatever is left, so no test leaves processes behind.
 */
function cleanUp(launched: Launched, pids: () => Iterable<number>): () => Promise<void> {
  return async () => {
    if (launched.child.exitCode === null && launched.child.signalCode === null) {
      launched.child.kill("SIGTERM");
      await Promise.race([launched.exit, new Promise((r) => setTimeout(r, 15_000))]);
      launched.child.kill("SIGKILL");
    }
    for (const pid of pids()) if (alive(pid)) process.kill(pid, "SIGKILL");
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("npm start serves REST on the embedded store and exits 0 on SIGTERM, leaving no process behind", async (t) => {
  const ports = await freePortEnv();
  const launched = launch({ ...ports, ZAQAR_LOG_LEVEL: "info" });
  let pids = new Map<string, number>();
  t.teardown(cleanUp(launched, () => pids.values()));
  const summary = await summaryOf(launched);
  const restUrl = summary.restUrl;
  pids = summary.pids;

  t.is(restUrl, `http://${ports["ZAQAR_REST_LISTEN"]}`);
  t.regex(launched.stdout(), /^zaqar-ts is running; store: memory/m);
  t.regex(launched.stdout(), new RegExp(`core gRPC\\s+${ports["ZAQAR_CORE_LISTEN"]}\\s`));
  t.regex(launched.stdout(), new RegExp(`core Connect/gRPC-Web\\s+http://${ports["ZAQAR_CORE_CONNECT_LISTEN"]}\\s`));
  t.regex(launched.stdout(), new RegExp(`notifier health\\s+http://${ports["ZAQAR_NOTIFIER_HEALTH_LISTEN"]}/health\\s`));
  t.regex(launched.stdout(), new RegExp(`WebSocket API\\s+ws://${ports["ZAQAR_WS_LISTEN"]}/\\s`));
  t.deepEqual([...pids.keys()], ["core", "edge-rest", "edge-ws", "notifier"]);
  // The children's pino lines pass through unchanged.
  t.true(launched.stdout().split("\n").some((line) => line.startsWith("{") && JSON.parse(line).name === "core"));

  const project = `p-${randomUUID()}`;
  const call = restCaller(restUrl, project);
  t.is((await call("PUT", "/v2/queues/smoke")).status, 201);
  const posted = await call("POST", "/v2/queues/smoke/messages", { messages: [{ body: { hello: "world" }, ttl: 300 }] });
  t.is(posted.status, 201);
  t.is(posted.body.resources.length, 1);
  const listed = await call("GET", "/v2/queues/smoke/messages?echo=true");
  t.deepEqual(
    listed.body.messages.map((m: { body: unknown }) => m.body),
    [{ hello: "world" }],
  );
  // The same message over the WebSocket API; SIGTERM then closes the socket with a close frame.
  const ws = await wsConnect(`ws://${ports["ZAQAR_WS_LISTEN"]}/`);
  const wsList = await ws.ask({ action: "message_list", headers: { "Client-ID": randomUUID(), "X-Project-ID": project }, body: { queue_name: "smoke", echo: true } });
  t.deepEqual(wsList.body.messages.map((m: { body: unknown }) => m.body), [{ hello: "world" }]);

  launched.child.kill("SIGTERM");
  t.is((await ws.closed()).code, 1001);
  const { code, signal } = await launched.exit;
  t.deepEqual({ code, signal }, { code: 0, signal: null }, launched.stderr());
  for (const [name, pid] of pids) t.false(alive(pid), `${name} (pid ${pid}) is still running`);
  for (const name of ["ZAQAR_CORE_LISTEN", "ZAQAR_CORE_CONNECT_LISTEN", "ZAQAR_REST_LISTEN", "ZAQAR_WS_LISTEN", "ZAQAR_NOTIFIER_HEALTH_LISTEN"]) {
    const [host, port] = (ports[name] as string).split(":");
    t.false(await accepts(host as string, Number(port)), `${name} still accepts connections`);
  }
});

test("when one process dies the launcher stops the others and exits non-zero", async (t) => {
  const launched = launch({ ...(await freePortEnv()), ZAQAR_LOG_LEVEL: "warn" });
  let pids = new Map<string, number>();
  t.teardown(cleanUp(launched, () => pids.values()));
  pids = (await summaryOf(launched)).pids;

  process.kill(pids.get("edge-rest") as number, "SIGKILL");
  const { code } = await launched.exit;
  t.is(code, 1);
  t.regex(launched.stderr(), /edge-rest exited unexpectedly \(signal SIGKILL\); stopping the others/);
  t.false(alive(pids.get("core") as number), "the core is still running");
});

test("the launcher refuses to start when a port it needs is taken", async (t) => {
  const ports = await freePortEnv();
  const blocker = createServer();
  const [host, port] = (ports["ZAQAR_REST_LISTEN"] as string).split(":");
  await new Promise<void>((r) => blocker.listen(Number(port), host, () => r()));
  t.teardown(() => void blocker.close());

  const launched = launch({ ...ports, ZAQAR_LOG_LEVEL: "warn" });
  t.teardown(cleanUp(launched, () => []));
  const { code } = await launched.exit;
  t.is(code, 1);
  t.regex(launched.stderr(), new RegExp(`REST API port ${ports["ZAQAR_REST_LISTEN"]} is already in use`));
  const [coreHost, corePort] = (ports["ZAQAR_CORE_LISTEN"] as string).split(":");
  t.false(await accepts(coreHost as string, Number(corePort)), "a core was left running");
});
