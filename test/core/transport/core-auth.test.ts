/**
 * ZAQAR_CORE_SECRET on the core: every call on both ports — unary, batch
 * streams, push streams, the notifier's service, health — needs
 * `authorization: Bearer <secret>`; without it, or with any other value, the
 * call ends UNAUTHENTICATED before it runs. Without the setting nothing is asked.
 */
import { randomUUID } from "node:crypto";
import * as http2 from "node:http2";
import { Code } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import anyTest, { type TestFn } from "ava";
import { pino } from "pino";
import { createRestEdge } from "../../../edge-rest/src/app.ts";
import { readRestEdgeConfig } from "../../../edge-rest/src/config.ts";
import { createSecretCheck } from "../../../core/src/transport/core-auth.ts";
import { BatchService, NotificationService, PushService, operationServices } from "../../../core/src/transport/services.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { connectProbe, grpcProbe, probeAll, type ConnectProtocol, type Probe } from "./auth-probes.ts";
import { CLIENT_B, collect, post, sleep, watch } from "../service/push-client.ts";

const test = anyTest as TestFn<{ core: TestCore }>;

const SECRET = `s3cret-${randomUUID()}`;
const RIGHT = `Bearer ${SECRET}`;
/** Wrong values: same length as the right one (last character changed), other lengths, another scheme, empty. */
const WRONG: ReadonlyArray<readonly [string, string]> = [
  ["a wrong secret of the same length", `Bearer ${SECRET.slice(0, -1)}${SECRET.endsWith("x") ? "y" : "x"}`],
  ["a shorter secret", `Bearer ${SECRET.slice(0, 8)}`],
  ["a longer secret", `Bearer ${SECRET}${SECRET}`],
  ["the secret without the Bearer scheme", SECRET],
  ["the secret as Basic credentials", `Basic ${SECRET}`],
  ["an empty Bearer token", "Bearer "],
];
const UNAUTHENTICATED = { unary: 16, batchStream: 16, watch: 16, lease: 16 };
const ALL_OK = { unary: "ok", batchStream: "ok", watch: "ok", lease: "ok" };

test.before(async (t) => {
  t.context.core = await startCore({ env: { ZAQAR_CORE_SECRET: SECRET } });
  t.is(grpc.status.UNAUTHENTICATED, Code.Unauthenticated as number);
});
test.after.always(async (t) => t.context.core.close());

test("the secret check accepts exactly Bearer <secret>, any scheme case, and says why it refuses", (t) => {
  const check = createSecretCheck(SECRET);
  t.is(check(RIGHT), null);
  t.is(check(`BEARER ${SECRET}`), null);
  t.is(check(`Bearer  ${SECRET}`), null);
  t.is(check(undefined), "core credentials required: send authorization: Bearer <ZAQAR_CORE_SECRET>");
  t.is(check(""), "core credentials required: send authorization: Bearer <ZAQAR_CORE_SECRET>");
  for (const [what, value] of WRONG) t.is(check(value), "core credentials rejected", what);
  t.is(check(`${RIGHT} `), "core credentials rejected");
  t.is(check(`Bearer ${SECRET}\u0000`), "core credentials rejected");
});

function using(t: { teardown(fn: () => void): void }, probe: Probe): Probe {
  t.teardown(() => probe.close());
  return probe;
}

test("grpc port: a call without the secret is refused UNAUTHENTICATED, streams and the notifier's service too", async (t) => {
  const probe = using(t, grpcProbe(t.context.core.grpcAddress));
  t.deepEqual(await probeAll(probe), UNAUTHENTICATED);
});

for (const [what, authorization] of WRONG) {
  test(`grpc port: a call with ${what} is refused UNAUTHENTICATED`, async (t) => {
    const probe = using(t, grpcProbe(t.context.core.grpcAddress, { authorization }));
    t.deepEqual(await probeAll(probe), UNAUTHENTICATED);
  });
}

test("grpc port: calls with the secret work", async (t) => {
  const probe = using(t, grpcProbe(t.context.core.grpcAddress, { authorization: RIGHT }));
  t.deepEqual(await probeAll(probe), ALL_OK);
  // The scheme is case-insensitive (RFC 9110); the token is not.
  t.is(await using(t, grpcProbe(t.context.core.grpcAddress, { authorization: `bearer ${SECRET}` })).unary(), "ok");
  t.is(await using(t, grpcProbe(t.context.core.grpcAddress, { authorization: `Bearer ${SECRET.toUpperCase()}` })).unary(), 16);
});

test("grpc port: the refusal names no secret and says how to authenticate", async (t) => {
  const client = new grpc.Client(t.context.core.grpcAddress, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const err = await new Promise<grpc.ServiceError>((resolve) =>
    client.makeUnaryRequest("/zaqar.v1.HealthService/Ping", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new grpc.Metadata(), (e) =>
      resolve(e as grpc.ServiceError),
    ),
  );
  t.is(err.code, grpc.status.UNAUTHENTICATED);
  t.is(err.details, "core credentials required: send authorization: Bearer <ZAQAR_CORE_SECRET>");
  const wrong = new grpc.Metadata();
  wrong.set("authorization", `Bearer nope-${randomUUID()}`);
  const err2 = await new Promise<grpc.ServiceError>((resolve) =>
    client.makeUnaryRequest("/zaqar.v1.HealthService/Ping", (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), wrong, (e) =>
      resolve(e as grpc.ServiceError),
    ),
  );
  t.is(err2.details, "core credentials rejected");
  t.false(err2.details.includes(SECRET));
});

test("grpc port: a refused caller's request message is never read", async (t) => {
  const client = new grpc.Client(t.context.core.grpcAddress, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  // Garbage bytes: a handler reading them would answer INTERNAL or INVALID_ARGUMENT, not UNAUTHENTICATED.
  const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
  const code = await new Promise<number>((resolve) =>
    client.makeUnaryRequest("/zaqar.v1.MessageService/PostMessages", (b: Buffer) => b, (b: Buffer) => b, garbage, new grpc.Metadata(), (e) =>
      resolve(e?.code ?? 0),
    ),
  );
  t.is(code, grpc.status.UNAUTHENTICATED);
});

/** Every method the core serves, as its HTTP/2 path and kind. */
const everyMethod = [...operationServices, BatchService, NotificationService, PushService].flatMap((service) =>
  service.methods.map((m) => ({ path: `/${service.typeName}/${m.name}`, kind: m.methodKind })),
);

test("every method of every service the core serves is refused without the secret, on both ports", async (t) => {
  t.true(everyMethod.length > 40);
  const client = new grpc.Client(t.context.core.grpcAddress, grpc.credentials.createInsecure());
  t.teardown(() => client.close());
  const raw = (b: Buffer) => b;
  const codes = await Promise.all(
    everyMethod.map(
      ({ path, kind }) =>
        new Promise<[string, number]>((resolve) => {
          const md = new grpc.Metadata();
          if (kind === "unary") {
            client.makeUnaryRequest(path, raw, raw, Buffer.alloc(0), md, (err) => resolve([path, err?.code ?? 0]));
            return;
          }
          const call =
            kind === "server_streaming"
              ? client.makeServerStreamRequest(path, raw, raw, Buffer.alloc(0), md)
              : client.makeBidiStreamRequest(path, raw, raw, md);
          call.on("error", (err: grpc.ServiceError) => resolve([path, err.code]));
          call.on("data", () => resolve([path, 0]));
        }),
    ),
  );
  t.deepEqual(codes.filter(([, code]) => code !== grpc.status.UNAUTHENTICATED), []);

  // The Connect port, in the gRPC protocol: every path answers grpc-status 16 before any handler runs.
  const session = http2.connect(t.context.core.connectUrl);
  t.teardown(() => session.destroy());
  const statuses = await Promise.all(
    everyMethod.map(
      ({ path }) =>
        new Promise<[string, string]>((resolve) => {
          const req = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
          req.on("response", (headers) => resolve([path, String(headers["grpc-status"])]));
          req.on("error", () => resolve([path, "error"]));
          req.end();
        }),
    ),
  );
  t.deepEqual(statuses.filter(([, status]) => status !== "16"), []);
});

const PROTOCOLS: readonly ConnectProtocol[] = ["grpc", "connect", "grpc-web"];

for (const protocol of PROTOCOLS) {
  test(`connect port (${protocol}): calls without the secret or with a wrong one are refused Unauthenticated`, async (t) => {
    const none = using(t, connectProbe(t.context.core.connectUrl, protocol));
    t.deepEqual(await probeAll(none), UNAUTHENTICATED);
    for (const [what, authorization] of WRONG) {
      const probe = using(t, connectProbe(t.context.core.connectUrl, protocol, { authorization }));
      t.deepEqual(await probeAll(probe), UNAUTHENTICATED, what);
    }
  });

  test(`connect port (${protocol}): calls with the secret work`, async (t) => {
    const probe = using(t, connectProbe(t.context.core.connectUrl, protocol, { authorization: RIGHT }));
    t.deepEqual(await probeAll(probe), ALL_OK);
  });
}

/** One raw HTTP/2 request to the Connect port that sends `first` and never ends its body; answers what came back. */
async function unfinished(
  baseUrl: string,
  path: string,
  headers: http2.OutgoingHttpHeaders,
  first: Buffer,
  waitMs = 5000,
): Promise<{ headers: http2.IncomingHttpHeaders; body: Buffer }> {
  const session = http2.connect(baseUrl);
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ":method": "POST", ":path": path, ...headers });
      req.on("error", reject);
      req.write(first); // and no end(): a server that waits for the whole body never answers
      let head: http2.IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      req.on("response", (h) => (head = h));
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve({ headers: head, body: Buffer.concat(chunks) }));
      setTimeout(() => reject(new Error(`no answer within ${waitMs} ms`)), waitMs).unref();
    });
  } finally {
    session.destroy();
  }
}

test("connect port: a refusal answers each protocol in its own encoding, without reading the request body", async (t) => {
  const url = t.context.core.connectUrl;
  const big = Buffer.alloc(1 << 20, 0xff);
  const connectUnary = await unfinished(url, "/zaqar.v1.HealthService/Ping", { "content-type": "application/proto" }, big);
  t.is(Number(connectUnary.headers[":status"]), 401);
  t.deepEqual(JSON.parse(connectUnary.body.toString()), {
    code: "unauthenticated",
    message: "core credentials required: send authorization: Bearer <ZAQAR_CORE_SECRET>",
  });
  const grpcUnary = await unfinished(url, "/zaqar.v1.HealthService/Ping", { "content-type": "application/grpc", te: "trailers", authorization: "Bearer x" }, big);
  t.is(Number(grpcUnary.headers[":status"]), 200);
  t.is(grpcUnary.headers["grpc-status"], "16");
  t.is(grpcUnary.headers["grpc-message"], "core%20credentials%20rejected");
  t.is(grpcUnary.body.length, 0);
  const webUnary = await unfinished(url, "/zaqar.v1.HealthService/Ping", { "content-type": "application/grpc-web+proto" }, big);
  t.is(webUnary.headers["grpc-status"], "16");
  t.is(webUnary.headers["content-type"], "application/grpc-web+proto");
  const connectStream = await unfinished(url, "/zaqar.v1.PushService/WatchMessages", { "content-type": "application/connect+proto" }, big);
  t.is(Number(connectStream.headers[":status"]), 200);
  t.is(connectStream.body[0], 0x02, "an end-stream frame");
  t.deepEqual(JSON.parse(connectStream.body.subarray(5).toString()).error.code, "unauthenticated");
  // The control: an authenticated unary call is read whole before it runs, so it gets no answer.
  await t.throwsAsync(
    unfinished(url, "/zaqar.v1.HealthService/Ping", { "content-type": "application/proto", authorization: RIGHT }, big, 1000),
    { message: "no answer within 1000 ms" },
  );
});

test("a paused watch of an authenticated caller still does not hold the core's shutdown up", async (t) => {
  // The interceptor wraps grpc-js's call: shutdown must still find and reset the stuck stream.
  const core = await startCore({ env: { ZAQAR_CORE_SECRET: SECRET } });
  let closed = false;
  const client = new grpc.Client(core.grpcAddress, grpc.credentials.createInsecure(), {
    interceptors: [
      (options, next) =>
        new grpc.InterceptingCall(next(options), {
          start(md, listener, go) {
            md.set("authorization", RIGHT);
            go(md, listener);
          },
        }),
    ],
  });
  t.teardown(async () => {
    client.close();
    if (!closed) await core.close();
  });
  const project = `p-${randomUUID()}`;
  const stuck = watch(client, project, { queue: "busy", start: 1 });
  const busy = collect(stuck);
  await busy.ready;
  stuck.pause();
  const pad = "y".repeat(1000);
  for (let i = 0; i < 40; i++) await post(client, project, "busy", Array.from({ length: 50 }, () => ({ pad })), { clientId: CLIENT_B });
  await sleep(200);
  const started = Date.now();
  closed = true;
  await core.close();
  t.true(Date.now() - started < 3000, `close took ${Date.now() - started} ms`);
  t.is((await busy.ended)?.code, grpc.status.CANCELLED);
});

test("a REST edge configured with the secret serves requests; with another secret it answers 503", async (t) => {
  const edgeWith = async (secret: string) => {
    const config = readRestEdgeConfig({ ZAQAR_REST_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: t.context.core.grpcAddress, ZAQAR_CORE_SECRET: secret });
    const edge = createRestEdge(config, { log: pino({ level: "silent" }) });
    t.teardown(() => edge.close());
    const { port } = await edge.listen();
    const headers = { "Client-ID": randomUUID(), "X-Project-ID": `p-${randomUUID()}`, "content-type": "application/json" };
    return (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  };
  const rest = await edgeWith(SECRET);
  t.is((await rest("POST", "/v2/queues/guarded/messages", { messages: [{ body: 1 }] })).status, 201);
  const listed = await rest("GET", "/v2/queues/guarded/messages?echo=true");
  t.deepEqual(((await listed.json()) as { messages: Array<{ body: unknown }> }).messages.map((m) => m.body), [1]);

  const wrong = await edgeWith(`${SECRET}-old`);
  const refused = await wrong("POST", "/v2/queues/guarded/messages", { messages: [{ body: 1 }] });
  t.is(refused.status, 503);
  t.is(((await refused.json()) as { title: string }).title, "Service temporarily unavailable");
});

test("without ZAQAR_CORE_SECRET the core asks for nothing, and ignores an authorization sent anyway", async (t) => {
  const open = await startCore();
  t.teardown(() => open.close());
  t.deepEqual(await probeAll(using(t, grpcProbe(open.grpcAddress))), ALL_OK);
  t.deepEqual(await probeAll(using(t, grpcProbe(open.grpcAddress, { authorization: "Bearer whatever" }))), ALL_OK);
  t.deepEqual(await probeAll(using(t, connectProbe(open.connectUrl, "grpc"))), ALL_OK);
});
