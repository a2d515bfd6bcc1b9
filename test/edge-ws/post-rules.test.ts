/**
 * The WebSocket transport's own rules for message_post and queue_create
 * (websocket.md §5), judged by the core from the frame the edge passes on
 * whole: sizes count the characters of the Python repr, not UTF-8 bytes; a
 * posted message keeps only ttl and body, with no delay even on a delayed
 * queue. Also the request echo cut from the frame's own text.
 */
import test from "ava";
import { echo, useWsEdgeOnStores } from "./harness.ts";

/** len(str([{'body': 'x' * n}])) is n + 14: "[{'body': '" and "'}]". */
const REPR_OVERHEAD = 14;
const POST_LIMIT = 262144;
const METADATA_LIMIT = 65536;

const stores = useWsEdgeOnStores(test);

for (const [store, env] of stores) {
  test(`${store}: message_post counts the repr's characters: 200,000 'é' (400 KB of UTF-8) are accepted`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    const frame = { action: "message_post", headers, body: { queue_name: "big", messages: [{ body: "é".repeat(200_000) }] } };
    const answer = await c.ask(frame);
    t.deepEqual(answer.headers, { status: 201 }, JSON.stringify(answer.body));
    const got = await c.ask({ action: "message_get", headers, body: { queue_name: "big", message_id: answer.body.message_ids[0] } });
    t.is(got.body.messages.body, "é".repeat(200_000));
  });

  test(`${store}: message_post accepts a repr of exactly the limit and refuses one character more`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    const post = (n: number) => c.ask({ action: "message_post", headers, body: { queue_name: "edge", messages: [{ body: "x".repeat(n) }] } });
    const atLimit = await post(POST_LIMIT - REPR_OVERHEAD);
    t.deepEqual(atLimit.headers, { status: 201 }, JSON.stringify(atLimit.body));
    const over = await post(POST_LIMIT - REPR_OVERHEAD + 1);
    t.deepEqual(over.headers, { status: 400 });
    t.deepEqual(over.body, { exception: `Message collection size is too large. Max size ${POST_LIMIT}`, error: null });
    const stats = await c.ask({ action: "queue_get_stats", headers, body: { queue_name: "edge" } });
    t.is(stats.body.messages.total, 1, "the refused post stored nothing");
  });

  test(`${store}: message_post counts every member of the messages, not only ttl and body`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    // 'note': '…' adds its characters to the repr though the message keeps only its body.
    const n = POST_LIMIT - REPR_OVERHEAD - 200;
    const answer = await c.ask({ action: "message_post", headers, body: { queue_name: "extra", messages: [{ body: "x".repeat(n), note: "y".repeat(300) }] } });
    t.deepEqual(answer.body, { exception: `Message collection size is too large. Max size ${POST_LIMIT}`, error: null });
  });

  test(`${store}: message_post ignores delay, even on a delayed queue, as Zaqar's WebSocket transport does`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    await c.ask({ action: "queue_create", headers, body: { queue_name: "slow", metadata: { _default_message_delay: 300 } } });
    const posted = await c.ask({ action: "message_post", headers, body: { queue_name: "slow", messages: [{ body: 1, delay: 600 }, { body: 2 }] } });
    t.deepEqual(posted.headers, { status: 201 });
    const listed = await c.ask({ action: "message_list", headers, body: { queue_name: "slow", echo: true } });
    t.deepEqual(listed.body.messages.map((m: { body: unknown }) => m.body), [1, 2]);
    const claimed = await c.ask({ action: "claim_create", headers, body: { queue_name: "slow", limit: 5 } });
    t.is(claimed.body.messages.length, 2, "visible to claims at once");
  });

  test(`${store}: queue_create counts the metadata's repr characters against the metadata limit`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    // 40,000 'é' are 80 KB of UTF-8 (over the limit as bytes) but 40,009 characters.
    const wide = await c.ask({ action: "queue_create", headers, body: { queue_name: "wide", metadata: { k: "é".repeat(40_000) } } });
    t.deepEqual(wide.headers, { status: 201 }, JSON.stringify(wide.body));
    // {'k': '…'} is n + 9 characters.
    const long = await c.ask({ action: "queue_create", headers, body: { queue_name: "long", metadata: { k: "x".repeat(METADATA_LIMIT - 8) } } });
    t.deepEqual(long.headers, { status: 400 });
    t.deepEqual(long.body, { exception: `Queue metadata is too large. Max size: ${METADATA_LIMIT}`, error: null });
    const fits = await c.ask({ action: "queue_create", headers, body: { queue_name: "fits", metadata: { k: "x".repeat(METADATA_LIMIT - 9) } } });
    t.deepEqual(fits.headers, { status: 201 }, JSON.stringify(fits.body));
  });
}

const env = (stores[0] as (typeof stores)[number])[1];

test("a frame with spacing and its own member order is echoed as the same request object", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const value = { body: { queue_name: "sp", messages: [{ body: { "a b": [1, 2.5, null, true] } }] }, headers, action: "message_post" };
  const answer = await c.ask(`\n  ${JSON.stringify(value, null, 2)}  \n`);
  t.deepEqual(answer.headers, { status: 201 });
  t.deepEqual(answer.request, echo(value));
});

test("a frame with members beyond action, headers and body is echoed with only those three and api", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const frame = { action: "queue_list", headers, body: {}, extra: { x: 1 } };
  const answer = await c.ask(frame);
  t.deepEqual(answer.headers, { status: 200 });
  t.deepEqual(answer.request, { action: "queue_list", headers, body: {}, api: "v2" });
});

test("a message body in a frame is stored as its JSON value whatever its spacing", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const text = `{"action":"message_post","headers":${JSON.stringify(headers)},"body":{"queue_name":"txt","messages":[{"body": { "k" : [ 1 , "v" ] } },{"body":{"k":[1,"v"]}}]}}`;
  const posted = await c.ask(text);
  t.deepEqual(posted.headers, { status: 201 });
  const listed = await c.ask({ action: "message_list", headers, body: { queue_name: "txt", echo: true } });
  t.deepEqual(listed.body.messages.map((m: { body: unknown }) => m.body), [{ k: [1, "v"] }, { k: [1, "v"] }]);
});
