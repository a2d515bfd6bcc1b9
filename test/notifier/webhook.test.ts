import { createServer as createNetServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import test from "ava";
import { createWebhookSender, MAX_REDIRECTS, type WebhookSenderOptions } from "../../notifier/src/tasks/webhook.ts";
import { freePort } from "../helpers/free-port.ts";
import { startWebhookReceiver, type Responder } from "../helpers/webhook-receiver.ts";

const JSON_HEADERS = { "Content-Type": "application/json" };
const body = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));

async function setup(t: { teardown(fn: () => unknown): void }, respond?: Responder, options: Partial<WebhookSenderOptions> = {}) {
  const hook = await startWebhookReceiver(respond);
  const sender = createWebhookSender({ timeoutMs: 2000, allowCrossHostRedirects: false, ...options });
  t.teardown(async () => {
    sender.close();
    await hook.close();
  });
  return { hook, sender };
}

test("a webhook is one POST with exactly the job's body bytes and headers", async (t) => {
  const { hook, sender } = await setup(t);
  const payload = '{"ttl": 3600, "body": {"event": "BackupStarted", "emoji": "\u00e9\u2713"}, "Message_Type": "Notification", "queue_name": "orders"}';
  const outcome = await sender.send({
    url: hook.url("/hooks/orders?token=abc"),
    headers: { "Content-Type": "application/json", "X-Secret": "s3", "X-Empty": "" },
    body: body(payload),
  });
  t.deepEqual(outcome, { delivered: true, detail: "HTTP 200" });
  t.is(hook.requests.length, 1);
  const [req] = hook.requests;
  t.is(req!.method, "POST");
  t.is(req!.url, "/hooks/orders?token=abc");
  t.deepEqual(req!.rawHeaders, [
    ["Content-Type", "application/json"],
    ["X-Secret", "s3"],
    ["X-Empty", ""],
    ["User-Agent", "zaqar-ts-notifier"],
    ["Content-Length", String(Buffer.byteLength(payload))],
    ["Host", `127.0.0.1:${hook.port}`],
    ["Connection", "keep-alive"],
  ]);
  t.true(req!.body.equals(Buffer.from(payload, "utf8")));
});

test("a User-Agent among the job's headers replaces the notifier's", async (t) => {
  const { hook, sender } = await setup(t);
  await sender.send({ url: hook.url(), headers: { "user-agent": "custom/1" }, body: body("{}") });
  t.is(hook.requests[0]!.headers["user-agent"], "custom/1");
  t.is(hook.requests[0]!.rawHeaders.filter(([n]) => n.toLowerCase() === "user-agent").length, 1);
});

for (const status of [200, 201, 202, 204, 299, 300, 304, 399]) {
  test(`a final HTTP ${status} counts as delivered`, async (t) => {
    const { hook, sender } = await setup(t, () => status);
    t.deepEqual(await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") }), { delivered: true, detail: `HTTP ${status}` });
  });
}

for (const status of [400, 404, 410, 429, 500, 502, 503]) {
  test(`a final HTTP ${status} is a failure worth retrying`, async (t) => {
    const { hook, sender } = await setup(t, () => status);
    t.deepEqual(await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") }), { delivered: false, retry: true, detail: `HTTP ${status}` });
  });
}

test("a refused connection is a failure worth retrying", async (t) => {
  const sender = createWebhookSender({ timeoutMs: 2000, allowCrossHostRedirects: false });
  t.teardown(() => sender.close());
  const port = await freePort();
  const outcome = await sender.send({ url: `http://127.0.0.1:${port}/`, headers: JSON_HEADERS, body: body("{}") });
  t.false(outcome.delivered);
  t.true(!outcome.delivered && outcome.retry);
  t.regex(outcome.detail, /ECONNREFUSED/);
});

test("a receiver that accepts but never answers times out after the configured time and is retried", async (t) => {
  const sockets = new Set<Socket>();
  const silent = createNetServer((s) => {
    sockets.add(s);
    s.on("data", () => undefined);
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const sender = createWebhookSender({ timeoutMs: 300, allowCrossHostRedirects: false });
  t.teardown(() => sender.close());
  const started = performance.now();
  const outcome = await sender.send({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, headers: JSON_HEADERS, body: body("{}") });
  const took = performance.now() - started;
  t.deepEqual(outcome, { delivered: false, retry: true, detail: "timed out after 300 ms" });
  t.true(took >= 290 && took < 1500, `took ${took} ms`);
});

test("a receiver that answers slower than the timeout is a timeout too", async (t) => {
  const { hook, sender } = await setup(t, (_req, res) => void setTimeout(() => res.writeHead(200).end(), 800), { timeoutMs: 200 });
  const outcome = await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") });
  t.deepEqual(outcome, { delivered: false, retry: true, detail: "timed out after 200 ms" });
});

test("a header the job cannot send is a failure retrying cannot fix, and nothing is sent", async (t) => {
  const { hook, sender } = await setup(t);
  const outcome = await sender.send({ url: hook.url(), headers: { "X-Bad": "line\r\nInjected: 1" }, body: body("{}") });
  t.false(outcome.delivered);
  t.true(!outcome.delivered && !outcome.retry, outcome.detail);
  await new Promise((r) => setTimeout(r, 50));
  t.is(hook.requests.length, 0);
});

test("an invalid or non-HTTP URL is a failure retrying cannot fix", async (t) => {
  const sender = createWebhookSender({ timeoutMs: 500, allowCrossHostRedirects: false });
  t.teardown(() => sender.close());
  t.deepEqual(await sender.send({ url: "not a url", headers: {}, body: body("") }), { delivered: false, retry: false, detail: "invalid webhook URL" });
  t.deepEqual(await sender.send({ url: "ftp://127.0.0.1/x", headers: {}, body: body("") }), { delivered: false, retry: false, detail: "unsupported scheme ftp:" });
});

test("a 307 or 308 redirect on the same host repeats the POST with its body and headers", async (t) => {
  for (const status of [307, 308]) {
    const { hook, sender } = await setup(t, (req, res) => {
      if (req.url !== "/old") return 200;
      res.writeHead(status, { Location: "/new?x=1" }).end();
      return undefined;
    });
    const outcome = await sender.send({ url: hook.url("/old"), headers: { ...JSON_HEADERS, "X-Secret": "s3" }, body: body('{"a": 1}') });
    t.deepEqual(outcome, { delivered: true, detail: "HTTP 200" });
    t.deepEqual(hook.requests.map((r) => [r.method, r.url, r.body.toString(), r.headers["x-secret"], r.headers["content-type"]]), [
      ["POST", "/old", '{"a": 1}', "s3", "application/json"],
      ["POST", "/new?x=1", '{"a": 1}', "s3", "application/json"],
    ]);
  }
});

test("a 301, 302 or 303 redirect on the same host continues as a GET without body", async (t) => {
  for (const status of [301, 302, 303]) {
    const { hook, sender } = await setup(t, (req, res) => {
      if (req.url !== "/old") return 204;
      res.writeHead(status, { Location: hook.url("/new") }).end();
      return undefined;
    });
    const outcome = await sender.send({ url: hook.url("/old"), headers: JSON_HEADERS, body: body('{"a": 1}') });
    t.deepEqual(outcome, { delivered: true, detail: "HTTP 204" });
    const second = hook.requests[1]!;
    t.deepEqual([second.method, second.url, second.body.length, second.headers["content-type"], second.headers["content-length"]], ["GET", "/new", 0, undefined, undefined]);
  }
});

test("a redirect to another host is refused by default, and the other host receives nothing", async (t) => {
  const other = await startWebhookReceiver();
  t.teardown(() => other.close());
  const { hook, sender } = await setup(t, (_req, res) => void res.writeHead(307, { Location: other.url("/elsewhere") }).end());
  const outcome = await sender.send({ url: hook.url("/old"), headers: JSON_HEADERS, body: body("{}") });
  t.deepEqual(outcome, { delivered: false, retry: false, detail: `HTTP 307 redirect to another host (127.0.0.1:${other.port}) refused` });
  await new Promise((r) => setTimeout(r, 50));
  t.is(hook.requests.length, 1);
  t.is(other.requests.length, 0);
});

test("a redirect to the same hostname on another port counts as another host", async (t) => {
  const { hook, sender } = await setup(t, (_req, res) => void res.writeHead(302, { Location: `http://127.0.0.1:${hook.port + 1}/x` }).end());
  const outcome = await sender.send({ url: hook.url("/old"), headers: JSON_HEADERS, body: body("{}") });
  t.false(outcome.delivered);
  t.regex(outcome.detail, /another host/);
});

test("with cross-host redirects allowed the other host gets the POST without credential headers", async (t) => {
  const other = await startWebhookReceiver();
  t.teardown(() => other.close());
  const { hook, sender } = await setup(t, (_req, res) => void res.writeHead(308, { Location: other.url("/elsewhere") }).end(), { allowCrossHostRedirects: true });
  const headers = { ...JSON_HEADERS, Authorization: "Bearer x", "X-Auth-Token": "t", Cookie: "c=1", "X-Custom": "kept" };
  const outcome = await sender.send({ url: hook.url("/old"), headers, body: body('{"a": 1}') });
  t.deepEqual(outcome, { delivered: true, detail: "HTTP 200" });
  const [req] = await other.waitFor(1);
  t.is(req!.method, "POST");
  t.is(req!.body.toString(), '{"a": 1}');
  t.is(req!.headers["x-custom"], "kept");
  t.is(req!.headers.host, `127.0.0.1:${other.port}`);
  for (const name of ["authorization", "x-auth-token", "cookie"]) t.is(req!.headers[name], undefined, name);
  t.is(hook.requests[0]!.headers.authorization, "Bearer x");
});

test("a redirect loop ends after the redirect limit as a failure retrying cannot fix", async (t) => {
  const { hook, sender } = await setup(t, (req, res) => void res.writeHead(307, { Location: req.url === "/a" ? "/b" : "/a" }).end());
  const outcome = await sender.send({ url: hook.url("/a"), headers: JSON_HEADERS, body: body("{}") });
  t.deepEqual(outcome, { delivered: false, retry: false, detail: `more than ${MAX_REDIRECTS} redirects` });
  t.is(hook.requests.length, MAX_REDIRECTS + 1);
});

test("a redirect without Location is a final 3xx status, so delivered", async (t) => {
  const { hook, sender } = await setup(t, () => 302);
  t.deepEqual(await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") }), { delivered: true, detail: "HTTP 302" });
});

test("keep-alive sockets are reused across deliveries to one receiver", async (t) => {
  const ports = new Set<number>();
  const { hook, sender } = await setup(t, (_req, res) => {
    ports.add(res.socket!.remotePort!);
    return 200;
  });
  for (let i = 0; i < 5; i++) await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") });
  t.is(hook.requests.length, 5);
  t.is(ports.size, 1);
});

test("a receiver that closes idle keep-alive sockets does not cost an attempt", async (t) => {
  const { hook, sender } = await setup(t, (_req, res) => {
    // Answer, then close the socket right after, as a server with a tiny keep-alive timeout does.
    res.writeHead(200, { Connection: "keep-alive" }).end();
    setTimeout(() => res.socket?.destroy(), 5);
  });
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 20));
    t.deepEqual(await sender.send({ url: hook.url(), headers: JSON_HEADERS, body: body("{}") }), { delivered: true, detail: "HTTP 200" });
  }
  t.is(hook.requests.length, 5);
});
