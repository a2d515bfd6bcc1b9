/**
 * `_enable_encrypt_messages` over REST: a queue created with it stores sealed
 * bodies, and list, get, get-by-ids, claim, claim get and pop answer the
 * bodies as posted (rest-queues.md §4.3; upstream forgets claim and pop).
 */
import anyTest, { type TestFn } from "ava";
import type { TestCore } from "../helpers/core.ts";
import { useEdge } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test, { core: { env: { ZAQAR_MESSAGE_ENCRYPTION_KEY: "rest test passphrase" } } });

const BODIES = [{ text: "the owl flies at midnight — 你好 🦉", n: [1, -2.5] }, 42, "a string body ✓"];

test("an encrypted queue answers every read with the bodies as posted", async (t) => {
  const api = env.api();
  t.is((await api.put("/v2/queues/secret", { _enable_encrypt_messages: true })).status, 201);
  t.true((await api.get("/v2/queues/secret")).json()._enable_encrypt_messages);
  const ids = await api.postMessages("secret", BODIES.map((body) => ({ ttl: 300, body })));

  const driver = (env.core as TestCore).core.driver;
  for (const id of ids) {
    const stored = (await driver.messages.get({ project: api.project, queue: "secret" }, id)).body;
    t.true(stored.startsWith("~enc1:"), "stored sealed");
    t.false(stored.includes("the owl"));
  }

  const bodies = (messages: Array<{ body: unknown }>) => messages.map((m) => m.body);
  const listed = await api.get("/v2/queues/secret/messages?echo=true");
  t.is(listed.status, 200);
  t.deepEqual(bodies(listed.json().messages), BODIES, "list");
  t.true(listed.text.includes(JSON.stringify(BODIES[0])), "the body's bytes are spliced as posted");
  t.deepEqual((await api.get(`/v2/queues/secret/messages/${ids[0]}`)).json().body, BODIES[0], "get");
  t.deepEqual(bodies((await api.get(`/v2/queues/secret/messages?ids=${ids.join(",")}`)).json().messages), BODIES, "get by ids");

  const claim = await api.claim("secret", { ttl: 300, grace: 60 }, "?limit=2");
  t.deepEqual(bodies(claim.messages), BODIES.slice(0, 2), "claim create");
  t.deepEqual(bodies((await api.get(`/v2/queues/secret/claims/${claim.id}`)).json().messages), BODIES.slice(0, 2), "claim get");
  const popped = await api.delete("/v2/queues/secret/messages?pop=1");
  t.is(popped.status, 200);
  t.deepEqual(bodies(popped.json().messages), BODIES.slice(2), "pop");
});

test("turning encryption on with PATCH leaves earlier messages readable beside new ones", async (t) => {
  const api = env.api();
  const [before] = await api.postMessages("q", [{ ttl: 300, body: { before: true } }]);
  const patched = await api.patch("/v2/queues/q", [{ op: "replace", path: "/metadata/_enable_encrypt_messages", value: true }], {
    "Content-Type": "application/openstack-messaging-v2.0-json-patch",
  });
  t.is(patched.status, 200);
  const [after] = await api.postMessages("q", [{ ttl: 300, body: { after: "the owl" } }]);
  const stored = (id: string | undefined) =>
    (env.core as TestCore).core.driver.messages.get({ project: api.project, queue: "q" }, id as string).then((m) => m.body);
  t.is(await stored(before), '{"before":true}');
  t.true((await stored(after)).startsWith("~enc1:"));
  const listed = (await api.get("/v2/queues/q/messages?echo=true")).json().messages;
  t.deepEqual(listed.map((m: { body: unknown }) => m.body), [{ before: true }, { after: "the owl" }]);
});
