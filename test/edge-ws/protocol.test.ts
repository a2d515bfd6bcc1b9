/**
 * The generic part of the WebSocket protocol (websocket.md §1–3): framing,
 * the request echo, and every error the edge answers before any action runs,
 * with the connection surviving each of them.
 */
import test from "ava";
import { echo, useWsEdge, CLIENT_ID } from "./harness.ts";

const env = useWsEdge(test);
const NULL_ECHO = { action: null, body: {}, headers: {}, api: "v2" };

test("a text frame that is not JSON is answered 400 with the decode error and a null echo", async (t) => {
  const c = await env.client();
  c.send("hello");
  const f = await c.next();
  t.false(f.binary);
  t.deepEqual(f.value, {
    request: NULL_ECHO,
    body: { error: "Can't decode text (JSON) request. JSONDecodeError: Expecting value: line 1 column 1 (char 0)" },
    headers: { status: 400 },
  });
  const { headers } = env.project();
  t.is((await c.ask({ action: "queue_list", headers })).headers.status, 200, "the connection survives");
});

test("a binary frame that is not MessagePack is answered 400 in a binary frame", async (t) => {
  const c = await env.client();
  c.sendBinary(Buffer.from([0xc1]));
  const f = await c.next();
  t.true(f.binary);
  t.deepEqual(f.value, {
    request: NULL_ECHO,
    body: { error: "Can't decode binary (MessagePack) request. FormatError: " },
    headers: { status: 400 },
  });
});

for (const value of ["123", "[1,2]", '"x"', "null"]) {
  test(`a decoded ${value} (not an object) is answered "Unexpected body type"`, async (t) => {
    const c = await env.client();
    t.deepEqual(await c.ask(value), {
      request: NULL_ECHO,
      body: { error: "Unexpected body type. Expected dict or dict like." },
      headers: { status: 400 },
    });
  });
}

test("an unknown action is answered 400 with the request echoed", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const frame = { action: "queue_glorify", headers, body: { queue_name: "q" } };
  t.deepEqual(await c.ask(frame), { request: echo(frame), body: { error: "queue_glorify is not a valid action" }, headers: { status: 400 } });
});

test("a missing or null action is answered 'None is not a valid action'", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const missing = { headers };
  t.deepEqual(await c.ask(missing), { request: echo(missing), body: { error: "None is not a valid action" }, headers: { status: 400 } });
  const nul = { action: null, headers, body: {} };
  t.deepEqual(await c.ask(nul), { request: echo(nul), body: { error: "None is not a valid action" }, headers: { status: 400 } });
});

for (const action of ["subscription_update", "queue_update", "get_home_doc", "ping_node", "pool_list"]) {
  test(`${action}, which has no WebSocket handler, is not a valid action`, async (t) => {
    const c = await env.client();
    const { headers } = env.project();
    const frame = { action, headers, body: { queue_name: "q", pool_name: "p" } };
    t.deepEqual(await c.ask(frame), { request: echo(frame), body: { error: `${action} is not a valid action` }, headers: { status: 400 } });
  });
}

const SCHEMA_FAILURES: Array<[string, Record<string, unknown>]> = [
  ["missing headers", { action: "queue_list" }],
  ["missing Client-ID", { action: "queue_list", headers: { "X-Project-ID": "p" } }],
  ["missing X-Project-ID", { action: "queue_list", headers: { "Client-ID": CLIENT_ID } }],
  ["a non-string header value", { action: "queue_list", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": 7 } }],
  ["missing body", { action: "queue_get", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": "p" } }],
  ["a missing required body field", { action: "message_post", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": "p" }, body: { queue_name: "q" } }],
  ["a wrong field type", { action: "queue_list", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": "p" }, body: { limit: "5" } }],
  ["a body that is not an object", { action: "queue_create", headers: { "Client-ID": CLIENT_ID, "X-Project-ID": "p" }, body: [] }],
];
for (const [what, frame] of SCHEMA_FAILURES) {
  test(`${what} is answered "Schema validation failed."`, async (t) => {
    const c = await env.client();
    t.deepEqual(await c.ask(frame), { request: echo(frame), body: { error: "Schema validation failed." }, headers: { status: 400 } });
  });
}

test("a binary request is answered in a binary frame with the same structure", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const frame = { action: "queue_create", headers, body: { queue_name: "bin" } };
  c.sendBinary(frame);
  const f = await c.next();
  t.true(f.binary);
  t.deepEqual(f.value, { request: echo(frame), body: "Queue bin created.", headers: { status: 201 } });
});

test("authenticate is answered 200 'Authentified.' with a synthetic echo (no-auth mode)", async (t) => {
  const c = await env.client();
  const frame = { action: "authenticate", headers: { "X-Auth-Token": "tok", "X-Project-ID": "p" } };
  t.deepEqual(await c.ask(frame), {
    request: { action: "authenticate", body: {}, headers: {}, api: "v2" },
    body: { message: "Authentified." },
    headers: { status: 200 },
  });
  const bad = { action: "authenticate", headers: { "X-Project-ID": "p" } };
  t.deepEqual(await c.ask(bad), { request: echo(bad), body: { error: "Schema validation failed." }, headers: { status: 400 } });
});

test("answers come back in request order even when later requests finish first", async (t) => {
  const c = await env.client();
  const { headers } = env.project();
  const frames = [];
  for (let i = 0; i < 30; i++) {
    frames.push(i % 3 === 0 ? "not json" : { action: "queue_create", headers, body: { queue_name: `q${i}` } });
  }
  for (const f of frames) c.send(f);
  for (let i = 0; i < frames.length; i++) {
    const v = (await c.next()).value;
    if (i % 3 === 0) t.is(v.headers.status, 400);
    else t.is(v.body, `Queue q${i} created.`);
  }
});

test("any URL path is accepted", async (t) => {
  const { connect } = await import("./harness.ts");
  const c = await connect(`${env.url()}some/path?x=1`);
  const { headers } = env.project();
  t.is((await c.ask({ action: "queue_list", headers })).headers.status, 200);
  c.close();
});
