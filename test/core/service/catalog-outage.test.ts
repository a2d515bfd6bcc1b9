/**
 * Pools and flavors while Redis is down (a real redis-server, killed): each
 * operation answers STORAGE_UNAVAILABLE with its own "could not be" text, as
 * the other operations do; policy is still answered first.
 */
import test from "ava";
import { ZaqarError } from "../../../core/src/errors.ts";
import type { OpName } from "../../../core/src/service/handler-types.ts";
import { connectRedis, createRedisDriver, whenReady } from "../../../core/src/storage/redis/driver.ts";
import { createManualClock } from "../../../core/src/clock.ts";
import { startRedisServer } from "../../helpers/redis-server.ts";
import { catalogOf, json } from "./catalog-harness.ts";

test("pool and flavor operations answer their own 503 texts while storage is down", async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.stop());
  const client = connectRedis(redis.url);
  await whenReady(client);
  const driver = createRedisDriver({ clock: createManualClock(), client });
  t.teardown(() => driver.close());
  const c = catalogOf(driver);
  await redis.kill();

  const cases: ReadonlyArray<readonly [OpName, object, string]> = [
    ["createPool", { name: "p", body: json({ weight: 1, uri: "memory:" }) }, "Pool could not be created."],
    ["listPools", { marker: "", detailed: false }, "Pools could not be listed."],
    ["getPool", { name: "p", detailed: true }, "Pool could not be retrieved."],
    ["updatePool", { name: "p", body: json({ weight: 2 }) }, "Pool could not be updated."],
    ["deletePool", { name: "p" }, "Pool could not be deleted."],
    ["createFlavor", { name: "f", body: json({ pool_list: ["p"] }) }, "Flavor could not be created."],
    ["listFlavors", { marker: "", detailed: true }, "Flavors could not be listed."],
    ["getFlavor", { name: "f" }, "Flavor could not be retrieved."],
    ["updateFlavor", { name: "f", body: json({ pool_list: ["p"] }) }, "Flavor could not be updated."],
    ["deleteFlavor", { name: "f" }, "Flavor could not be deleted."],
  ];
  for (const [op, req, text] of cases) {
    const err = await t.throwsAsync<ZaqarError>(c.run(op, req as never), { instanceOf: ZaqarError }, op);
    t.is(err?.reason, "STORAGE_UNAVAILABLE", op);
    t.is(err?.description, `${text} Please try again in a few seconds.`, op);
  }
  const denied = await t.throwsAsync<ZaqarError>(c.run("listPools", { marker: "", detailed: false } as never, []));
  t.is(denied?.reason, "NOT_AUTHORIZED");
});
