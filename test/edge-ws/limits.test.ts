/**
 * Per-connection limits of the WebSocket edge: frame size, requests in flight,
 * idle timeout with ping/pong, and a slow reader that must not stall others.
 */
import test from "ava";
import { echo, useWsEdge } from "./harness.ts";

const strict = useWsEdge(test, {
  env: { ZAQAR_WS_MAX_FRAME_BYTES: "4096", ZAQAR_WS_MAX_IN_FLIGHT: "4", ZAQAR_WS_IDLE_TIMEOUT_MS: "1000" },
});
const roomy = useWsEdge(test, { env: { ZAQAR_WS_MAX_BUFFERED_BYTES: "65536", ZAQAR_WS_MAX_IN_FLIGHT: "1000" } });

test("a frame over the size limit closes that socket with 1009 and leaves others working", async (t) => {
  const big = await strict.client();
  const other = await strict.client();
  const { headers } = strict.project();
  big.send({ action: "queue_list", headers, body: { marker: "x".repeat(5000) } });
  t.is((await big.closed()).code, 1009);
  t.is((await other.ask({ action: "queue_list", headers })).headers.status, 200);
});

test("a frame just under the size limit is answered", async (t) => {
  const c = await strict.client();
  const { headers } = strict.project();
  const frame = { action: "queue_list", headers, body: { marker: "x".repeat(3500) } };
  t.is((await c.ask(frame)).headers.status, 200);
});

test("requests beyond the in-flight limit of a connection are answered 429 and the connection goes on", async (t) => {
  const c = await strict.client();
  const { headers } = strict.project();
  const frames = Array.from({ length: 20 }, (_, i) => ({ action: "queue_create", headers, body: { queue_name: `q${i}` } }));
  // One TCP write: all 20 frames reach the edge before any core answer.
  const raw = (c.socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  raw.cork();
  for (const f of frames) c.send(f);
  raw.uncork();
  const answers = [];
  for (let i = 0; i < frames.length; i++) answers.push((await c.next()).value);
  t.deepEqual(answers.slice(0, 4).map((a) => a.headers.status), [201, 201, 201, 201]);
  for (let i = 4; i < frames.length; i++) {
    t.deepEqual(answers[i], {
      request: echo(frames[i] as object),
      body: { error: "Too many requests in flight on this connection (limit 4)." },
      headers: { status: 429 },
    });
  }
  t.is((await c.ask(frames[10])).body, "Queue q10 created.");
});

test("a peer that stops answering pings is dropped after the idle timeout", async (t) => {
  const deaf = await strict.client({ autoPong: false });
  const started = Date.now();
  await deaf.closed();
  const elapsed = Date.now() - started;
  t.true(elapsed >= 400 && elapsed < 6000, `closed after ${elapsed} ms`);
});

test("an idle peer that answers pings stays connected", async (t) => {
  const c = await strict.client();
  await new Promise((r) => setTimeout(r, 3000));
  const { headers } = strict.project();
  t.is((await c.ask({ action: "queue_list", headers })).headers.status, 200);
});

test("a slow reader does not stall other clients and still gets every answer in order", async (t) => {
  const slow = await roomy.client();
  const fast = await roomy.client();
  const { headers } = roomy.project();
  const body = "y".repeat(8000);
  await slow.ask({ action: "message_post", headers, body: { queue_name: "big", messages: Array.from({ length: 10 }, () => ({ body, ttl: 300 })) } });
  // The slow reader stops reading and asks for ~80 KB answers 200 times (16 MB).
  slow.socket.pause();
  for (let i = 0; i < 200; i++) slow.send({ action: "message_list", headers, body: { queue_name: "big", echo: true, limit: 10, marker: "" } });
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 20; i++) {
    const started = Date.now();
    t.is((await fast.ask({ action: "queue_list", headers })).headers.status, 200);
    t.true(Date.now() - started < 3000);
  }
  slow.socket.resume();
  for (let i = 0; i < 200; i++) {
    const a = (await slow.next()).value;
    t.is(a.headers.status, 200);
    t.is(a.body.messages.length, 10);
  }
});
