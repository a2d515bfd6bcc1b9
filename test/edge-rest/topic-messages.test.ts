/**
 * Messages of topics over REST (/v2/topics/{topic}/messages[/{id}]). Zaqar 15
 * answers 500 on these paths (rest-queues.md §5); here they behave as the
 * queue message routes do, on the topic. Also: a topic and a queue of the same
 * name are independent. On the memory store and on Redis.
 */
import anyTest, { type ExecutionContext, type TestFn } from "ava";
import { ERROR_HEADERS, OTHER_CLIENT_ID, errorText as error, type Api } from "./harness.ts";
import { useEdgeOnStores } from "./stores.ts";

const test = anyTest as TestFn<unknown>;
const stores = useEdgeOnStores(test);

const INVALID_TOPIC = error("Invalid topic identification", "The format of the submitted topic name or project id is not valid.");
const idOf = (href: string): string => href.slice(href.lastIndexOf("/") + 1);

async function post(api: Api, topic: string, messages: unknown[]): Promise<string[]> {
  const res = await api.post(`/v2/topics/${topic}/messages`, { messages });
  if (res.status !== 201) throw new Error(`post failed: ${res.status} ${res.text}`);
  return (res.json().resources as string[]).map(idOf);
}

for (const [store, env] of stores) {
  /** A test on this store, with a client on a fresh project. */
  const it = (title: string, body: (t: ExecutionContext, api: Api) => Promise<void>) =>
    test(`${store}: ${title}`, (t) => body(t, env.api()));

  it("POST to a topic answers 201 with the ids in location and hrefs under /v2/topics", async (t, api) => {
    const res = await api.post("/v2/topics/t1/messages", { messages: [{ ttl: 300, body: { event: "demo", n: 0 } }, { body: "plain" }] });
    t.is(res.status, 201);
    t.is(res.headers["content-type"], "application/json");
    const location = res.headers["location"] as string;
    t.true(location.startsWith("/v2/topics/t1/messages?ids="), location);
    const ids = location.slice(location.indexOf("=") + 1).split(",");
    t.is(ids.length, 2);
    t.is(res.text, `{"resources": [${ids.map((id) => `"/v2/topics/t1/messages/${id}"`).join(", ")}]}`);
    // Posting creates the topic (lazily, as for queues), and no queue.
    t.is((await api.get("/v2/topics")).text, '{"topics": [{"name": "t1", "href": "/v2/topics/t1"}], "links": [{"rel": "next", "href": "/v2/topics?marker=t1"}]}');
    t.is((await api.get("/v2/queues")).text, '{"queues": [], "links": []}');
  });

  it("listing a topic's messages shows hrefs and the next link under /v2/topics", async (t, api) => {
    const ids = await post(api, "t", [{ ttl: 300, body: { n: 0 } }, { ttl: 300, body: { n: 1 } }, { ttl: 300, body: 2 }]);
    t.is((await api.get("/v2/topics/t/messages")).text, '{"messages": [], "links": []}', "echo is off by default");
    const res = await api.get("/v2/topics/t/messages?echo=true&limit=2");
    t.is(res.status, 200);
    const page = res.json();
    t.deepEqual(Object.keys(page), ["messages", "links"]);
    for (const [i, m] of page.messages.entries()) {
      t.deepEqual(Object.keys(m), ["id", "href", "ttl", "age", "body"]);
      t.like(m, { id: ids[i], href: `/v2/topics/t/messages/${ids[i]}`, ttl: 300, body: { n: i } });
    }
    t.is(page.links.length, 1);
    t.regex(page.links[0].href, /^\/v2\/topics\/t\/messages\?limit=2&echo=true&include_delayed=true&marker=[^&]+$/);
    const next = (await api.get(page.links[0].href)).json();
    t.deepEqual(next.messages.map((m: { id: string }) => m.id), [ids[2]]);
    const other = (await api.as(OTHER_CLIENT_ID).get("/v2/topics/t/messages")).json();
    t.deepEqual(other.messages.map((m: { id: string }) => m.id), ids, "another client sees them without echo");
  });

  it("GET of one topic message answers it", async (t, api) => {
    const [id] = await post(api, "t", [{ ttl: 120, body: { a: [1, "x"] } }]);
    const res = await api.get(`/v2/topics/t/messages/${id}`);
    t.is(res.status, 200);
    t.is(res.headers["content-type"], "application/json");
    const m = res.json();
    t.true(m.age >= 0 && m.age < 5);
    t.is(res.text, `{"id": "${id}", "href": "/v2/topics/t/messages/${id}", "ttl": 120, "age": ${m.age}, "body": {"a":[1,"x"]}}`);
  });

  it("GET ?ids= answers those topic messages in the order asked", async (t, api) => {
    const ids = await post(api, "t", [{ body: 1 }, { body: 2 }, { body: 3 }]);
    const res = await api.get(`/v2/topics/t/messages?ids=${ids[2]},nothere,${ids[0]}`);
    t.is(res.status, 200);
    const page = res.json();
    t.deepEqual(Object.keys(page), ["messages"]);
    t.deepEqual(page.messages.map((m: { href: string; body: number }) => [m.href, m.body]), [
      [`/v2/topics/t/messages/${ids[2]}`, 3],
      [`/v2/topics/t/messages/${ids[0]}`, 1],
    ]);
  });

  it("an unknown topic message answers 404 naming the topic and the project", async (t, api) => {
    await post(api, "t", [{ body: 1 }]);
    const one = await api.get("/v2/topics/t/messages/5c3e6f2f3fd5b34b0d1a1a1a");
    t.is(one.status, 404);
    t.like(one.headers, ERROR_HEADERS);
    t.is(one.text, error("Not found", `Message 5c3e6f2f3fd5b34b0d1a1a1a does not exist in topic t for project ${api.project}`));
    const some = await api.get("/v2/topics/t/messages?ids=a,b");
    t.is(some.status, 404);
    t.is(some.text, error("Not found", `No messages with IDs: ['a', 'b'] found in the topic t for project ${api.project}.`));
  });

  it("DELETE of a topic message answers 204 and removes it", async (t, api) => {
    const [a, b] = await post(api, "t", [{ body: 1 }, { body: 2 }]);
    const res = await api.delete(`/v2/topics/t/messages/${a}`);
    t.is(res.status, 204);
    t.is(res.text, "");
    t.is((await api.get(`/v2/topics/t/messages/${a}`)).status, 404);
    t.is((await api.delete(`/v2/topics/t/messages/${a}`)).status, 204, "deleting again is fine");
    t.is((await api.get("/v2/topics/t/stats")).json().messages.total, 1);
    t.is((await api.get(`/v2/topics/t/messages/${b}`)).status, 200);
  });

  it("DELETE ?ids= removes those topic messages: 204", async (t, api) => {
    const ids = await post(api, "t", [{ body: 1 }, { body: 2 }, { body: 3 }]);
    const res = await api.delete(`/v2/topics/t/messages?ids=${ids[0]},${ids[2]}`);
    t.is(res.status, 204);
    const left = (await api.get("/v2/topics/t/messages?echo=true")).json().messages;
    t.deepEqual(left.map((m: { id: string }) => m.id), [ids[1]]);
  });

  it("DELETE ?pop= pops the oldest topic messages: 200 with claim fields and no href", async (t, api) => {
    const ids = await post(api, "t", [{ ttl: 300, body: 1 }, { ttl: 300, body: 2 }, { ttl: 300, body: 3 }]);
    const res = await api.delete("/v2/topics/t/messages?pop=2");
    t.is(res.status, 200);
    const popped = res.json().messages;
    t.deepEqual(popped.map((m: { id: string }) => m.id), ids.slice(0, 2));
    for (const m of popped) t.deepEqual(Object.keys(m), ["id", "age", "ttl", "body", "claim_id", "claim_count"]);
    t.is((await api.get("/v2/topics/t/stats")).json().messages.total, 1);
  });

  it("a topic's own defaults apply to its messages", async (t, api) => {
    await api.put("/v2/topics/small", { _default_message_ttl: 120, _max_messages_post_size: 100 });
    const [id] = await post(api, "small", [{ body: 1 }]);
    t.is((await api.get(`/v2/topics/small/messages/${id}`)).json().ttl, 120);
    const big = await api.post("/v2/topics/small/messages", { messages: [{ body: "x".repeat(200) }] });
    t.is(big.status, 400);
    t.is(
      big.text,
      error("Invalid API request", "Message collection size is too large. The max size for current queue is 100. It is calculated by max size = min(max_messages_post_size_config: 262144, max_messages_post_size_queue: 100)."),
    );
  });

  const fails = test.macro({
    async exec(t, _what: string, send: (api: Api) => Promise<{ status: number; headers: Record<string, string>; text: string }>, status: number, body: string) {
      const res = await send(env.api());
      t.is(res.status, status);
      t.like(res.headers, ERROR_HEADERS);
      t.is(res.text, body);
    },
    title: (_ = "", what: string, _send: unknown, status: number) => `${store}: ${what} answers ${status}`,
  });
  const one = { messages: [{ body: 1 }] };
  test(fails, "POST messages to a bad topic name", (api) => api.post("/v2/topics/bad%20name!/messages", one), 400, INVALID_TOPIC);
  test(fails, "GET messages of a bad topic name", (api) => api.get(`/v2/topics/${"t".repeat(65)}/messages`), 400, INVALID_TOPIC);
  test(fails, "GET a message of a bad topic name", (api) => api.get("/v2/topics/bad!/messages/m"), 400, INVALID_TOPIC);
  test(fails, "DELETE a message of a bad topic name", (api) => api.delete("/v2/topics/bad!/messages/m"), 400, INVALID_TOPIC);
  test(fails, "DELETE messages of a bad topic name", (api) => api.delete("/v2/topics/bad!/messages?pop=1"), 400, INVALID_TOPIC);
  test(fails, "POST topic messages with ttl 59", (api) => api.post("/v2/topics/t/messages", { messages: [{ ttl: 59, body: 1 }] }), 400, error("Invalid API request", "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 seconds long."));
  test(fails, "POST topic messages without Client-ID", (api) => api.post("/v2/topics/t/messages", one, { "Client-ID": undefined }), 400, error("Missing header value", 'The "Client-ID" header is required.'));
  test(fails, "DELETE topic messages without ids or pop", (api) => api.delete("/v2/topics/t/messages"), 400, error("Invalid API request", 'The request should have either "ids" or "pop" parameter in the request, to be able to delete.'));

  // --- a topic and a queue of the same name ------------------------------------

  it("a topic and a queue of the same name are independent", async (t, api) => {
    t.is((await api.put("/v2/queues/same", { kind: "queue" })).status, 201);
    t.is((await api.put("/v2/topics/same", { kind: "topic" })).status, 201, "the queue does not make the topic exist");
    t.is((await api.get("/v2/queues/same")).json().kind, "queue");
    t.is((await api.get("/v2/topics/same")).json().kind, "topic");

    const queued = await api.postMessages("same", [{ body: "q1" }, { body: "q2" }]);
    const topical = await post(api, "same", [{ body: "t1" }]);
    t.deepEqual((await api.get("/v2/queues/same/messages?echo=true")).json().messages.map((m: { id: string }) => m.id), queued);
    t.deepEqual((await api.get("/v2/topics/same/messages?echo=true")).json().messages.map((m: { id: string }) => m.id), topical);
    t.is((await api.get(`/v2/topics/same/messages/${queued[0]}`)).status, 404, "a queue message is not a topic message");
    t.is((await api.get(`/v2/queues/same/messages/${topical[0]}`)).status, 404, "a topic message is not a queue message");
    t.is((await api.get("/v2/queues/same/stats")).json().messages.total, 2);
    t.is((await api.get("/v2/topics/same/stats")).json().messages.total, 1);
    t.deepEqual((await api.get("/v2/queues")).json().queues.map((q: { name: string }) => q.name), ["same"]);
    t.deepEqual((await api.get("/v2/topics")).json().topics.map((q: { name: string }) => q.name), ["same"]);

    t.is((await api.post("/v2/topics/same/purge")).status, 204);
    t.is((await api.get("/v2/queues/same/stats")).json().messages.total, 2, "purging the topic keeps the queue's messages");
    t.is((await api.delete("/v2/topics/same")).status, 204);
    t.is((await api.get("/v2/queues/same")).json().kind, "queue", "deleting the topic keeps the queue");
    t.deepEqual((await api.get("/v2/queues")).json().queues.map((q: { name: string }) => q.name), ["same"]);
    t.is((await api.get("/v2/topics")).text, '{"topics": [], "links": []}');
  });

  it("topics of one project are invisible to another", async (t, api) => {
    await post(api, "t", [{ body: 1 }]);
    const stranger = env.api();
    t.is((await stranger.get("/v2/topics")).text, '{"topics": [], "links": []}');
    t.is((await stranger.get("/v2/topics/t/stats")).text, '{"messages": {"total": 0}}');
  });
}
