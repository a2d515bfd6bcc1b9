/**
 * WebSocket load against edge-ws, the REST workload in Zaqar's WebSocket
 * protocol (text JSON frames): produce is `message_post` of the same 10 × 1 KiB
 * messages; consume is `claim_create` (limit 10, ttl 60, grace 60) then
 * `message_delete` with the claim id of each claimed message.
 *
 * Like a real client, a connection carries several requests at once: the
 * process opens `connections` sockets and spreads `concurrency` workers over
 * them round-robin (16 in flight over 4 connections by default). edge-ws
 * answers each connection's requests in request order (Zaqar's clients rely on
 * that), so a FIFO of waiting callers per socket matches answers to requests.
 * Every answer's status is checked. A produce answer echoes the whole 10 KiB
 * request, so only its members after the echo (body and headers) are parsed,
 * as wrk's script reads only the REST status; other answers are parsed whole.
 * Frames are encoded once, as Buffers sent as text.
 *
 * Usage: node --import tsx bench/clients/ws.ts <produce|consume> <ws url> <project> <queue> <seconds> <concurrency> <connections>
 * Prints BENCH_RESULT {messages, requests, errors, elapsedUs, p50Us, p99Us, claims?, empty?}.
 */
import { WebSocket } from "ws";
import { CLAIM_LIMIT, CLIENT_ID, MESSAGES_PER_POST, postDocument } from "../payload.ts";
import { consumeStep, report, runClosedLoop } from "./loop.ts";

const [mode, url, project, queue, seconds, concurrency, connections] = process.argv.slice(2) as [
  string, string, string, string, string, string, string,
];
const headers = { "Client-ID": CLIENT_ID, "X-Project-ID": project };

interface WsAnswer {
  readonly body: unknown;
  readonly headers: { readonly status: number };
}

interface Conn {
  send(frame: Buffer): Promise<WsAnswer>;
  close(): void;
}

async function connect(): Promise<Conn> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  const waiting: Array<{ resolve: (a: WsAnswer) => void; reject: (e: Error) => void }> = [];
  socket.on("message", (data: Buffer, isBinary: boolean) => {
    const next = waiting.shift();
    if (!next) return; // an unsolicited frame (none are expected here)
    try {
      next.resolve(readAnswer(isBinary ? Buffer.alloc(0) : data));
    } catch (err) {
      next.reject(err as Error);
    }
  });
  const fail = (why: string) => {
    for (const w of waiting.splice(0)) w.reject(new Error(why));
  };
  socket.on("close", (code) => fail(`socket closed (${code})`));
  socket.on("error", (err) => fail(err.message));
  return {
    send(frame) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        socket.send(frame, { binary: false });
      });
    },
    close: () => socket.close(1000),
  };
}

/** Where a post's answer continues after its echo (the edge writes request, body, headers in that order). */
const AFTER_POST_ECHO = Buffer.from(',"body":{"message_ids":');

/** An answer's body and headers: a post's parsed from past its echo, any other parsed whole. */
function readAnswer(data: Buffer): WsAnswer {
  const at = data.lastIndexOf(AFTER_POST_ECHO);
  if (at < 0) return JSON.parse(data.toString("utf8")) as WsAnswer;
  return JSON.parse(`{${data.toString("utf8", at + 1)}`) as WsAnswer;
}

const conns = await Promise.all(Array.from({ length: Number(connections) }, connect));
let nextConn = 0;
/** Requests go to the connections in rotation, so each carries concurrency / connections in flight. */
const pick = () => conns[nextConn++ % conns.length] as Conn;

function expectStatus(a: WsAnswer, ...ok: number[]): void {
  if (!ok.includes(a.headers.status)) throw new Error(`status ${a.headers.status}: ${JSON.stringify(a.body).slice(0, 200)}`);
}

const durationMs = Number(seconds) * 1000;
if (mode === "produce") {
  // The same messages as the REST post document, in a message_post frame built once.
  const { messages } = JSON.parse(postDocument()) as { messages: unknown[] };
  const frame = Buffer.from(JSON.stringify({ action: "message_post", headers, body: { queue_name: queue, messages } }));
  const result = await runClosedLoop(Number(concurrency), durationMs, async () => {
    const a = await pick().send(frame);
    expectStatus(a, 201);
    const ids = (a.body as { message_ids?: unknown[] }).message_ids;
    if (ids?.length !== MESSAGES_PER_POST) throw new Error(`message_post answered ${ids?.length} ids`);
  });
  report({ ...result, messages: (result.requests) * MESSAGES_PER_POST });
} else if (mode === "consume") {
  const claimFrame = Buffer.from(JSON.stringify({ action: "claim_create", headers, body: { queue_name: queue, limit: CLAIM_LIMIT, ttl: 60, grace: 60 } }));
  const { step, counts } = consumeStep<{ id: string; claim: string }>({
    async claim() {
      const a = await pick().send(claimFrame);
      expectStatus(a, 201, 204);
      if (a.headers.status === 204) return [];
      const body = a.body as { claim_id: string; messages: Array<{ id: string }> };
      return body.messages.map((m) => ({ id: m.id, claim: body.claim_id }));
    },
    async remove(m) {
      const frame = Buffer.from(JSON.stringify({ action: "message_delete", headers, body: { queue_name: queue, message_id: m.id, claim_id: m.claim } }));
      const a = await pick().send(frame);
      expectStatus(a, 204);
    },
  });
  const result = await runClosedLoop(Number(concurrency), durationMs, step);
  report({ ...result, messages: counts.deleted, claims: counts.claims, empty: counts.empty });
} else {
  throw new Error(`unknown mode ${mode}`);
}
for (const c of conns) c.close();
process.exit(0);
