/**
 * ZAQAR_CORE_TLS_{CERT,KEY,CA} on the core: both ports serve TLS and require
 * a client certificate signed by the CA (mutual TLS). A caller without one,
 * or with one from another CA, is refused at the TLS handshake; our clients
 * (REST edge, notifier, WebSocket edge's push client) configured with their
 * certificate work. Certificates are made with the openssl CLI per run.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import * as tls from "node:tls";
import * as grpc from "@grpc/grpc-js";
import anyTest, { type TestFn } from "ava";
import { pino } from "pino";
import { readCoreAuth } from "../../../common/core-auth.ts";
import { createRestEdge } from "../../../edge-rest/src/app.ts";
import { readRestEdgeConfig } from "../../../edge-rest/src/config.ts";
import { createPushClient, WatchStart } from "../../../edge-ws/src/push-client.ts";
import { createJobsClient } from "../../../notifier/src/core-client.ts";
import { makeTestPki, type Pair, type TestPki } from "../../helpers/certs.ts";
import { startCore, type TestCore } from "../../helpers/core.ts";
import { connectProbe, grpcProbe, probeAll, type Probe, type Verdict } from "./auth-probes.ts";

const test = anyTest as TestFn<{ pki: TestPki; core: TestCore }>;

const ALL_OK = { unary: "ok", batchStream: "ok", watch: "ok", lease: "ok" };
const ALL_UNAVAILABLE = { unary: 14, batchStream: 14, watch: 14, lease: 14 };
const PROTOCOLS = ["grpc", "connect", "grpc-web"] as const;

const tlsEnv = (pki: TestPki, own: Pair, ca = pki.ca): Record<string, string> => ({
  ZAQAR_CORE_TLS_CERT: own.cert,
  ZAQAR_CORE_TLS_KEY: own.key,
  ZAQAR_CORE_TLS_CA: ca,
});

test.before(async (t) => {
  const pki = makeTestPki();
  t.context = { pki, core: await startCore({ env: tlsEnv(pki, pki.core) }) };
});
test.after.always(async (t) => {
  await t.context.core?.close();
  t.context.pki?.remove();
});

const read = (path: string): Buffer => readFileSync(path);
const grpcCredentials = (pki: TestPki, own?: Pair, ca = pki.ca): grpc.ChannelCredentials =>
  own ? grpc.credentials.createSsl(read(ca), read(own.key), read(own.cert)) : grpc.credentials.createSsl(read(ca));
/** TLS options of a connect-es client: the core's cert names localhost and 127.0.0.1; SNI takes names only. */
const sessionTls = (pki: TestPki, own?: Pair) => ({
  ca: read(pki.ca),
  servername: "localhost",
  ...(own ? { cert: read(own.cert), key: read(own.key) } : {}),
});
const portOf = (address: string): number => Number(address.split(":").at(-1));

function using(t: { teardown(fn: () => void): void }, probe: Probe): Probe {
  t.teardown(() => probe.close());
  return probe;
}

/**
 * A raw TLS connection that, once its handshake completes, sends the HTTP/2
 * preface: "accepted" when the server answers with a frame, else how it ended.
 */
function handshake(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ALPNProtocols: ["h2"], ...options });
    socket.on("secureConnect", () => socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\x04\0\0\0\0\0", "latin1")));
    socket.on("data", () => {
      resolve("accepted");
      socket.destroy();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.on("close", () => resolve("closed without a frame"));
  });
}

const failures = (verdicts: Record<string, Verdict>): boolean => Object.values(verdicts).every((v) => v !== "ok");

test("both ports serve TLS and take every call from a client with a certificate signed by the CA", async (t) => {
  const { pki, core } = t.context;
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials: grpcCredentials(pki, pki.client) }))), ALL_OK);
  t.true(core.connectUrl.startsWith("https://"));
  for (const protocol of PROTOCOLS) {
    t.deepEqual(await probeAll(using(t, connectProbe(core.connectUrl, protocol, { tls: sessionTls(pki, pki.client) }))), ALL_OK, protocol);
  }
  t.is(await handshake(portOf(core.grpcAddress), { ca: read(pki.ca), cert: read(pki.client.cert), key: read(pki.client.key) }), "accepted");
});

test("a client without a certificate is refused at the TLS handshake on both ports", async (t) => {
  const { pki, core } = t.context;
  for (const port of [portOf(core.grpcAddress), portOf(core.connectUrl)]) {
    t.is(await handshake(port, { ca: read(pki.ca) }), "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED");
    t.is(await handshake(port, { ca: read(pki.ca), maxVersion: "TLSv1.2" }), "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE");
  }
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials: grpcCredentials(pki) }))), ALL_UNAVAILABLE);
  for (const protocol of PROTOCOLS) t.true(failures(await probeAll(using(t, connectProbe(core.connectUrl, protocol, { tls: sessionTls(pki) })))), protocol);
});

test("a client whose certificate another CA signed is refused at the TLS handshake on both ports", async (t) => {
  const { pki, core } = t.context;
  const stranger = { ca: read(pki.ca), cert: read(pki.stranger.cert), key: read(pki.stranger.key) };
  // Node ends the handshake of an unverified client by closing the connection: no HTTP/2 frame ever comes.
  for (const port of [portOf(core.grpcAddress), portOf(core.connectUrl)]) t.is(await handshake(port, stranger), "closed without a frame");
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials: grpcCredentials(pki, pki.stranger) }))), ALL_UNAVAILABLE);
  for (const protocol of PROTOCOLS) {
    t.true(failures(await probeAll(using(t, connectProbe(core.connectUrl, protocol, { tls: sessionTls(pki, pki.stranger) })))), protocol);
  }
});

test("a client that does not trust the core's certificate, or speaks plain h2c, gets no call through", async (t) => {
  const { pki, core } = t.context;
  const distrusting = grpcCredentials(pki, pki.client, pki.otherCa);
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials: distrusting }))), ALL_UNAVAILABLE);
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress))), ALL_UNAVAILABLE);
  t.true(failures(await probeAll(using(t, connectProbe(core.connectUrl.replace("https:", "http:"), "grpc")))));
});

test("with a secret as well, a good certificate alone is not enough", async (t) => {
  const { pki } = t.context;
  const secret = `both-${randomUUID()}`;
  const core = await startCore({ env: { ...tlsEnv(pki, pki.core), ZAQAR_CORE_SECRET: secret } });
  t.teardown(() => core.close());
  const credentials = grpcCredentials(pki, pki.client);
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials }))), { unary: 16, batchStream: 16, watch: 16, lease: 16 });
  t.deepEqual(await probeAll(using(t, grpcProbe(core.grpcAddress, { credentials, authorization: `Bearer ${secret}` }))), ALL_OK);
  const own = sessionTls(pki, pki.client);
  t.deepEqual(await probeAll(using(t, connectProbe(core.connectUrl, "grpc", { tls: own }))), { unary: 16, batchStream: 16, watch: 16, lease: 16 });
  t.deepEqual(await probeAll(using(t, connectProbe(core.connectUrl, "connect", { tls: own, authorization: `Bearer ${secret}` }))), ALL_OK);
});

test("a REST edge configured with its client certificate serves requests end to end", async (t) => {
  const { pki, core } = t.context;
  const edgeWith = async (own: Pair) => {
    const config = readRestEdgeConfig({ ZAQAR_REST_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: core.grpcAddress, ZAQAR_LOG_LEVEL: "silent", ...tlsEnv(pki, own) });
    const edge = createRestEdge(config, { log: pino({ level: "silent" }) });
    t.teardown(() => edge.close());
    const { port } = await edge.listen();
    const project = `p-${randomUUID()}`;
    return (method: string, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { "Client-ID": randomUUID(), "X-Project-ID": project, ...(body ? { "content-type": "application/json" } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
  };
  const rest = await edgeWith(pki.client);
  t.is((await rest("PUT", "/v2/queues/tls")).status, 201);
  const posted = await rest("POST", "/v2/queues/tls/messages", { messages: [{ body: { over: "mtls" }, ttl: 300 }] });
  t.is(posted.status, 201);
  const listed = await rest("GET", "/v2/queues/tls/messages?echo=true");
  t.deepEqual(((await listed.json()) as { messages: Array<{ body: unknown }> }).messages.map((m) => m.body), [{ over: "mtls" }]);

  // The same edge with a certificate from another CA reaches no core: the route's 503.
  const refused = await edgeWith(pki.stranger);
  t.is((await refused("PUT", "/v2/queues/tls")).status, 503);
});

test("the notifier's and the WebSocket edge's clients connect with their certificate", async (t) => {
  const { pki, core } = t.context;
  const problems: string[] = [];
  const auth = readCoreAuth(tlsEnv(pki, pki.client), problems);
  t.deepEqual(problems, []);
  const jobs = createJobsClient(core.grpcAddress, auth);
  t.teardown(() => jobs.close());
  t.deepEqual(await jobs.lease({ workerId: "mtls", maxJobs: 1, leaseSeconds: 30, waitMs: 0 }), []);

  const push = createPushClient(core.grpcAddress, auth);
  t.teardown(() => push.close());
  const call = push.watch({ projectId: `p-${randomUUID()}`, clientId: randomUUID(), requestId: "r", queue: "q", start: WatchStart.NOW, marker: "", echo: false });
  const first = await new Promise<unknown>((resolve, reject) => {
    call.on("data", resolve);
    call.on("error", reject);
  });
  call.cancel();
  t.truthy(first);
});
