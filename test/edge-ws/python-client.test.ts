/**
 * python-zaqarclient's WebSocket transport (Debian python3-zaqarclient with
 * python3-websocket) against the real edge and core through a short
 * scenario: it authenticates first (answered 200 in no-auth mode), then
 * creates a queue, posts, lists, claims, deletes the claimed messages, reads
 * stats, hits a 404 and deletes the queue.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";
import { useWsEdge } from "./harness.ts";

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";
const here = dirname(fileURLToPath(import.meta.url));
const env = useWsEdge(test, { core: { store: "memory" } });

test("python-zaqarclient's WebSocket transport runs a queue, message and claim scenario", async (t) => {
  const project = `p-${randomUUID()}`;
  const queue = `q-${randomUUID().slice(0, 8)}`;
  const { stdout } = await run(PYTHON, [join(here, "zaqar_ws_scenario.py"), env.url(), project, queue], { timeout: 30_000 }).catch(
    (err: Error & { stderr?: string }) => {
      throw new Error(`${err.message}\n${err.stderr ?? ""}`);
    },
  );
  const out = JSON.parse(stdout);
  t.deepEqual(out.create, [201, `Queue ${queue} created.`]);
  t.deepEqual(out.get, [200, { owner: "py" }]);
  t.deepEqual(out.queues, [200, { queues: [{ name: queue }] }]);
  t.is(out.post[0], 201);
  t.is(out.post[1].message_ids.length, 3);
  t.deepEqual(out.list[1].messages.map((m: { body: unknown }) => m.body), [{ n: 0 }, { n: 1 }, { n: 2 }]);
  t.is(out.claim[0], 201);
  t.deepEqual(out.claim[1].messages.map((m: { body: unknown }) => m.body), [{ n: 0 }, { n: 1 }]);
  t.deepEqual(out.stats, [200, { messages: { ...out.stats[1].messages, claimed: 0, free: 1, total: 1 } }]);
  t.is(out.missing[0], "ResourceNotFound");
  t.deepEqual(out.delete, [204, `Queue ${queue} removed.`]);
});
