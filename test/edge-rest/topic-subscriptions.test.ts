/**
 * Topic subscriptions over REST: the queue routes' behaviour under
 * /v2/topics/{topic_name}/subscriptions (Zaqar 15 answers 500 there), on the
 * memory store and on Redis; the tests are in subscription-flows.ts.
 */
import anyTest, { type TestFn } from "ava";
import { createManualClock } from "../../core/src/clock.ts";
import { TOPICS, defineSubscriptionTests } from "./subscription-flows.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const stores = useEdgeOnStores(test, { clock: createManualClock() });
for (const [store, env] of stores) {
  defineSubscriptionTests(test, store, env, TOPICS);

  test(`${store}: a topic's subscriptions are not the same-named queue's, and the reverse`, async (t) => {
    const api = env.api();
    const onTopic = await api.post("/v2/topics/orders/subscriptions", { subscriber: "http://127.0.0.1:9/t" });
    t.is(onTopic.status, 201);
    const topicId = onTopic.json().subscription_id as string;
    t.is((await api.get("/v2/queues/orders/subscriptions")).text, '{"subscriptions": [], "links": []}');
    t.is((await api.get(`/v2/queues/orders/subscriptions/${topicId}`)).status, 404);
    t.is((await api.put(`/v2/queues/orders/subscriptions/${topicId}/confirm`, { confirmed: true })).status, 404);

    const onQueue = await api.post("/v2/queues/orders/subscriptions", { subscriber: "http://127.0.0.1:9/t" });
    t.is(onQueue.status, 201, "the same subscriber on the queue is another subscription");
    const queueId = onQueue.json().subscription_id as string;
    t.not(queueId, topicId);
    t.is((await api.delete(`/v2/queues/orders/subscriptions/${topicId}`)).status, 204);
    const listed = (await api.get("/v2/topics/orders/subscriptions")).json().subscriptions as Array<{ id: string; source: string }>;
    t.deepEqual(listed.map((s) => [s.id, s.source]), [[topicId, "orders"]], "deleting through the queue path left the topic's");
  });
}
