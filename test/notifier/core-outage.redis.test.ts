/**
 * A notifier and a core that is not there (yet, or for a while): the
 * notifier keeps running, says so on its health check, and delivers as soon
 * as a core answers again — nothing recorded before the outage is lost.
 */
import test from "ava";
import { pino } from "pino";
import { createRestEdge } from "../../edge-rest/src/app.ts";
import { readRestEdgeConfig } from "../../edge-rest/src/config.ts";
import { restCaller } from "../e2e/support/rest.ts";
import { startCore, type TestCore } from "../helpers/core.ts";
import { freePort } from "../helpers/free-port.ts";
import { startRedisServer } from "../helpers/redis-server.ts";
import { eventually, health, payload, receiver } from "./support/flows.ts";
import { spawnNotifier, startNotifyStack } from "./support/stack.ts";

test("a notifier started before the core answers 503 on its health check, then delivers once the core is up", async (t) => {
  const port = await freePort();
  const notifier = await spawnNotifier(t, `127.0.0.1:${port}`, {}, { healthy: false });
  const down = await fetch(notifier.healthUrl);
  t.is(down.status, 503);
  t.like(await down.json(), { status: "core unreachable", coreReachable: false, delivered: 0 });

  const stack = await startNotifyStack(t, { coreEnv: { ZAQAR_CORE_LISTEN: `127.0.0.1:${port}` } });
  const hook = await receiver(t);
  const api = stack.api();
  await api("POST", "/v2/queues/late/subscriptions", { subscriber: hook.url() });
  await api("POST", "/v2/queues/late/messages", { messages: [{ body: "hello", ttl: 60 }] });
  const [got] = await hook.waitFor(1, 15_000);
  t.is(got!.body.toString(), payload("late", "hello", 60));
  t.like(await health(notifier), { status: "ok", coreReachable: true, delivered: 1 });
  t.true(notifier.records().some((r) => r["msg"] === "could not lease jobs from the core; retrying"));
  t.true(notifier.records().some((r) => r["msg"] === "leasing from the core again"));
});

test("notifications recorded before a core restart are delivered after it (redis)", async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.stop());
  const port = await freePort();
  const env = { ZAQAR_CORE_LISTEN: `127.0.0.1:${port}` };
  let core: TestCore = await startCore({ store: "redis", redisUrl: `${redis.url}/0`, env });
  t.teardown(() => core.close());
  const edge = createRestEdge(readRestEdgeConfig({ ZAQAR_REST_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: `127.0.0.1:${port}` }), { log: pino({ level: "silent" }) });
  const { port: restPort } = await edge.listen();
  t.teardown(() => edge.close());
  const api = restCaller(`http://127.0.0.1:${restPort}`, `p-${crypto.randomUUID()}`);
  const hook = await receiver(t);
  await api("POST", "/v2/queues/durable/subscriptions", { subscriber: hook.url() });

  // No notifier yet: the jobs wait in Redis while the core goes down and comes back.
  await api("POST", "/v2/queues/durable/messages", { messages: Array.from({ length: 20 }, (_, i) => ({ body: i, ttl: 60 })) });
  await core.close();
  const notifier = await spawnNotifier(t, `127.0.0.1:${port}`, {}, { healthy: false });
  await eventually(t, "the notifier reports the core unreachable", async () => (await fetch(notifier.healthUrl)).status === 503);
  core = await startCore({ store: "redis", redisUrl: `${redis.url}/0`, env });

  await hook.waitFor(20, 20_000);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(hook.requests.map((r) => JSON.parse(r.body.toString()).body).sort((a: number, b: number) => a - b), Array.from({ length: 20 }, (_, i) => i));
  t.like(await health(notifier), { status: "ok", delivered: 20 });
});
