/**
 * Dead-letter attributes over REST: validation on PUT and PATCH (400, and
 * nothing saved) and the dead-lettering flows on the memory store.
 */
import anyTest, { type TestFn } from "ava";
import { defineDeadLetterFlows } from "./dead-letter-flows.ts";
import { ERROR_HEADERS, useEdge, type Api, type WireResponse } from "./harness.ts";

const test = anyTest as TestFn<unknown>;
const env = useEdge(test);
const PATCH_TYPE = { "Content-Type": "application/openstack-messaging-v2.0-json-patch" };
const error = (title: string, description: string) => ({ title, description });

const invalid = test.macro({
  async exec(t, metadata: Record<string, unknown>, description: string) {
    const api = env.api();
    const put = await api.put("/v2/queues/work", metadata);
    t.is(put.status, 400);
    t.like(put.headers, ERROR_HEADERS);
    t.deepEqual(put.json(), error("Invalid API request", description));
    t.is((await api.get("/v2/queues")).json().queues.length, 0, "PUT created nothing");

    await api.put("/v2/queues/work", { a: 1 });
    const ops = Object.entries(metadata).map(([key, value]) => ({ op: "add", path: `/metadata/${key}`, value }));
    const patch: WireResponse = await api.patch("/v2/queues/work", ops, PATCH_TYPE);
    t.is(patch.status, 400);
    t.deepEqual(patch.json(), error("Invalid request body", description));
    t.deepEqual(Object.keys((await metadataOf(api)) ?? {}).filter((k) => !k.startsWith("_")), ["a"], "PATCH saved nothing");
    t.is((await metadataOf(api))?.["_dead_letter_queue"], null);
  },
  title: (_ = "", metadata: Record<string, unknown>) => `metadata ${JSON.stringify(metadata)} is refused on PUT and PATCH`,
});

async function metadataOf(api: Api): Promise<Record<string, unknown> | undefined> {
  return (await api.get("/v2/queues/work")).json();
}

test(invalid, { _dead_letter_queue: 5, _max_claim_count: 2 }, "_dead_letter_queue must be string.");
test(invalid, { _dead_letter_queue: "bad name!" }, "_dead_letter_queue must be a valid queue name.");
test(invalid, { _dead_letter_queue: "d".repeat(65) }, "_dead_letter_queue must be a valid queue name.");
test(invalid, { _dead_letter_queue: "work" }, "_dead_letter_queue can not be the queue itself.");
test(invalid, { _max_claim_count: "3", _dead_letter_queue: "dead" }, "_max_claim_count must be integer.");
test(invalid, { _max_claim_count: 1.5 }, "_max_claim_count must be integer.");
test(invalid, { _dead_letter_queue_messages_ttl: 59 }, "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long.");
test(invalid, { _dead_letter_queue_messages_ttl: "x" }, "_dead_letter_queue_messages_ttl must be integer.");

test("valid dead-letter settings are stored and shown, and null or empty names mean none", async (t) => {
  const api = env.api();
  const settings = { _max_claim_count: -5, _dead_letter_queue: "dead.letters_1", _dead_letter_queue_messages_ttl: 60 };
  t.is((await api.put("/v2/queues/work", settings)).status, 201);
  t.like(await metadataOf(api), settings);
  t.is((await api.put("/v2/queues/other", { _dead_letter_queue: "", _max_claim_count: 1 })).status, 201);
  t.is((await api.put("/v2/queues/third", { _dead_letter_queue: null })).status, 201);
});

defineDeadLetterFlows(test, env);
