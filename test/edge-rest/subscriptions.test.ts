/**
 * Queue subscriptions over REST (rest-subscriptions-notifications.md §2), on
 * the memory store and on Redis; the tests are in subscription-flows.ts.
 */
import anyTest, { type TestFn } from "ava";
import { createManualClock } from "../../core/src/clock.ts";
import { QUEUES, defineSubscriptionTests } from "./subscription-flows.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
for (const [store, env] of useEdgeOnStores(test, { clock: createManualClock() })) defineSubscriptionTests(test, store, env, QUEUES);
