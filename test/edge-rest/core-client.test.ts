/**
 * The edge's batching core client against a real core: the operations of one
 * event-loop turn travel together on one ExecuteStream, each caller gets its
 * own outcome, and a lost stream fails only what it carried.
 */
import { randomUUID } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { status } from "@grpc/grpc-js";
import anyTest, { type TestFn } from "ava";
import { CoreError, createCoreClient, type CallContextInit } from "../../edge-rest/src/core-client.ts";
import { startCore, type TestCore } from "../helpers/core.ts";
import { freePort } from "../helpers/free-port.ts";
import { CLIENT_ID } from "./harness.ts";

const test = anyTest as TestFn<{ core: TestCore }>;

test.before(async (t) => {
  t.context = { core: await startCore() };
});
test.after.always(async (t) => t.context.core.close());

const ctx = (): CallContextInit => ({ projectId: `p-${randomUUID()}`, clientId: CLIENT_ID, requestId: "req-test", roles: [] });
const enc = (s: string) => new TextEncoder().encode(s);

test("many operations of one turn each get their own outcome, in order", async (t) => {
  const client = createCoreClient({ address: t.context.core.grpcAddress });
  const c = ctx();
  // 600 operations: more than one early-flushed batch, valid and invalid mixed.
  const names = Array.from({ length: 600 }, (_, i) => (i % 3 === 0 ? `bad name ${i}` : `q${i}`));
  const results = await Promise.allSettled(names.map((queue) => client.call(c, "createQueue", { queue })));
  for (const [i, r] of results.entries()) {
    if (i % 3 === 0) {
      t.is(r.status, "rejected", names[i]);
      const err = (r as PromiseRejectedResult).reason as CoreError;
      t.true(err instanceof CoreError);
      t.is(err.op, "createQueue");
      t.is(err.detail?.title, "Invalid queue identification");
      t.is(err.detail?.httpStatus, 400);
    } else {
      t.is(r.status, "fulfilled", names[i]);
      t.true((r as PromiseFulfilledResult<{ created: boolean }>).value.created);
    }
  }
  const listed = await client.call(c, "listQueues", { limit: 20 });
  t.is(listed.queues.length, 20);
  client.close();
});

test("operations of different kinds and projects share a batch without mixing", async (t) => {
  const client = createCoreClient({ address: t.context.core.grpcAddress });
  const a = ctx();
  const b = ctx();
  await client.call(a, "postMessages", { queue: "q", body: enc('{"messages": [{"body": "A"}]}') });
  await client.call(b, "postMessages", { queue: "q", body: enc('{"messages": [{"body": "B"}, {"body": "B2"}]}') });
  const [la, lb, ping, stats] = await Promise.all([
    client.call(a, "listMessages", { queue: "q", echo: true }),
    client.call(b, "listMessages", { queue: "q", echo: true }),
    client.call(a, "ping", {}),
    client.call(b, "getQueueStats", { queue: "q" }),
  ]);
  t.deepEqual(la.messages.map((m) => new TextDecoder().decode(m.body)), ['"A"']);
  t.deepEqual(lb.messages.map((m) => new TextDecoder().decode(m.body)), ['"B"', '"B2"']);
  t.true(ping.storageReachable);
  t.is(Number(stats.total), 2);
  client.close();
});

test("a large body is sent whole", async (t) => {
  const client = createCoreClient({ address: t.context.core.grpcAddress });
  const c = ctx();
  const body = enc(`{"messages": [{"body": "${"x".repeat(200_000)}"}]}`);
  const posted = await Promise.all(Array.from({ length: 8 }, () => client.call(c, "postMessages", { queue: "big", body })));
  t.is(posted.length, 8);
  const stats = await client.call(c, "getQueueStats", { queue: "big" });
  t.is(Number(stats.total), 8);
  client.close();
});

test("an unreachable core rejects every operation with a detail-less transport error", async (t) => {
  const client = createCoreClient({ address: "127.0.0.1:1" });
  const results = await Promise.allSettled([client.call(ctx(), "ping", {}), client.call(ctx(), "getQueue", { queue: "q" })]);
  for (const r of results) {
    t.is(r.status, "rejected");
    const err = (r as PromiseRejectedResult).reason as CoreError;
    t.true(err instanceof CoreError);
    t.is(err.detail, undefined);
    t.is(err.code, status.UNAVAILABLE);
  }
  client.close();
});

test("a closed client rejects new operations", async (t) => {
  const client = createCoreClient({ address: t.context.core.grpcAddress });
  client.close();
  const err = await t.throwsAsync(client.call(ctx(), "ping", {}));
  t.true(err instanceof CoreError);
  t.is((err as CoreError).detail, undefined);
});

test("while the core restarts operations fail with UNAVAILABLE, and later ones reach the new core", async (t) => {
  const port = await freePort();
  const env = { ZAQAR_CORE_LISTEN: `127.0.0.1:${port}` };
  const first = await startCore({ env });
  const client = createCoreClient({ address: `127.0.0.1:${port}` });
  const c = ctx();
  t.true((await client.call(c, "createQueue", { queue: "before" })).created);
  // Shutting down ends the stream; the next operation fails fast or opens a new one.
  await first.close();
  const during = await Promise.allSettled([client.call(c, "ping", {})]);
  t.is(during[0]?.status, "rejected");
  t.is(((during[0] as PromiseRejectedResult).reason as CoreError).code, status.UNAVAILABLE);
  const second = await startCore({ env });
  // grpc-js reconnects with backoff; keep asking until the new core answers.
  let ping: { storageReachable: boolean } | undefined;
  for (let i = 0; i < 100 && ping === undefined; i++) {
    ping = await client.call(c, "ping", {}).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return undefined;
    });
  }
  t.true(ping?.storageReachable);
  client.close();
  await second.close();
});

test("an operation left unanswered past the timeout fails with DEADLINE_EXCEEDED", async (t) => {
  // A server that accepts connections and never speaks HTTP/2.
  const sockets: Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const address = silent.address() as { port: number };
  const client = createCoreClient({ address: `127.0.0.1:${address.port}`, timeoutMs: 300 });
  const started = Date.now();
  const err = await t.throwsAsync(client.call(ctx(), "ping", {}));
  t.true(err instanceof CoreError);
  t.is((err as CoreError).code, status.DEADLINE_EXCEEDED);
  t.is((err as CoreError).detail, undefined);
  t.true(Date.now() - started < 5000);
  client.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => silent.close(resolve));
});
