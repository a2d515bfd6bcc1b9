/**
 * Pools and flavors over REST while their store or the core is away: Zaqar's
 * 503 body with each route's own text, exact on the wire.
 */
import anyTest, { type TestFn } from "ava";
import { freePort } from "../helpers/free-port.ts";
import { ERROR_HEADERS, errorText, useEdge, type Api } from "./harness.ts";
import { useEdgeOnRedis } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
// A port that was free a moment ago: nothing listens on it (awaited before any test is declared).
const deadCore = `127.0.0.1:${await freePort()}`;
const { env: onRedis, redis } = useEdgeOnRedis(test, {}, { adminMode: true, pooling: true });
const noCore = useEdge(test, { adminMode: true, pooling: true, coreUrl: deadCore });

const ADMIN = { "X-Roles": "admin" };
const ROUTES: ReadonlyArray<readonly [string, string, object | undefined, string]> = [
  ["GET", "/v2/pools", undefined, "Pools could not be listed."],
  ["PUT", "/v2/pools/p", { weight: 1, uri: "memory:p" }, "Pool could not be created."],
  ["GET", "/v2/pools/p", undefined, "Pool could not be retrieved."],
  ["PATCH", "/v2/pools/p", { weight: 2 }, "Pool could not be updated."],
  ["DELETE", "/v2/pools/p", undefined, "Pool could not be deleted."],
  ["GET", "/v2/flavors", undefined, "Flavors could not be listed."],
  ["PUT", "/v2/flavors/f", { pool_list: ["p"] }, "Flavor could not be created."],
  ["GET", "/v2/flavors/f", undefined, "Flavor could not be retrieved."],
  ["PATCH", "/v2/flavors/f", { pool_list: ["p"] }, "Flavor could not be updated."],
  ["DELETE", "/v2/flavors/f", undefined, "Flavor could not be deleted."],
];

async function allUnavailable(t: { is(a: unknown, b: unknown, m?: string): void; like(a: object, b: object): void }, api: Api): Promise<void> {
  for (const [method, path, body, text] of ROUTES) {
    const res = await api.send({ method, path, headers: ADMIN, ...(body === undefined ? {} : { body }) });
    t.is(res.status, 503, `${method} ${path}`);
    t.like(res.headers, ERROR_HEADERS);
    t.is(res.text, errorText("Service temporarily unavailable", `${text} Please try again in a few seconds.`), `${method} ${path}`);
  }
}

test.serial("with Redis down every pool and flavor route answers 503 with its own text", async (t) => {
  await redis().kill();
  await allUnavailable(t, onRedis.api());
});

test("with the core unreachable every pool and flavor route answers 503 with its own text", async (t) => {
  await allUnavailable(t, noCore.api());
});
