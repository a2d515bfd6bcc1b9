/** A TCP server that accepts connections and never says a word (an SMTP server that never greets, say). */
import { createServer, type AddressInfo, type Socket } from "node:net";

/** Listens on a free loopback port until the test ends; answers the port. */
export async function startMuteServer(t: { teardown(fn: () => unknown): void }): Promise<number> {
  const sockets = new Set<Socket>();
  const mute = createServer((s) => {
    sockets.add(s);
    s.on("data", () => undefined);
  });
  await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    mute.close();
  });
  return (mute.address() as AddressInfo).port;
}
