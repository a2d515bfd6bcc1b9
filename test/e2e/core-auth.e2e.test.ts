/**
 * The whole service as `npm start` runs it (same process table and
 * supervisor, every process a child), with callers of the core authenticated:
 * the settings reach every process through the environment, and the real REST
 * edge, WebSocket edge and notifier all reach the core — a REST post is
 * listed, pushed to a WebSocket watch and delivered to a webhook — while a
 * caller without the credentials is refused.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as grpc from "@grpc/grpc-js";
import anyTest, { type ExecutionContext, type TestFn } from "ava";
import { grpcProbe, type GrpcProbeOptions, type Probe, type Verdict } from "../core/transport/auth-probes.ts";
import { connect as wsConnect } from "../edge-ws/harness.ts";
import { makeTestPki, type TestPki } from "../helpers/certs.ts";
import { startWebhookReceiver } from "../helpers/webhook-receiver.ts";
import { restCaller } from "./support/rest.ts";
import { startStack, type Stack } from "./support/stack.ts";

const test = anyTest as TestFn<{ pki: TestPki }>;

test.before((t) => {
  t.context.pki = makeTestPki();
});
test.after.always((t) => t.context.pki?.remove());

/** One probe call from a fresh client, closed after. */
async function once(address: string, options: GrpcProbeOptions, kind: keyof Omit<Probe, "close">): Promise<Verdict> {
  const probe = grpcProbe(address, options);
  try {
    return await probe[kind]();
  } finally {
    probe.close();
  }
}

const endpoint = (stack: Stack, label: string): string => {
  const found = stack.processes.flatMap((p) => p.endpoints).find((e) => e.label === label);
  if (!found) throw new Error(`no ${label} endpoint`);
  return found.address;
};

/** A REST post that the REST edge lists, the WebSocket edge pushes to a watch and the notifier delivers to a webhook. */
async function roundTrip(t: ExecutionContext, stack: Stack): Promise<void> {
  const hook = await startWebhookReceiver();
  t.teardown(() => hook.close());
  const project = `p-${randomUUID()}`;
  const rest = restCaller(stack.restUrl, project);
  t.is((await rest("PUT", "/v2/queues/guarded")).status, 201);
  t.is((await rest("POST", "/v2/queues/guarded/subscriptions", { subscriber: hook.url("/hook"), ttl: 3600, options: {} })).status, 201);

  const ws = await wsConnect(endpoint(stack, "WebSocket API"));
  t.teardown(() => ws.close());
  const headers = { "Client-ID": randomUUID(), "X-Project-ID": project };
  const watching = await ws.ask({ action: "message_watch", headers, body: { queue_name: "guarded", start: "now" } });
  t.is(watching.headers.status, 200);

  const posted = await rest("POST", "/v2/queues/guarded/messages", { messages: [{ body: { secret: "kept" }, ttl: 300 }] });
  t.is(posted.status, 201);
  const listed = await rest("GET", "/v2/queues/guarded/messages?echo=true");
  t.deepEqual(listed.body.messages.map((m: { body: unknown }) => m.body), [{ secret: "kept" }]);

  const pushed = (await ws.next()).value;
  t.is(pushed.action, "message_watch");
  t.deepEqual(pushed.body.messages.map((m: { body: unknown }) => m.body), [{ secret: "kept" }]);

  const [delivery] = await hook.waitFor(1, 15_000);
  t.deepEqual(JSON.parse(delivery!.body.toString()).body, { secret: "kept" });
}

test("with ZAQAR_CORE_SECRET the service works end to end and the core refuses callers without it", async (t) => {
  const secret = `e2e-${randomUUID()}`;
  const stack = await startStack({ ZAQAR_CORE_SECRET: secret });
  t.teardown(() => void stack.stop());
  await roundTrip(t, stack);

  const core = endpoint(stack, "core gRPC");
  t.is(await once(core, {}, "unary"), grpc.status.UNAUTHENTICATED);
  t.is(await once(core, { authorization: "Bearer not-the-secret" }, "watch"), grpc.status.UNAUTHENTICATED);
  t.is(await once(core, { authorization: `Bearer ${secret}` }, "lease"), "ok");
  t.is(await stack.stop(), 0, stack.output());
});

test("with mutual TLS and the secret the service works end to end and the core refuses callers without a certificate", async (t) => {
  const { pki } = t.context;
  const secret = `e2e-${randomUUID()}`;
  // One certificate for every process: the core's, valid for serving and for calling (serverAuth, clientAuth).
  const stack = await startStack({
    ZAQAR_CORE_SECRET: secret,
    ZAQAR_CORE_TLS_CERT: pki.core.cert,
    ZAQAR_CORE_TLS_KEY: pki.core.key,
    ZAQAR_CORE_TLS_CA: pki.ca,
  });
  t.teardown(() => void stack.stop());
  t.regex(endpoint(stack, "core Connect/gRPC-Web"), /^https:\/\/127\.0\.0\.1:\d+$/);
  await roundTrip(t, stack);

  const core = endpoint(stack, "core gRPC");
  const ca = readFileSync(pki.ca);
  const authorization = `Bearer ${secret}`;
  t.is(await once(core, { authorization }, "unary"), grpc.status.UNAVAILABLE, "plain h2c");
  t.is(await once(core, { authorization, credentials: grpc.credentials.createSsl(ca) }, "unary"), grpc.status.UNAVAILABLE, "no certificate");
  const own = grpc.credentials.createSsl(ca, readFileSync(pki.client.key), readFileSync(pki.client.cert));
  t.is(await once(core, { credentials: own }, "unary"), grpc.status.UNAUTHENTICATED, "a certificate but no secret");
  t.is(await once(core, { authorization, credentials: own }, "unary"), "ok");
  t.is(await stack.stop(), 0, stack.output());
});
