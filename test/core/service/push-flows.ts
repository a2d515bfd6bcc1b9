/**
 * PushService.WatchMessages over a real @grpc/grpc-js client, on one store
 * (push.test.ts: memory, push.redis.test.ts: Redis). Every test starts its own
 * core (some close it, some use a manual clock) and uses a random project.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import type { ExecutionContext, TestFn } from "ava";
import { pino } from "pino";
import { createManualClock, systemClock, type Clock } from "../../../core/src/clock.ts";
import type { StorageDriver, StoredMessage } from "../../../core/src/storage/driver.ts";
import { createStorage } from "../../../core/src/storage/index.ts";
import { PushService, WatchStart } from "../../../proto/gen/zaqar/v1/push_pb.js";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { CLIENT_A, CLIENT_B, bodyOf, collect, createQueue, post, sleep, watch } from "./push-client.ts";

export interface PushSuiteOptions {
  readonly store: "memory" | "redis";
  /** The Redis url (available once the file's before hook ran). */
  readonly redisUrl?: () => string;
}

interface Running {
  readonly core: TestCore;
  readonly client: grpc.Client;
  /** Messages the core read from storage for `project` (all list pages summed). */
  read(project: string): number;
}

export function pushSuite(test: TestFn, options: PushSuiteOptions): void {
  const store = options.store;

  /** A core over a driver whose list() results are counted per project (the real driver underneath). */
  async function run(t: ExecutionContext, clock: Clock = systemClock): Promise<Running> {
    const redisUrl = options.redisUrl?.() ?? "";
    const real = await createStorage({ store, redisUrl }, clock, pino({ level: "silent" }));
    const counts = new Map<string, number>();
    const messages = Object.create(real.messages) as StorageDriver["messages"];
    (messages as { list: StorageDriver["messages"]["list"] }).list = async (scope, o) => {
      const page: StoredMessage[] = await real.messages.list(scope, o);
      counts.set(scope.project, (counts.get(scope.project) ?? 0) + page.length);
      return page;
    };
    const driver: StorageDriver = Object.assign(Object.create(real) as StorageDriver, { messages });
    const core = await startCore({ store, ...(redisUrl ? { redisUrl } : {}), clock, driver });
    const client = new grpc.Client(core.grpcAddress, grpc.credentials.createInsecure());
    let closed = false;
    t.teardown(async () => {
      client.close();
      if (!closed) await core.close();
    });
    const wrapped: TestCore = { ...core, close: async () => ((closed = true), core.close()) };
    return { core: wrapped, client, read: (project) => counts.get(project) ?? 0 };
  }

  const allIds = async (driver: StorageDriver, project: string, queue: string): Promise<string[]> => {
    const ids: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await driver.messages.list(
        { project, queue },
        { ...(marker ? { marker } : {}), limit: 1000, echo: true, clientId: "", includeClaimed: true, includeDelayed: true },
      );
      if (page.length === 0) return ids;
      ids.push(...page.map((m) => m.id));
      marker = page.at(-1)!.marker;
    }
  };

  /**
   * A stream the core failed to end keeps grpc-js's shutdown waiting for its
   * 5 s grace period (connect-node's, for ever): closing well under that
   * shows every stream ended. The margin absorbs a loaded test machine.
   */
  const PROMPT_CLOSE_MS = 3000;

  test(`${store}: a watch delivers 10,000 messages posted concurrently by four producers in order, none lost or repeated`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const got = collect(watch(client, project, { queue: "flood", start: WatchStart.NOW }));
    await got.ready;
    const posted: string[][] = [[], [], [], []];
    await Promise.all(
      posted.map(async (ids, p) => {
        for (let i = 0; i < 250; i++) {
          const bodies = Array.from({ length: 10 }, (_, j) => ({ p, n: i * 10 + j }));
          ids.push(...(await post(client, project, "flood", bodies, { clientId: CLIENT_B })));
        }
      }),
    );
    const received = await got.until(10_000, 60_000);
    const ids = received.map((m) => m.id);
    t.is(new Set(ids).size, 10_000, "no message is delivered twice");
    t.deepEqual(ids, await allIds(core.core.driver, project, "flood"), "the stream follows the queue's FIFO order");
    // Each producer's messages keep their post order inside the stream.
    for (let p = 0; p < 4; p++) {
      const mine = received.map(bodyOf).filter((b) => (b as { p: number }).p === p);
      t.deepEqual(mine, Array.from({ length: 2500 }, (_, n) => ({ p, n })));
    }
    t.is(got.responses.at(-1)!.resumeMarker, received.at(-1)!.marker);
    await sleep(300);
    t.is(got.messages.length, 10_000, "nothing arrives after the last post");
  });

  test(`${store}: a watch resumes after a marker without missing or repeating a message`, async (t) => {
    const { client } = await run(t);
    const project = `p-${randomUUID()}`;
    const first = await post(client, project, "resume", Array.from({ length: 30 }, (_, n) => ({ n })), { clientId: CLIENT_B });
    const one = watch(client, project, { queue: "resume", start: WatchStart.OLDEST, maxBatch: 7 });
    const a = collect(one);
    const seen = await a.until(10);
    one.cancel();
    t.deepEqual(seen.map((m) => m.id), first.slice(0, 10));
    t.true(a.responses.every((r) => r.messages.length <= 7));

    const later = await post(client, project, "resume", [{ n: 30 }, { n: 31 }], { clientId: CLIENT_B });
    const b = collect(watch(client, project, { queue: "resume", start: WatchStart.AFTER_MARKER, marker: seen.at(-1)!.marker }));
    t.deepEqual((await b.until(22)).map((m) => m.id), [...first.slice(10), ...later]);
    const last = await post(client, project, "resume", [{ n: 32 }], { clientId: CLIENT_B });
    t.deepEqual((await b.until(23)).map((m) => m.id).slice(22), last);

    // NOW skips what is already there; its first response names where it starts.
    const c = collect(watch(client, project, { queue: "resume", start: WatchStart.NOW }));
    const ready = await c.ready;
    t.deepEqual(ready.messages, []);
    t.is(ready.resumeMarker, (await b.until(23))[22]!.marker);
    const fresh = await post(client, project, "resume", [{ n: 33 }], { clientId: CLIENT_B });
    t.deepEqual((await c.until(1)).map((m) => m.id), fresh);
  });

  test(`${store}: a watch leaves out the caller's own messages unless it asks for echo, and still shows claimed ones`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const quiet = collect(watch(client, project, { queue: "echo", start: WatchStart.NOW }, CLIENT_A));
    const loud = collect(watch(client, project, { queue: "echo", start: WatchStart.NOW, echo: true }, CLIENT_A));
    await Promise.all([quiet.ready, loud.ready]);
    const own = await post(client, project, "echo", [{ own: 1 }], { clientId: CLIENT_A });
    const other = await post(client, project, "echo", [{ other: 1 }], { clientId: CLIENT_B });
    t.deepEqual((await loud.until(2)).map((m) => m.id), [...own, ...other]);
    t.deepEqual((await quiet.until(1)).map((m) => m.id), other);
    await sleep(300);
    t.is(quiet.messages.length, 1);

    // Watching is not consuming: a claimed message is still delivered, with its claim.
    const claim = await core.core.driver.claims.create({ project, queue: "echo" }, { ttl: 60, grace: 60, limit: 10 });
    const later = collect(watch(client, project, { queue: "echo", start: WatchStart.OLDEST }, CLIENT_A));
    const [shown] = await later.until(1);
    t.is(shown!.id, other[0]!);
    t.is(shown!.claimId, claim!.id);
  });

  test(`${store}: a watch never shows another project's messages, nor a topic's of the same name`, async (t) => {
    const { client } = await run(t);
    const mine = `p-${randomUUID()}`;
    const theirs = `p-${randomUUID()}`;
    const got = collect(watch(client, mine, { queue: "shared", start: WatchStart.OLDEST }));
    await got.ready;
    await post(client, theirs, "shared", [{ theirs: 1 }], { clientId: CLIENT_B });
    await post(client, mine, "shared", [{ topic: 1 }], { clientId: CLIENT_B, topic: true });
    const ours = await post(client, mine, "shared", [{ mine: 1 }], { clientId: CLIENT_B });
    t.deepEqual((await got.until(1)).map((m) => m.id), ours);
    await sleep(400);
    t.deepEqual(got.messages.map(bodyOf), [{ mine: 1 }]);
  });

  test(`${store}: delayed messages arrive once they become visible, in marker order`, async (t) => {
    const clock = createManualClock();
    const { client } = await run(t, clock);
    const project = `p-${randomUUID()}`;
    await createQueue(client, project, "later", { _default_message_delay: 30 });
    const got = collect(watch(client, project, { queue: "later", start: WatchStart.NOW }));
    await got.ready;
    const ids = await post(client, project, "later", [{ n: 1 }, { n: 2 }], { clientId: CLIENT_B });
    await sleep(500);
    t.is(got.messages.length, 0, "nothing is delivered while the messages are delayed");
    clock.advance(30_000);
    t.deepEqual((await got.until(2, 5000)).map((m) => m.id), ids);
  });

  test(`${store}: a slow reader holds the core back instead of making it read ahead without bound`, async (t) => {
    const { client, read } = await run(t);
    const project = `p-${randomUUID()}`;
    const stream = watch(client, project, { queue: "slow", start: WatchStart.OLDEST });
    const got = collect(stream);
    await got.ready;
    stream.pause();
    const pad = "x".repeat(1000);
    const total = 6000;
    for (let i = 0; i < total; i += 50) {
      await post(client, project, "slow", Array.from({ length: 50 }, (_, j) => ({ n: i + j, pad })), { clientId: CLIENT_B });
    }
    // The core reads until the transport is full, then waits.
    let before = -1;
    for (let settled = 0; settled < 3; await sleep(250)) {
      const now = read(project);
      settled = now === before ? settled + 1 : 0;
      before = now;
    }
    const held = read(project);
    t.log(`paused reader: core read ${held} of ${total} messages, ${got.messages.length} reached the client`);
    t.true(held < total / 2, `the core read ${held} of ${total} messages for a paused reader`);
    stream.resume();
    const all = await got.until(total, 30_000);
    t.deepEqual(all.map((m) => (bodyOf(m) as { n: number }).n), Array.from({ length: total }, (_, n) => n));
  });

  test(`${store}: cancelling watches ends them on the core, which then closes promptly`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const streams = Array.from({ length: 5 }, (_, i) => watch(client, project, { queue: `q${i}`, start: WatchStart.NOW }));
    const collectors = streams.map(collect);
    await Promise.all(collectors.map((c) => c.ready));
    t.is(core.core.watches(), 5);
    for (const s of streams) s.cancel();
    for (let i = 0; i < 40 && core.core.watches() > 0; i++) await sleep(25);
    t.is(core.core.watches(), 0);
    const started = Date.now();
    await core.close();
    t.true(Date.now() - started < PROMPT_CLOSE_MS, `close took ${Date.now() - started} ms`);
  });

  test(`${store}: a core shutting down ends open watches with UNAVAILABLE and closes promptly`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const idle = collect(watch(client, project, { queue: "idle", start: WatchStart.NOW }));
    // A paused reader with a full transport must not hold the shutdown up either.
    const stuck = watch(client, project, { queue: "busy", start: WatchStart.OLDEST });
    const busy = collect(stuck);
    await Promise.all([idle.ready, busy.ready]);
    stuck.pause();
    const pad = "y".repeat(1000);
    for (let i = 0; i < 40; i++) await post(client, project, "busy", Array.from({ length: 50 }, () => ({ pad })), { clientId: CLIENT_B });
    await sleep(200);
    const started = Date.now();
    await core.close();
    t.true(Date.now() - started < PROMPT_CLOSE_MS, `close took ${Date.now() - started} ms`);
    const err = await idle.ended;
    t.is(err?.code, grpc.status.UNAVAILABLE);
    t.is(err?.details, "core is shutting down");
    // The reader that stopped reading cannot get a status behind its unread data: its stream is reset.
    t.is((await busy.ended)?.code, grpc.status.CANCELLED);
  });

  test(`${store}: a connect-es client watches over the Connect protocol too`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const transport = createConnectTransport({ baseUrl: core.connectUrl, httpVersion: "2" });
    const push = createClient(PushService, transport);
    const stop = new AbortController();
    const headers = { "x-project-id": project, "x-client-id": CLIENT_A };
    const responses = push.watchMessages({ queue: "connect", start: WatchStart.NOW }, { headers, signal: stop.signal })[Symbol.asyncIterator]();
    const ready = await responses.next();
    t.deepEqual(ready.done ? null : ready.value.messages, []);
    const ids = await post(client, project, "connect", [{ n: 1 }, { n: 2 }], { clientId: CLIENT_B });
    const got: string[] = [];
    while (got.length < 2) {
      const next = await responses.next();
      if (next.done) break;
      got.push(...next.value.messages.map((m) => m.id));
    }
    t.deepEqual(got, ids);
    stop.abort();
    await responses.next().catch(() => undefined);
    for (let i = 0; i < 40 && core.core.watches() > 0; i++) await sleep(25);
    t.is(core.core.watches(), 0);
  });

  test(`${store}: a Connect watch whose reader stopped reading does not hold a shutdown up`, async (t) => {
    const { core, client } = await run(t);
    const project = `p-${randomUUID()}`;
    const transport = createConnectTransport({ baseUrl: core.connectUrl, httpVersion: "2" });
    const push = createClient(PushService, transport);
    const headers = { "x-project-id": project, "x-client-id": CLIENT_A };
    const responses = push.watchMessages({ queue: "stuck", start: WatchStart.OLDEST }, { headers })[Symbol.asyncIterator]();
    await responses.next();
    const pad = "z".repeat(1000);
    for (let i = 0; i < 40; i++) await post(client, project, "stuck", Array.from({ length: 50 }, () => ({ pad })), { clientId: CLIENT_B });
    await sleep(200);
    const started = Date.now();
    await core.close();
    t.true(Date.now() - started < PROMPT_CLOSE_MS, `close took ${Date.now() - started} ms`);
    await responses.return?.();
  });

  test(`${store}: large messages are spread over responses a default gRPC client accepts`, async (t) => {
    const { client } = await run(t);
    const project = `p-${randomUUID()}`;
    const big = "b".repeat(200_000);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(...(await post(client, project, "big", [{ i, big }], { clientId: CLIENT_B })));
    // 30 x 200 KB in one response would be 6 MB, over grpc-js's 4 MiB receive limit.
    const got = collect(watch(client, project, { queue: "big", start: WatchStart.OLDEST }));
    t.deepEqual((await got.until(30)).map((m) => m.id), ids);
    t.true(got.responses.length > 2);
  });

  test(`${store}: a watch without a client id or with a bad queue name is refused`, async (t) => {
    const { client } = await run(t);
    const project = `p-${randomUUID()}`;
    const noClient = new grpc.Metadata();
    noClient.set("x-project-id", project);
    const bare = collect(
      client.makeServerStreamRequest(
        "/zaqar.v1.PushService/WatchMessages",
        (v: Buffer) => v,
        (b: Buffer) => b,
        Buffer.from([0x0a, 0x01, 0x71]), // queue: "q"
        noClient,
      ) as never,
    );
    const missing = await bare.ended;
    t.is(missing?.code, grpc.status.INVALID_ARGUMENT);
    t.is(missing?.details, 'The "Client-ID" header is required.');
    const bad = await collect(watch(client, project, { queue: "no spaces", start: WatchStart.NOW })).ended;
    t.is(bad?.code, grpc.status.INVALID_ARGUMENT);
    const batch = await collect(watch(client, project, { queue: "ok", maxBatch: 101 })).ended;
    t.is(batch?.code, grpc.status.INVALID_ARGUMENT);
    t.is(batch?.details, "max_batch must be at least 1 and may not be greater than 100.");
  });
}
