/**
 * The storage behaviour suite: every behaviour of the StorageDriver contract
 * (core/src/storage/driver.ts) as ava tests, run against each driver so that
 * `memory` (the reference model) and `redis` provably behave the same.
 *
 * Usage, once per driver test file:
 *
 *   defineStorageSuite("memory", async (clock) => ({ driver: createMemoryDriver({ clock }) }));
 *
 * `makeDriver` is called once per test with that test's own ManualClock (so
 * tests may move time independently and run concurrently); the driver must
 * read time only from it. Each test uses a random project. After the test the
 * suite calls `driver.close()` and then `cleanup()` when given.
 * Tests use only the StorageDriver interface.
 */
import { defineCatalogTests } from "./conformance/catalog.ts";
import { defineClaimTests } from "./conformance/claims.ts";
import { defineDeadLetterTests } from "./conformance/dead-letter.ts";
import { defineDeleteTests, definePurgeTests } from "./conformance/deletes.ts";
import { createDefine, type MakeDriver } from "./conformance/harness.ts";
import { defineIsolationTests } from "./conformance/isolation.ts";
import { defineJobTests } from "./conformance/jobs.ts";
import { defineListTests, defineVolumeTests } from "./conformance/listing.ts";
import { defineMessageTests } from "./conformance/messages.ts";
import { defineQueueTests } from "./conformance/queues.ts";
import { defineStatsTests } from "./conformance/stats.ts";
import { defineSubscriptionTests } from "./conformance/subscriptions.ts";

export type { MakeDriver } from "./conformance/harness.ts";

/** Registers every behavioural test, titled `${name}: <behaviour>`. */
export function defineStorageSuite(name: string, makeDriver: MakeDriver): void {
  const define = createDefine(name, makeDriver);
  defineQueueTests(define);
  defineIsolationTests(define);
  defineMessageTests(define);
  defineListTests(define);
  defineClaimTests(define);
  defineDeadLetterTests(define);
  defineDeleteTests(define);
  definePurgeTests(define);
  defineStatsTests(define);
  defineVolumeTests(define);
  defineSubscriptionTests(define);
  defineJobTests(define);
  defineCatalogTests(define);
}
