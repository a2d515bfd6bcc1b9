/**
 * Redis goes away under a running service: every route answers Zaqar's 503
 * with its own text, nothing hangs, and the service recovers by itself when
 * Redis is back (no restart of the core or the edge).
 */
import anyTest, { type TestFn } from "ava";
import { useEdgeOnRedis } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const { env, redis } = useEdgeOnRedis(test);

const unavailable = (what: string) => ({
  title: "Service temporarily unavailable",
  description: `${what} Please try again in a few seconds.`,
});

test.serial("while Redis is down the REST API answers 503 with Zaqar's body, then recovers", async (t) => {
  const api = env.api();
  t.is((await api.put("/v2/queues/jobs")).status, 201);
  await api.postMessages("jobs", [{ body: "before" }]);

  await redis().kill();
  const started = Date.now();
  const post = await api.post("/v2/queues/jobs/messages", { messages: [{ body: "during" }] });
  t.is(post.status, 503);
  t.deepEqual(post.json(), unavailable("Messages could not be enqueued."));
  const claim = await api.post("/v2/queues/jobs/claims", {});
  t.is(claim.status, 503);
  t.deepEqual(claim.json(), unavailable("Claim could not be created."));
  const stats = await api.get("/v2/queues/jobs/stats");
  t.is(stats.status, 503);
  t.deepEqual(stats.json(), unavailable("Queue stats could not be read."));
  t.is((await api.get("/v2/ping")).status, 503);
  t.true(Date.now() - started < 10_000, "outage answers come quickly, not after long timeouts");

  // A new, empty server on the same port: the service reconnects by itself.
  await redis().restart();
  let status = 0;
  for (let i = 0; i < 50 && status !== 201; i++) {
    status = (await api.post("/v2/queues/jobs/messages", { messages: [{ body: "after" }] })).status;
    if (status !== 201) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(status, 201);
  t.is((await api.get("/v2/ping")).status, 204);
  const listed = await api.get("/v2/queues/jobs/messages?echo=true");
  t.deepEqual(listed.json().messages.map((m: { body: unknown }) => m.body), ["after"]);
});
