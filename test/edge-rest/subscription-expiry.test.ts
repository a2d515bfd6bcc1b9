/**
 * Subscription TTL over REST, on the memory store and on Redis: a
 * subscription lives `ttl` seconds from its creation or from the last PATCH
 * that set a ttl, and `age` counts from its creation. The cores share a
 * manual clock, so these tests run one at a time.
 */
import anyTest, { type ExecutionContext, type TestFn } from "ava";
import { createManualClock } from "../../core/src/clock.ts";
import { errorText, type Api } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";
import { subscriptionText } from "./subscription-flows.ts";

const test = anyTest as TestFn<unknown>;
const clock = createManualClock();
const stores = useEdgeOnStores(test, { clock });
const HOOK = "http://127.0.0.1:9/hook";
const SUBS = "/v2/queues/q/subscriptions";

async function create(api: Api, body: object): Promise<string> {
  const res = await api.post(SUBS, body);
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json().subscription_id as string;
}

async function gone(t: ExecutionContext, api: Api, id: string): Promise<void> {
  const res = await api.get(`${SUBS}/${id}`);
  t.is(res.status, 404);
  t.is(res.text, errorText("Not found", `Subscription ${id} does not exist`));
  t.is((await api.get(SUBS)).text, '{"subscriptions": [], "links": []}');
}

for (const [store, env] of stores) {
  test.serial(`${store}: a subscription expires ttl seconds after its creation`, async (t) => {
    const api = env.api();
    const id = await create(api, { subscriber: HOOK, ttl: 60 });
    clock.advance(59_999);
    t.is((await api.get(`${SUBS}/${id}`)).text, subscriptionText({ id, source: "q", subscriber: HOOK, ttl: 60, age: 59 }));
    clock.advance(1);
    await gone(t, api, id);
    t.is((await api.patch(`${SUBS}/${id}`, { ttl: 600 })).status, 404, "an expired subscription cannot be revived");
    t.is((await api.put(`${SUBS}/${id}/confirm`, { confirmed: true })).status, 404);
    const again = await create(api, { subscriber: HOOK, ttl: 60 });
    t.not(again, id, "the subscriber can subscribe again, as a new subscription");
  });

  test.serial(`${store}: a PATCH that sets ttl restarts the lifetime; age still counts from creation`, async (t) => {
    const api = env.api();
    const id = await create(api, { subscriber: HOOK, ttl: 60 });
    clock.advance(50_000);
    t.is((await api.patch(`${SUBS}/${id}`, { ttl: 60 })).status, 204);
    clock.advance(50_000);
    t.is((await api.get(`${SUBS}/${id}`)).text, subscriptionText({ id, source: "q", subscriber: HOOK, ttl: 60, age: 100 }));
    t.is((await api.patch(`${SUBS}/${id}`, { options: { a: 1 } })).status, 204, "a PATCH without ttl does not restart it");
    clock.advance(10_000);
    await gone(t, api, id);
  });

  test.serial(`${store}: a confirmed subscription that expired no longer conflicts`, async (t) => {
    const api = env.api();
    const id = await create(api, { subscriber: HOOK, ttl: 60 });
    t.is((await api.put(`${SUBS}/${id}/confirm`, { confirmed: true })).status, 204);
    t.is((await api.post(SUBS, { subscriber: HOOK })).status, 409);
    clock.advance(60_000);
    t.not(await create(api, { subscriber: HOOK }), id);
  });
}
