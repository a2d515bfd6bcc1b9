/**
 * Subscription routes while Redis is down: the core reports its store
 * unavailable and every route, of queues and of topics, answers Zaqar's 503
 * with its own text (PATCH and confirm included), quickly; once Redis is
 * back the routes work again without a restart.
 */
import anyTest, { type TestFn } from "ava";
import { ERROR_HEADERS, type WireRequest } from "./harness.ts";
import { useEdgeOnRedis } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const { env, redis } = useEdgeOnRedis(test);

const ID = "5c3e6f2f-3fd5-4b34-8d1a-1a1a1a1a1a1a";

test.serial("while Redis is down subscription routes answer 503 with their own text, then recover", async (t) => {
  const api = env.api();
  t.is((await api.post("/v2/queues/jobs/subscriptions", { subscriber: "http://127.0.0.1:9/a" })).status, 201);

  await redis().kill();
  const started = Date.now();
  for (const base of ["/v2/queues/jobs", "/v2/topics/news"]) {
    const subs = `${base}/subscriptions`;
    const cases: Array<[WireRequest, string]> = [
      [{ method: "POST", path: subs, body: { subscriber: "http://127.0.0.1:9/b" } }, "Subscription could not be created."],
      [{ method: "GET", path: subs }, "Subscriptions could not be listed."],
      [{ method: "GET", path: `${subs}/${ID}` }, "Subscription could not be retrieved."],
      [{ method: "PATCH", path: `${subs}/${ID}`, body: { ttl: 600 } }, "Subscription could not be updated."],
      [{ method: "DELETE", path: `${subs}/${ID}` }, "Subscription could not be deleted."],
      [{ method: "PUT", path: `${subs}/${ID}/confirm`, body: { confirmed: true } }, "Subscription could not be confirmed."],
    ];
    for (const [req, what] of cases) {
      const res = await api.send(req);
      t.is(res.status, 503, `${req.method} ${req.path}`);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, `{"title": "Service temporarily unavailable", "description": "${what} Please try again in a few seconds."}`);
    }
  }
  t.true(Date.now() - started < 10_000, "outage answers come quickly, not after long timeouts");

  // A new, empty server on the same port: the service reconnects by itself.
  await redis().restart();
  let status = 0;
  for (let i = 0; i < 50 && status !== 201; i++) {
    status = (await api.post("/v2/queues/jobs/subscriptions", { subscriber: "http://127.0.0.1:9/c" })).status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(status, 201);
  const listed = (await api.get("/v2/queues/jobs/subscriptions")).json().subscriptions as Array<{ subscriber: string }>;
  t.deepEqual(listed.map((s) => s.subscriber), ["http://127.0.0.1:9/c"], "the empty new server holds only what was made after");
});
