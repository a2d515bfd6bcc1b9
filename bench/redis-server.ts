/**
 * The bench's own redis-server: a free port, no persistence, a scratch
 * directory, stopped with the other children. (Never the shared 6379.)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, spawnChild, waitForPort, type Child } from "./procs.ts";

export interface BenchRedis {
  readonly url: string;
  readonly child: Child;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<BenchRedis> {
  const bin = "/usr/bin/redis-server";
  if (!existsSync(bin)) throw new Error("redis-server is missing: sudo apt-get install -y redis-server");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "zaqar-bench-redis-"));
  const child = spawnChild("redis", bin, [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    "--dir", dir, "--logfile", "", "--loglevel", "warning",
  ]);
  await waitForPort(child, port);
  return {
    url: `redis://127.0.0.1:${port}/0`,
    child,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
