/**
 * The pool URI check against real servers: a redis-server answers, a closed
 * port or a silent listener does not, and only the schemes the core can
 * store to count.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { capabilitiesOfUri, createUriProbe } from "../../../core/src/service/pool-uri.ts";
import { freePort } from "../../helpers/free-port.ts";
import { startRedisServer } from "../../helpers/redis-server.ts";

const probe = createUriProbe({ timeoutMs: 500 });

test("a running redis-server is reachable, by TCP with any db and by its Unix socket", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "zq-sock-"));
  const socket = join(dir, "redis.sock");
  const redis = await startRedisServer({ args: ["--unixsocket", socket, "--unixsocketperm", "700"] });
  t.teardown(async () => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  t.true(await probe.reachable(redis.url));
  t.true(await probe.reachable(`${redis.url}/3`));
  t.true(await probe.reachable(`REDIS://localhost:${redis.port}`));
  t.true(await probe.reachable(`redis:${socket}`));
  t.false(await probe.reachable(`redis:${socket}.missing`));
});

test("a redis-server that refuses our password is not reachable", async (t) => {
  const redis = await startRedisServer({ args: ["--requirepass", "s3cret"] });
  t.teardown(() => redis.stop());
  t.false(await probe.reachable(redis.url));
  t.false(await probe.reachable(`redis://:wrong@127.0.0.1:${redis.port}`));
  t.true(await probe.reachable(`redis://:s3cret@127.0.0.1:${redis.port}`));
});

test("a closed port and a listener that never answers are unreachable, within the timeout", async (t) => {
  t.false(await probe.reachable(`redis://127.0.0.1:${await freePort()}`));
  const sockets: Socket[] = [];
  const silent = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  t.false(await probe.reachable(`redis://127.0.0.1:${port}`));
  t.true(Date.now() - started < 2000);
});

test("memory URIs are always reachable; other schemes and non-URIs never", async (t) => {
  for (const uri of ["memory:", "memory:pool-a", "Memory://x"]) t.true(await probe.reachable(uri), uri);
  for (const uri of ["mongodb://127.0.0.1:27017", "sqlalchemy+sqlite:///x", "http://127.0.0.1:1", "", "redis", "://x", "redis://[::"]) {
    t.false(await probe.reachable(uri), uri);
  }
});

test("a URI's scheme decides its capabilities", (t) => {
  t.deepEqual(capabilitiesOfUri("memory:"), ["fifo", "claims", "aod", "high_throughput"]);
  t.deepEqual(capabilitiesOfUri("redis://h"), ["fifo", "claims", "durable", "aod", "high_throughput"]);
  t.deepEqual(capabilitiesOfUri("rediss://h"), capabilitiesOfUri("redis://h"));
  t.is(capabilitiesOfUri("mongodb://h"), null);
});
