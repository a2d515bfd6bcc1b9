/** TCP probes the launcher uses to tell when a process listens (and whether a port is already taken). */
import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** The address to dial for a listen host: a wildcard bind is reached on loopback. */
export function dialHost(host: string): string {
  if (host === "" || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}

/** Whether something accepts TCP connections on host:port right now. */
export function accepts(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: dialHost(host), port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Polls until host:port accepts connections. Rejects after timeoutMs, or as soon
 * as `abandon` settles (the process that should listen has exited).
 */
export async function waitForPort(
  host: string,
  port: number,
  options: { timeoutMs: number; abandon: Promise<unknown> },
): Promise<void> {
  let abandoned = false;
  void options.abandon.then(
    () => (abandoned = true),
    () => (abandoned = true),
  );
  const deadline = Date.now() + options.timeoutMs;
  while (!abandoned) {
    if (await accepts(host, port)) return;
    if (Date.now() > deadline) throw new Error(`${host}:${port} did not accept connections within ${options.timeoutMs} ms`);
    await sleep(50);
  }
  throw new Error(`the process exited before ${host}:${port} accepted connections`);
}
