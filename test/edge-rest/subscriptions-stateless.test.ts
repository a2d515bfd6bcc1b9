/**
 * The REST edge keeps no subscription state: whatever one edge created,
 * another edge in front of the same core serves, and so does an edge started
 * after the first one stopped.
 */
import anyTest, { type TestFn } from "ava";
import { pino } from "pino";
import { createRestEdge, type RestEdge } from "../../edge-rest/src/app.ts";
import { createManualClock } from "../../core/src/clock.ts";
import { startCore, type TestCore } from "../helpers/core.ts";
import { Api, ERROR_HEADERS } from "./harness.ts";
import { subscriptionText } from "./subscription-flows.ts";

const test = anyTest as TestFn<unknown>;

let core: TestCore;
const edges: RestEdge[] = [];

test.before(async () => {
  core = await startCore({ clock: createManualClock() });
});
test.after.always(async () => {
  for (const edge of edges) await edge.close();
  await core?.close();
});

/** Starts another edge in front of the shared core; answers its port. */
async function startEdge(): Promise<{ edge: RestEdge; port: number }> {
  const edge = createRestEdge(
    { listen: { host: "127.0.0.1", port: 0 }, coreUrl: core.grpcAddress, adminMode: false, logLevel: "silent", auth: { strategy: "none", signedUrlSecret: undefined } },
    { log: pino({ level: "silent" }) },
  );
  edges.push(edge);
  return { edge, port: (await edge.listen()).port };
}

test("a subscription made through one edge is served, changed, confirmed and deleted through others", async (t) => {
  const a = await startEdge();
  const b = await startEdge();
  const viaA = new Api(a.port);
  const viaB = new Api(b.port, viaA.project);
  const subs = "/v2/queues/orders/subscriptions";

  const created = await viaA.post(subs, '{"subscriber": "http://127.0.0.1:9/hook", "options": {"k": "v"}}');
  t.is(created.status, 201);
  const id = created.json().subscription_id as string;
  const path = `${subs}/${id}`;
  t.is((await viaB.get(path)).text, subscriptionText({ id, source: "orders", subscriber: "http://127.0.0.1:9/hook", options: '{"k": "v"}' }));
  t.is((await viaB.patch(path, { ttl: 600 })).status, 204);
  t.is((await viaA.get(path)).json().ttl, 600);
  t.is((await viaB.put(`${path}/confirm`, { confirmed: true })).status, 204);
  const duplicate = await viaA.post(subs, { subscriber: "http://127.0.0.1:9/hook" });
  t.is(duplicate.status, 409, "edge A sees the confirmation made through edge B");
  t.like(duplicate.headers, { ...ERROR_HEADERS, location: subs });

  await a.edge.close();
  const c = await startEdge();
  const viaC = new Api(c.port, viaA.project);
  t.is(
    (await viaC.get(subs)).text,
    `{"subscriptions": [${subscriptionText({ id, source: "orders", subscriber: "http://127.0.0.1:9/hook", ttl: 600, options: '{"k": "v"}', confirmed: true })}], "links": [{"rel": "next", "href": "${subs}?marker=${id}"}]}`,
  );
  t.is((await viaC.delete(path)).status, 204);
  t.is((await viaB.get(path)).status, 404);
});
