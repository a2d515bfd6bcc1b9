/**
 * Every WebSocket action (websocket.md §5) on the memory and Redis stores:
 * exact answer frames for success and for each error case the spec lists.
 */
import test from "ava";
import { echo, useWsEdgeOnStores, type WsClient, type WsEdgeEnv } from "./harness.ts";

type Headers = ReturnType<WsEdgeEnv["project"]>["headers"];

/** Sends the action and checks the whole frame; returns its body. */
async function expectFrame(t: any, c: WsClient, action: string, headers: Headers, body: unknown, status: number, expected?: unknown): Promise<any> {
  const frame = body === undefined ? { action, headers } : { action, headers, body };
  const answer = await c.ask(frame);
  t.deepEqual(answer.request, echo(frame), `${action} echo`);
  t.deepEqual(answer.headers, { status }, `${action} status: ${JSON.stringify(answer.body)}`);
  if (expected !== undefined) t.deepEqual(answer.body, expected, `${action} body`);
  return answer.body;
}

for (const [store, env] of useWsEdgeOnStores(test)) {
  test(`${store}: queue_create, queue_get, queue_list, queue_get_stats, queue_purge and queue_delete`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    await expectFrame(t, c, "queue_create", headers, { queue_name: "q1" }, 201, "Queue q1 created.");
    await expectFrame(t, c, "queue_create", headers, { queue_name: "q1" }, 204, "Queue q1 created.");
    await expectFrame(t, c, "queue_create", headers, { queue_name: "q2", metadata: { color: "red" } }, 201, "Queue q2 created.");
    await expectFrame(t, c, "queue_get", headers, { queue_name: "q2" }, 200, { color: "red" });
    await expectFrame(t, c, "queue_get", headers, { queue_name: "nope" }, 200, {});
    await expectFrame(t, c, "queue_list", headers, undefined, 200, { queues: [{ name: "q1" }, { name: "q2" }] });
    await expectFrame(t, c, "queue_list", headers, { detailed: true, limit: 1, marker: "q1" }, 200, {
      queues: [{ name: "q2", metadata: { color: "red" } }],
    });
    await expectFrame(t, c, "queue_get_stats", headers, { queue_name: "q1" }, 200, { messages: { claimed: 0, free: 0, total: 0 } });
    await expectFrame(t, c, "message_post", headers, { queue_name: "q1", messages: [{ ttl: 300, body: 1 }, { ttl: 300, body: 2 }] }, 201);
    const stats = await expectFrame(t, c, "queue_get_stats", headers, { queue_name: "q1" }, 200);
    t.deepEqual(stats.messages.total, 2);
    t.deepEqual(Object.keys(stats.messages.oldest).sort(), ["age", "created", "id"]);
    await expectFrame(t, c, "queue_purge", headers, { queue_name: "q1" }, 204, {});
    await expectFrame(t, c, "queue_get_stats", headers, { queue_name: "q1" }, 200, { messages: { claimed: 0, free: 0, total: 0 } });
    await expectFrame(t, c, "queue_delete", headers, { queue_name: "q1" }, 204, "Queue q1 removed.");
    await expectFrame(t, c, "queue_get_stats", headers, { queue_name: "q1" }, 404, { messages: { claimed: 0, free: 0, total: 0 } });
    await expectFrame(t, c, "queue_get_stats", headers, { queue_name: "never" }, 404, { messages: { claimed: 0, free: 0, total: 0 } });
    await expectFrame(t, c, "queue_list", headers, {}, 200, { queues: [{ name: "q2" }] });
  });

  test(`${store}: queue errors carry the core's validation texts as exception, error null`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    await expectFrame(t, c, "queue_create", headers, { queue_name: "bad name" }, 400, {
      exception: "Queue names may only contain ASCII letters, digits, underscores, and dashes.",
      error: null,
    });
    await expectFrame(t, c, "queue_create", headers, { queue_name: "x".repeat(65) }, 400, {
      exception: "Queue names may not be more than 64 characters long.",
      error: null,
    });
    const longProject = { ...headers, "X-Project-ID": "p".repeat(257) };
    await expectFrame(t, c, "queue_create", longProject, { queue_name: "fine" }, 400, {
      exception: "Project ids may not be more than 256 characters long.",
      error: null,
    });
    const limit = await expectFrame(t, c, "queue_list", headers, { limit: 21 }, 400);
    t.is(limit.error, null);
    t.is(typeof limit.exception, "string");
  });

  test(`${store}: message_post, message_list, message_get, message_get_many, message_delete and message_delete_many`, async (t) => {
    const c = await env.client();
    const { headers, project } = env.project();
    const posted = await expectFrame(t, c, "message_post", headers, { queue_name: "m", messages: [{ ttl: 300, body: { k: "v" } }, { ttl: 60, body: [1] }, { body: "x", delay: 30 }] }, 201);
    t.is(posted.message_ids.length, 3);
    const [a, b, d] = posted.message_ids as string[];
    // Own messages are hidden without echo.
    await expectFrame(t, c, "message_list", headers, { queue_name: "m" }, 200, { messages: [] });
    const listed = await expectFrame(t, c, "message_list", headers, { queue_name: "m", echo: true }, 200);
    t.deepEqual(listed.messages.map((m: any) => [m.id, m.claim_id, m.ttl, m.body]), [[a, null, 300, { k: "v" }], [b, null, 60, [1]], [d, null, 3600, "x"]]);
    t.deepEqual(Object.keys(listed.messages[0]), ["id", "claim_id", "ttl", "age", "body"]);
    await expectFrame(t, c, "message_list", headers, { queue_name: "nothing-here" }, 200, { messages: [] });
    const one = await expectFrame(t, c, "message_get", headers, { queue_name: "m", message_id: a }, 200);
    t.deepEqual({ ...one.messages, age: 0 }, { id: a, claim_id: null, ttl: 300, age: 0, body: { k: "v" } });
    const unknown = "5c4e2f6a1c1d4f6e9a34d1c4";
    await expectFrame(t, c, "message_get", headers, { queue_name: "m", message_id: unknown }, 404, {
      exception: `Message ${unknown} does not exist in queue m for project ${project}`,
      error: null,
    });
    const many = await expectFrame(t, c, "message_get_many", headers, { queue_name: "m", message_ids: [a, unknown, b] }, 200);
    t.deepEqual(many.messages.map((m: any) => m.id), [a, b]);
    await expectFrame(t, c, "message_get_many", headers, { queue_name: "m", message_ids: [unknown] }, 200, { messages: [] });
    const tooMany = await expectFrame(t, c, "message_get_many", headers, { queue_name: "m", message_ids: Array.from({ length: 21 }, (_, i) => `id${i}`) }, 400);
    t.is(tooMany.error, null);
    await expectFrame(t, c, "message_delete", headers, { queue_name: "m", message_id: a }, 204, {});
    await expectFrame(t, c, "message_delete_many", headers, { queue_name: "m", message_ids: [b] }, 204, {});
    const popped = await expectFrame(t, c, "message_delete_many", headers, { queue_name: "m", pop: 5 }, 200);
    t.deepEqual(popped.messages.map((m: any) => [m.id, m.body]), [[d, "x"]]);
    t.true("claim_count" in popped.messages[0]);
    await expectFrame(t, c, "message_list", headers, { queue_name: "m", echo: true }, 200, { messages: [] });
    const neither = await expectFrame(t, c, "message_delete_many", headers, { queue_name: "m" }, 400);
    t.is(neither.error, null);
  });

  test(`${store}: message_post and message_list errors`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    await expectFrame(t, c, "message_post", headers, { queue_name: "m", messages: [] }, 400, { exception: "No messages to enqueu.", error: null });
    await expectFrame(t, c, "message_post", headers, { queue_name: "m", messages: [{ ttl: 60 }] }, 400, {
      exception: 'Bad request. Missing "body" field.',
      error: null,
    });
    const badClient = { ...headers, "Client-ID": "abc" };
    await expectFrame(t, c, "message_post", badClient, { queue_name: "m", messages: [{ body: 1 }] }, 400, {
      exception: "badly formed hexadecimal UUID string",
      error: null,
    });
    await expectFrame(t, c, "message_list", badClient, { queue_name: "m" }, 400, { exception: "badly formed hexadecimal UUID string", error: null });
    // Other actions take any Client-ID.
    await expectFrame(t, c, "queue_list", badClient, undefined, 200);
    await expectFrame(t, c, "claim_create", badClient, { queue_name: "m" }, 204, { claim_id: null });
  });

  test(`${store}: claim_create, claim_get, claim_update, claim_delete and claimed message deletes`, async (t) => {
    const c = await env.client();
    const { headers, project } = env.project();
    await expectFrame(t, c, "claim_create", headers, { queue_name: "c" }, 204, { claim_id: null });
    const posted = await expectFrame(t, c, "message_post", headers, { queue_name: "c", messages: [{ ttl: 300, body: 1 }, { ttl: 300, body: 2 }] }, 201);
    const [a, b] = posted.message_ids as string[];
    const claim = await expectFrame(t, c, "claim_create", headers, { queue_name: "c", ttl: 60, grace: 60, limit: 2 }, 201);
    const cid = claim.claim_id as string;
    t.deepEqual(claim.messages.map((m: any) => [m.id, m.claim_id, m.body]), [[a, cid, 1], [b, cid, 2]]);
    const got = await expectFrame(t, c, "claim_get", headers, { queue_name: "c", claim_id: cid }, 200);
    t.deepEqual(Object.keys(got), ["age", "ttl", "messages"]);
    t.is(got.ttl, 60);
    t.deepEqual(got.messages.map((m: any) => m.claim_id), [cid, cid]);
    await expectFrame(t, c, "claim_update", headers, { queue_name: "c", claim_id: cid, ttl: 120 }, 204, `Claim ${cid} updated.`);
    t.is((await expectFrame(t, c, "claim_get", headers, { queue_name: "c", claim_id: cid }, 200)).ttl, 120);
    // Deleting a claimed message without its claim: 403, with the REST description as error.
    const claimed = await expectFrame(t, c, "message_delete", headers, { queue_name: "c", message_id: a }, 403);
    t.is(claimed.error, claimed.exception);
    t.is(typeof claimed.error, "string");
    await expectFrame(t, c, "message_delete", headers, { queue_name: "c", message_id: a, claim_id: cid }, 204, {});
    await expectFrame(t, c, "claim_delete", headers, { queue_name: "c", claim_id: cid }, 204, `Claim ${cid} deleted.`);
    const notClaimed = await expectFrame(t, c, "message_delete", headers, { queue_name: "c", message_id: b, claim_id: cid }, 400);
    t.is(typeof notClaimed.error, "string");
    const gone = "5c4e2f6a1c1d4f6e9a34d1c4";
    await expectFrame(t, c, "claim_get", headers, { queue_name: "c", claim_id: gone }, 404, {
      exception: `Claim ${gone} does not exist in queue c for project ${project}`,
      error: `Claim ${gone} does not exist.`,
    });
    const updateGone = await expectFrame(t, c, "claim_update", headers, { queue_name: "c", claim_id: gone, ttl: 100 }, 404);
    t.is(updateGone.error, `Claim ${gone} does not exist.`);
    const ttlRange = await expectFrame(t, c, "claim_create", headers, { queue_name: "c", ttl: 1 }, 400);
    t.is(ttlRange.error, null);
  });

  test(`${store}: subscription_create, subscription_list, subscription_get and subscription_delete`, async (t) => {
    const c = await env.client();
    const { headers, project } = env.project();
    const created = await expectFrame(t, c, "subscription_create", headers, { queue_name: "s", subscriber: "http://127.0.0.1:1/hook", ttl: 3600, options: { a: 1 } }, 201);
    t.deepEqual(Object.keys(created), ["subscription_id", "message"]);
    t.is(created.message, "Subscription s created.");
    const id = created.subscription_id as string;
    await expectFrame(t, c, "subscription_create", headers, { queue_name: "s", subscriber: "http://127.0.0.1:1/hook" }, 409, "Subscription s not created.");
    const listed = await expectFrame(t, c, "subscription_list", headers, { queue_name: "s" }, 200);
    t.deepEqual(listed.subscriptions.map((s: any) => [s.id, s.subscriber, s.options]), [[id, "http://127.0.0.1:1/hook", { a: 1 }]]);
    const got = await expectFrame(t, c, "subscription_get", headers, { queue_name: "s", subscription_id: id }, 200);
    t.deepEqual({ ...got, age: 0 }, { id, source: "s", subscriber: "http://127.0.0.1:1/hook", ttl: 3600, age: 0, options: { a: 1 }, confirmed: false });
    await expectFrame(t, c, "subscription_delete", headers, { queue_name: "s", subscription_id: id }, 204, `Subscription ${id} removed.`);
    const missing = await expectFrame(t, c, "subscription_get", headers, { queue_name: "s", subscription_id: id }, 404);
    t.is(missing.error, `Subscription ${id} for queue s does not exist.`);
    t.is(typeof missing.exception, "string");
    const fake = await expectFrame(t, c, "subscription_create", headers, { queue_name: "s", subscriber: "fake" }, 400);
    t.is(fake.error, null);
    t.is(typeof fake.exception, "string");
    t.truthy(project);
  });
}
