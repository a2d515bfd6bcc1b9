/**
 * Socket notifications end to end (websocket.md §6): two edge-ws processes,
 * a real notifier process and the core; a subscription created over a socket
 * without a subscriber delivers to that socket only, in text or MessagePack
 * after the frame kind that created it, and goes away with the socket.
 */
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";
import { startNotifyStack } from "../notifier/support/stack.ts";
import { CLIENT_ID, connect, type Frame } from "./harness.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

interface Teardown {
  teardown(fn: () => unknown): void;
}

/**
 * Starts `node --import tsx edge-ws/src/main.ts` on ports it picks itself
 * (port 0: no race with other tests for a "free" port) and reads them from
 * its start-up log lines.
 */
async function spawnEdgeWs(t: Teardown, coreAddress: string): Promise<{ url: string; notifyPort: number }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ZAQAR_")));
  const child = spawn(process.execPath, ["--import", "tsx", "edge-ws/src/main.ts"], {
    cwd: root,
    env: { ...env, ZAQAR_CORE_URL: coreAddress, ZAQAR_WS_LISTEN: "127.0.0.1:0", ZAQAR_WS_NOTIFY_LISTEN: "127.0.0.1:0", ZAQAR_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  t.teardown(async () => {
    child.kill("SIGTERM");
    await exited;
  });
  let notifyPort = 0;
  let buffered = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("edge-ws did not start within 30 s")), 30_000);
    child.once("exit", () => reject(new Error("edge-ws exited at start-up")));
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const record = JSON.parse(line) as { notify?: string; port?: number; msg?: string };
        if (record.notify) notifyPort = Number(new URL(record.notify).port);
        if (record.msg?.startsWith("edge-ws listening") && record.port) {
          clearTimeout(timer);
          resolve(record.port);
        }
      }
    });
  });
  return { url: `ws://127.0.0.1:${port}/`, notifyPort };
}

/** The next frame that is a notification (not an answer, which has `request`). */
async function nextNotification(next: () => Promise<Frame>): Promise<Frame> {
  for (;;) {
    const f = await next();
    if (!(typeof f.value === "object" && f.value !== null && "request" in f.value)) return f;
  }
}

for (const store of ["memory", "redis"] as const) {
  test(`${store}: notifications reach the socket that subscribed, through the notifier, across two edge-ws processes`, async (t) => {
    const stack = await startNotifyStack(t, { store });
    await stack.spawnNotifier();
    const [one, two] = [await spawnEdgeWs(t, stack.core.grpcAddress), await spawnEdgeWs(t, stack.core.grpcAddress)];
    const api = stack.api();
    const headers = { "Client-ID": CLIENT_ID, "X-Project-ID": api.project };
    const a = await connect(one.url);
    const b = await connect(two.url);
    t.teardown(() => {
      a.socket.terminate();
      b.socket.terminate();
    });

    const subA = await a.ask({ action: "subscription_create", headers, body: { queue_name: "n", ttl: 3600 } });
    t.is(subA.headers.status, 201);
    t.is(subA.body.message, "Subscription n created.");
    // A second socket subscription from the same connection is a duplicate.
    t.deepEqual((await a.ask({ action: "subscription_create", headers, body: { queue_name: "n" } })).body, "Subscription n not created.");
    // B subscribes in a binary frame: its notifications come as MessagePack.
    b.sendBinary({ action: "subscription_create", headers, body: { queue_name: "n", ttl: 3600 } });
    const subB = (await b.next()).value;
    t.is(subB.headers.status, 201);

    const listed = await api("GET", "/v2/queues/n/subscriptions");
    const subscribers = listed.body.subscriptions.map((s: { subscriber: string }) => s.subscriber).sort();
    t.is(subscribers.length, 2);
    t.true(subscribers.some((u: string) => u.startsWith(`http://127.0.0.1:${one.notifyPort}/`)));
    t.true(subscribers.some((u: string) => u.startsWith(`http://127.0.0.1:${two.notifyPort}/`)));

    t.is((await api("POST", "/v2/queues/n/messages", { messages: [{ ttl: 300, body: { k: "v" } }] })).status, 201);
    const na = await nextNotification(() => a.next());
    t.false(na.binary);
    t.like(na.value, { body: { k: "v" }, ttl: 300, queue_name: "n", Message_Type: "Notification" });
    const nb = await nextNotification(() => b.next());
    t.true(nb.binary);
    t.like(nb.value, { body: { k: "v" }, ttl: 300, queue_name: "n", Message_Type: "Notification" });

    // A goes away: its subscription is deleted through the core; B's stays and keeps receiving.
    a.close();
    await a.closed();
    const deadline = Date.now() + 10_000;
    let left: string[] = [];
    while (Date.now() < deadline) {
      const now = await api("GET", "/v2/queues/n/subscriptions");
      left = now.body.subscriptions.map((s: { id: string }) => s.id);
      if (left.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.deepEqual(left, [subB.body.subscription_id]);
    await b.ask({ action: "message_post", headers, body: { queue_name: "n", messages: [{ ttl: 60, body: 2 }] } });
    t.like((await nextNotification(() => b.next())).value, { body: 2, queue_name: "n" });
  });
}

test("the notify listener answers 405 to other methods, 400 without Content-Length or for an unknown connection", async (t) => {
  const stack = await startNotifyStack(t, {});
  const edge = await spawnEdgeWs(t, stack.core.grpcAddress);
  const base = `http://127.0.0.1:${edge.notifyPort}`;
  t.is((await fetch(`${base}/x`)).status, 405);
  t.is((await fetch(`${base}/00000000-0000-4000-8000-000000000000`, { method: "POST", body: "{}" })).status, 400);
  const chunked = await fetch(`${base}/x`, {
    method: "POST",
    body: new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("{}")), c.close()) }),
    duplex: "half",
  } as RequestInit);
  t.is(chunked.status, 400);
});
