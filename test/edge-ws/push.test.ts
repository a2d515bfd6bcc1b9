/**
 * Push consumption over WebSocket (message_watch / message_unwatch, an
 * extension backed by PushService.WatchMessages), on memory and Redis.
 */
import test, { type ExecutionContext } from "ava";
import { pino } from "pino";
import { readWsEdgeConfig } from "../../edge-ws/src/config.ts";
import { createWsEdge } from "../../edge-ws/src/server.ts";
import { startCore } from "../helpers/core.ts";
import { connect, echo, useWsEdge, useWsEdgeOnStores, type WsClient, type WsEdgeEnv } from "./harness.ts";

interface Pushed {
  readonly id: string;
  readonly body: any;
  readonly marker: string;
  readonly claim_id?: string;
}

/** Collects the message_watch push frames a socket receives, per watch id. */
function collect(c: WsClient) {
  const byWatch = new Map<string, Pushed[]>();
  const ended = new Map<string, any>();
  const frames: any[] = [];
  const waiters: Array<() => void> = [];
  c.socket.on("message", (data: Buffer, binary: boolean) => {
    if (binary) return;
    const v = JSON.parse(data.toString("utf8"));
    if (v.action !== "message_watch" || v.request !== undefined) return;
    frames.push(v);
    if (v.headers.status !== 200) ended.set(v.body.watch_id, v);
    else {
      const list = byWatch.get(v.body.watch_id) ?? [];
      list.push(...v.body.messages);
      byWatch.set(v.body.watch_id, list);
    }
    for (const w of waiters.splice(0)) w();
  });
  return {
    frames,
    ended,
    messages: (watchId: string) => byWatch.get(watchId) ?? [],
    async until(watchId: string, n: number, ms = 60_000): Promise<Pushed[]> {
      const deadline = Date.now() + ms;
      while ((byWatch.get(watchId)?.length ?? 0) < n) {
        if (Date.now() > deadline) throw new Error(`only ${byWatch.get(watchId)?.length ?? 0} of ${n} messages within ${ms} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return byWatch.get(watchId) ?? [];
    },
  };
}

/** Reads frames until the answer to `action` (push frames carry no request echo). */
async function answerOf(c: WsClient): Promise<any> {
  for (;;) {
    const f = (await c.next()).value;
    if (f.request !== undefined) return f;
  }
}

async function askAnswer(c: WsClient, frame: unknown): Promise<any> {
  c.send(frame);
  return answerOf(c);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(c: WsClient, headers: object, queue: string, bodies: unknown[]): Promise<string[]> {
  const a = await askAnswer(c, { action: "message_post", headers, body: { queue_name: queue, messages: bodies.map((b) => ({ ttl: 3600, body: b })) } });
  if (a.headers.status !== 201) throw new Error(`post answered ${JSON.stringify(a)}`);
  return a.body.message_ids;
}

for (const [store, env] of useWsEdgeOnStores(test)) {
  test(`${store}: a watch receives 10,000 messages posted concurrently over WebSocket in order, none lost and none duplicated`, async (t) => {
    t.timeout(120_000);
    const { headers } = env.project();
    const watcher = await env.client();
    const got = collect(watcher);
    const watch = { action: "message_watch", headers, body: { queue_name: "flood", start: "oldest", echo: true } };
    const ok = await askAnswer(watcher, watch);
    t.deepEqual(Object.keys(ok.body).sort(), ["resume_marker", "watch_id"]);
    t.like(ok, { request: echo(watch), headers: { status: 200 } });
    const watchId: string = ok.body.watch_id;

    const producers = 8;
    const posts = 125;
    const perPost = 10;
    const posted: string[][] = [];
    await Promise.all(
      Array.from({ length: producers }, async (_, p) => {
        const c = await env.client();
        const ids: string[] = [];
        for (let k = 0; k < posts; k++) {
          ids.push(...(await post(c, headers, "flood", Array.from({ length: perPost }, (_, j) => ({ p, i: k * perPost + j })))));
        }
        posted[p] = ids;
      }),
    );
    const total = producers * posts * perPost;
    const messages = await got.until(watchId, total);
    await sleep(300);
    t.is(got.messages(watchId).length, total, "no extra message arrives");
    t.is(new Set(messages.map((m) => m.id)).size, total, "no duplicates");
    t.deepEqual(messages.map((m) => m.id).sort(), posted.flat().sort(), "every posted message");
    // Each producer posted in sequence: its messages arrive in its order, and each post's messages are together.
    const next = new Array<number>(producers).fill(0);
    for (const m of messages) {
      if (m.body.i !== next[m.body.p]) return t.fail(`producer ${m.body.p}: got ${m.body.i}, expected ${next[m.body.p]}`);
      next[m.body.p] = (next[m.body.p] as number) + 1;
    }
    t.deepEqual(next, new Array(producers).fill(posts * perPost));
    // Every frame's resume marker is the marker of its last message.
    for (const f of got.frames.filter((x) => x.body.watch_id === watchId)) t.is(f.body.resume_marker, f.body.messages.at(-1).marker);
  });

  test(`${store}: a watch resumed after a marker delivers exactly the messages posted after it`, async (t) => {
    const { headers } = env.project();
    const c = await env.client();
    const got = collect(c);
    await post(c, headers, "resume", [1, 2, 3, 4, 5]);
    const first = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "resume", start: "oldest", echo: true, max_batch: 2 } });
    const firstFive = await got.until(first.body.watch_id, 5);
    t.deepEqual(firstFive.map((m) => m.body), [1, 2, 3, 4, 5]);
    t.true(got.frames.every((f) => f.body.messages.length <= 2), "max_batch is honoured");
    const stopped = await askAnswer(c, { action: "message_unwatch", headers, body: { watch_id: first.body.watch_id } });
    t.deepEqual(stopped.body, { watch_id: first.body.watch_id, resume_marker: firstFive[4]!.marker });
    t.is(stopped.headers.status, 200);

    await post(c, headers, "resume", [6, 7, 8]);
    const again = await askAnswer(c, {
      action: "message_watch",
      headers,
      body: { queue_name: "resume", start: "marker", marker: stopped.body.resume_marker, echo: true },
    });
    t.is(again.body.resume_marker, stopped.body.resume_marker);
    const rest = await got.until(again.body.watch_id, 3);
    t.deepEqual(rest.map((m) => m.body), [6, 7, 8]);
  });

  test(`${store}: a watch from now skips older messages and leaves the producer's own out without echo`, async (t) => {
    const { headers, project } = env.project();
    const c = await env.client();
    const got = collect(c);
    await post(c, headers, "now", ["old"]);
    const w = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "now" } });
    await post(c, headers, "now", ["mine"]);
    const other = { ...headers, "Client-ID": "9f1c2a3b-4d5e-4f60-8a7b-1c2d3e4f5a6b" };
    await post(c, other, "now", ["theirs"]);
    const seen = await got.until(w.body.watch_id, 1);
    await sleep(300);
    t.deepEqual(got.messages(w.body.watch_id).map((m) => m.body), ["theirs"]);
    t.deepEqual(Object.keys(seen[0]!).sort(), ["age", "body", "id", "marker", "ttl"]);
    t.truthy(project);
  });

  test(`${store}: claimed messages arrive with their claim id`, async (t) => {
    const { headers } = env.project();
    const c = await env.client();
    const got = collect(c);
    const w = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "claimed", echo: true } });
    await post(c, headers, "claimed", ["x"]);
    await got.until(w.body.watch_id, 1);
    const claim = await askAnswer(c, { action: "claim_create", headers, body: { queue_name: "claimed", ttl: 60, grace: 60 } });
    t.is(claim.headers.status, 201);
    const w2 = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "claimed", start: "oldest", echo: true } });
    const [m] = await got.until(w2.body.watch_id, 1);
    t.is(m!.claim_id, claim.body.claim_id);
  });
}

const env = useWsEdge(test, { env: { ZAQAR_WS_MAX_WATCHES: "2" } });

async function watchCount(e: WsEdgeEnv, n: number, t: ExecutionContext): Promise<void> {
  const deadline = Date.now() + 5000;
  while (e.core().core.watches() !== n && Date.now() < deadline) await sleep(20);
  t.is(e.core().core.watches(), n);
}

test.serial("unwatch stops the frames and closes the core's stream; an unknown watch is 404", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  const got = collect(c);
  const w = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "u", echo: true } });
  await watchCount(env, 1, t);
  await post(c, headers, "u", ["a"]);
  await got.until(w.body.watch_id, 1);
  const stop = { action: "message_unwatch", headers, body: { watch_id: w.body.watch_id } };
  t.like(await askAnswer(c, stop), { request: echo(stop), headers: { status: 200 } });
  await watchCount(env, 0, t);
  await post(c, headers, "u", ["b", "c"]);
  await sleep(500);
  t.deepEqual(got.messages(w.body.watch_id).map((m) => m.body), ["a"]);
  t.deepEqual(await askAnswer(c, stop), {
    request: echo(stop),
    headers: { status: 404 },
    body: { error: `Watch ${w.body.watch_id} does not exist.` },
  });
});

test.serial("closing the socket cancels its watches in the core", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "a" } });
  await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "b" } });
  await watchCount(env, 2, t);
  c.close();
  await watchCount(env, 0, t);
});

test.serial("watches beyond the per-connection limit are answered 429 and the connection goes on", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  const w1 = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "a" } });
  await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "b" } });
  const third = { action: "message_watch", headers, body: { queue_name: "c" } };
  t.deepEqual(await askAnswer(c, third), {
    request: echo(third),
    headers: { status: 429 },
    body: { error: "Too many watches on this connection (limit 2)." },
  });
  await askAnswer(c, { action: "message_unwatch", headers, body: { watch_id: w1.body.watch_id } });
  t.is((await askAnswer(c, third)).headers.status, 200);
  c.close();
  await watchCount(env, 0, t);
});

test("bad watch requests are answered 400 with the core's or the edge's text", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  const badStart = { action: "message_watch", headers, body: { queue_name: "q", start: "later" } };
  t.deepEqual((await askAnswer(c, badStart)).body, { error: 'start must be "now", "oldest" or "marker".' });
  const noMarker = { action: "message_watch", headers, body: { queue_name: "q", start: "marker" } };
  t.is((await askAnswer(c, noMarker)).headers.status, 400);
  const badName = { action: "message_watch", headers, body: { queue_name: "no spaces" } };
  const a = await askAnswer(c, badName);
  t.is(a.headers.status, 400);
  t.is(a.body.exception, "Queue names may only contain ASCII letters, digits, underscores, and dashes.");
  const badBatch = { action: "message_watch", headers, body: { queue_name: "q", max_batch: 1000 } };
  t.is((await askAnswer(c, badBatch)).headers.status, 400);
  t.is((await askAnswer(c, { action: "message_watch", headers, body: {} })).body.error, "Schema validation failed.");
});

test("other actions on a socket with a watch are answered as before, in order", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  const got = collect(c);
  const w = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "mixed", echo: true } });
  const ids = await post(c, headers, "mixed", [{ n: 1 }]);
  const list = { action: "message_list", headers, body: { queue_name: "mixed", echo: true } };
  const listed = await askAnswer(c, list);
  t.deepEqual(listed.request, echo(list));
  t.deepEqual(listed.body.messages.map((m: any) => m.id), ids);
  const stats = await askAnswer(c, { action: "queue_get_stats", headers, body: { queue_name: "mixed" } });
  t.is(stats.body.messages.total, 1);
  t.deepEqual((await got.until(w.body.watch_id, 1)).map((m) => m.id), ids);
});

const slow = useWsEdge(test, { env: { ZAQAR_WS_MAX_BUFFERED_BYTES: "65536" } });

test("a reader that stops reading holds its watch back without losing messages or stalling other sockets", async (t) => {
  t.timeout(60_000);
  const { headers } = slow.project();
  const reader = await slow.client();
  const got = collect(reader);
  const w = await askAnswer(reader, { action: "message_watch", headers, body: { queue_name: "big", echo: true } });
  const raw = (reader.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  raw.pause();
  const producer = await slow.client();
  const pad = "x".repeat(20_000);
  for (let k = 0; k < 20; k++) await post(producer, headers, "big", Array.from({ length: 10 }, (_, j) => ({ n: k * 10 + j, pad })));
  // Another socket is answered at once while the reader is stuck.
  const started = Date.now();
  t.is((await askAnswer(producer, { action: "queue_get_stats", headers, body: { queue_name: "big" } })).body.messages.total, 200);
  t.true(Date.now() - started < 2000);
  t.true(got.messages(w.body.watch_id).length < 200, "the stuck reader has not received everything");
  raw.resume();
  const all = await got.until(w.body.watch_id, 200);
  t.deepEqual(all.map((m) => m.body.n), Array.from({ length: 200 }, (_, i) => i));
});

test("a watch asked in a binary frame pushes MessagePack frames", async (t) => {
  const { headers } = env.project();
  const c = await env.client();
  c.sendBinary({ action: "message_watch", headers, body: { queue_name: "bin", echo: true } });
  const ok = (await c.next()).value;
  t.is(ok.headers.status, 200);
  await post(await env.client(), headers, "bin", [{ b: 1 }]);
  for (;;) {
    const f = await c.next();
    if (f.value.request !== undefined) continue;
    t.true(f.binary);
    t.like(f.value, { action: "message_watch", headers: { status: 200 }, body: { watch_id: ok.body.watch_id } });
    t.deepEqual(f.value.body.messages[0].body, { b: 1 });
    break;
  }
});

test("a watch the core ends becomes one 503 frame with the resume marker", async (t) => {
  const core = await startCore();
  const config = readWsEdgeConfig({ ZAQAR_WS_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: core.grpcAddress, ZAQAR_LOG_LEVEL: "silent" });
  const edge = createWsEdge(config, { log: pino({ level: "silent" }) });
  try {
    const a = await edge.listen();
    const c = await connect(`ws://127.0.0.1:${a.port}/`);
    const got = collect(c);
    const { headers } = env.project();
    const w = await askAnswer(c, { action: "message_watch", headers, body: { queue_name: "end", echo: true } });
    await post(c, headers, "end", ["m"]);
    const [m] = await got.until(w.body.watch_id, 1);
    void core.close();
    const deadline = Date.now() + 10_000;
    while (!got.ended.has(w.body.watch_id) && Date.now() < deadline) await sleep(20);
    const end = got.ended.get(w.body.watch_id);
    t.is(end?.headers.status, 503);
    t.is(end?.body.watch_id, w.body.watch_id);
    t.is(end?.body.resume_marker, m!.marker);
    t.is(typeof end?.body.exception, "string");
    t.is(typeof end?.body.error, "string");
    c.socket.terminate();
  } finally {
    await edge.close();
    await core.close().catch(() => undefined);
  }
});
