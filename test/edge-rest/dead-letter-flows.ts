/**
 * Dead-lettering end to end over REST (rest-queues.md §4.2), defined once and
 * run on each store (dead-letter.test.ts: memory, dead-letter-redis.test.ts).
 */
import type { TestFn } from "ava";
import type { EdgeEnv } from "./harness.ts";

export function defineDeadLetterFlows(test: TestFn<unknown>, env: EdgeEnv): void {
  test("with _max_claim_count 2 a message is claimed twice and the third claim moves it to the dead-letter queue", async (t) => {
    const api = env.api();
    t.is((await api.put("/v2/queues/work", { _max_claim_count: 2, _dead_letter_queue: "dead", _dead_letter_queue_messages_ttl: 120 })).status, 201);
    const ids = await api.postMessages("work", [{ body: { job: 1 }, ttl: 600 }, { body: "two", ttl: 600 }]);
    for (let i = 0; i < 2; i++) {
      const claim = await api.claim("work", { ttl: 60, grace: 60 });
      t.deepEqual(
        claim.messages.map((m) => m.body),
        [{ job: 1 }, "two"],
      );
      t.is((await api.delete(`/v2/queues/work/claims/${claim.id}`)).status, 204);
    }
    const third = await api.post("/v2/queues/work/claims", { ttl: 60, grace: 60 });
    t.is(third.status, 204, "every selected message moved: no claim");
    t.is(third.headers["location"], undefined);

    t.deepEqual((await api.get("/v2/queues/work/stats")).json(), { messages: { claimed: 0, free: 0, total: 0 } });
    const listed = await api.get("/v2/queues/dead/messages?echo=true");
    t.is(listed.status, 200);
    const moved = listed.json().messages as Array<{ id: string; body: unknown; ttl: number; href: string }>;
    t.deepEqual(
      moved.map((m) => [m.id, m.body, m.ttl, m.href]),
      ids.map((id, i) => [id, [{ job: 1 }, "two"][i], 120, `/v2/queues/dead/messages/${id}`]),
    );
    t.like((await api.get("/v2/queues/dead/stats")).json().messages, { claimed: 0, free: 2, total: 2 });
    t.is((await api.get(`/v2/queues/work/messages/${ids[0]}`)).status, 404);
    const queues = (await api.get("/v2/queues")).json().queues as Array<{ name: string }>;
    t.deepEqual(queues.map((q) => q.name), ["dead", "work"], "the dead-letter queue was created");
  });

  test("dead-lettering switched on by PATCH applies to the next claim", async (t) => {
    const api = env.api();
    await api.put("/v2/queues/work");
    const [id] = await api.postMessages("work", [{ body: 1 }]);
    const first = await api.claim("work");
    await api.delete(`/v2/queues/work/claims/${first.id}`);
    const patch = [
      { op: "add", path: "/metadata/_max_claim_count", value: 1 },
      { op: "add", path: "/metadata/_dead_letter_queue", value: "dead" },
    ];
    const res = await api.patch("/v2/queues/work", patch, { "Content-Type": "application/openstack-messaging-v2.0-json-patch" });
    t.is(res.status, 200);
    t.is((await api.post("/v2/queues/work/claims", {})).status, 204);
    t.deepEqual(
      ((await api.get("/v2/queues/dead/messages?echo=true")).json().messages as Array<{ id: string }>).map((m) => m.id),
      [id],
    );
  });

  test("a claim takes fresh messages beside the ones it moves", async (t) => {
    const api = env.api();
    await api.put("/v2/queues/work", { _max_claim_count: 0, _dead_letter_queue: "dead" });
    const [old] = await api.postMessages("work", [{ body: "old" }]);
    const res = await api.post("/v2/queues/work/claims?limit=5", {});
    t.is(res.status, 204, "a count of 0 moves a message at its first claim");
    await api.put("/v2/queues/work2", { _max_claim_count: 1, _dead_letter_queue: "dead" });
    const [a] = await api.postMessages("work2", [{ body: "a" }]);
    const c = await api.claim("work2");
    await api.delete(`/v2/queues/work2/claims/${c.id}`);
    const [b] = await api.postMessages("work2", [{ body: "b" }]);
    const mixed = await api.claim("work2", {}, "?limit=5");
    t.deepEqual(mixed.messages.map((m) => m.body), ["b"]);
    t.deepEqual(
      ((await api.get("/v2/queues/dead/messages?echo=true")).json().messages as Array<{ id: string }>).map((m) => m.id),
      [old, a],
    );
    t.truthy(b);
  });
}
