/**
 * The edge as a process: main.ts reads its config from the environment,
 * listens, serves, and drains on SIGTERM; close() lets in-flight requests
 * finish and stops accepting.
 */
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import anyTest, { type TestFn } from "ava";
import { pino } from "pino";
import { createRestEdge } from "../../edge-rest/src/app.ts";
import { startCore, type TestCore } from "../helpers/core.ts";
import { Api, CLIENT_ID } from "./harness.ts";

const test = anyTest as TestFn<{ core: TestCore }>;

test.before(async (t) => {
  t.context = { core: await startCore() };
});
test.after.always(async (t) => t.context.core.close());

const MAIN = fileURLToPath(new URL("../../edge-rest/src/main.ts", import.meta.url));

test("main listens where the environment says and exits 0 on SIGTERM", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, ZAQAR_REST_LISTEN: "127.0.0.1:0", ZAQAR_CORE_URL: t.context.core.grpcAddress, ZAQAR_LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split("\n").find((l) => l.includes("listening"));
      if (line) resolve(JSON.parse(line).port as number);
    });
    child.on("exit", () => reject(new Error(`main exited early: ${out}`)));
  });
  const ping = await new Api(port).get("/v2/ping");
  t.is(ping.status, 204);
  child.kill("SIGTERM");
  t.is(await exited, 0);
});

test("main refuses a bad configuration, listing every problem", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    env: { ...process.env, ZAQAR_REST_LISTEN: "nowhere", ZAQAR_LOG_LEVEL: "loud" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  t.is(code, 1);
  t.regex(err, /ZAQAR_REST_LISTEN/);
  t.regex(err, /ZAQAR_LOG_LEVEL/);
});

test("close() finishes an in-flight request, then refuses connections", async (t) => {
  const edge = createRestEdge(
    { listen: { host: "127.0.0.1", port: 0 }, coreUrl: t.context.core.grpcAddress, adminMode: false, logLevel: "silent", auth: { strategy: "none", signedUrlSecret: undefined } },
    { log: pino({ level: "silent" }) },
  );
  const { port } = await edge.listen();
  const body = '{"messages": [{"body": 1}]}';
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
  // Headers and half the body now; the rest after close() has begun.
  socket.write(
    `POST /v2/queues/q/messages HTTP/1.1\r\nHost: x\r\nClient-ID: ${CLIENT_ID}\r\nX-Project-ID: p-close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  const closed = edge.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.write(body.slice(10));
  await closed;
  await ended;
  const response = Buffer.concat(chunks).toString();
  t.regex(response, /^HTTP\/1\.1 201 Created\r\n/);
  t.regex(response, /\r\nconnection: close\r\n/i);
  const refused = await new Promise<string>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    s.on("connect", () => resolve("connected"));
  });
  t.is(refused, "ECONNREFUSED");
});
