/** The non-Node load clients the bench needs, and how to get them when missing (or build them, for ws-load). */
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const TOOLS = {
  wrk: "sudo apt-get install -y wrk",
  h2load: "sudo apt-get install -y nghttp2-client",
  "redis-server": "sudo apt-get install -y redis-server",
} as const;

export function which(name: string): string | null {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/** Fails with the install commands of every missing tool. */
export function checkTools(): void {
  const missing = Object.entries(TOOLS).filter(([name]) => which(name) === null);
  if (missing.length === 0) return;
  const lines = missing.map(([name, cmd]) => `  ${name} is missing: ${cmd}`);
  throw new Error(`the bench needs these load tools:\n${lines.join("\n")}`);
}

/** How to get what the native WebSocket load client (clients/ws-load.c) needs to build. */
export const WS_LOAD_INSTALL = "sudo apt-get install -y libwebsockets-dev";

export type WsLoadBuild = { readonly binary: string } | { readonly missing: string };

/**
 * The native WebSocket load client, compiled into `outDir` when the binary is
 * missing or older than its source. When it cannot be built, says why and how
 * to fix it instead of failing: the bench then falls back to the Node client.
 */
export function buildWsLoad(outDir: string): WsLoadBuild {
  const source = fileURLToPath(new URL("./clients/ws-load.c", import.meta.url));
  const binary = join(outDir, "ws-load");
  const mtime = (path: string) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return -1;
    }
  };
  if (mtime(binary) >= mtime(source)) return { binary };
  const cc = which("cc") ?? which("gcc");
  if (cc === null) return { missing: `no C compiler: sudo apt-get install -y gcc libwebsockets-dev` };
  mkdirSync(outDir, { recursive: true });
  // Built aside and renamed, so a concurrent bench never runs a half-written binary.
  const scratch = `${binary}.${process.pid}.tmp`;
  const built = spawnSync(cc, ["-O2", "-o", scratch, source, "-lwebsockets"], { encoding: "utf8" });
  if (built.status !== 0) {
    rmSync(scratch, { force: true });
    const out = `${built.stderr ?? ""}${built.error ? String(built.error) : ""}`;
    if (/libwebsockets\.h|-lwebsockets/.test(out)) return { missing: `libwebsockets-dev is missing: ${WS_LOAD_INSTALL}` };
    return { missing: `${cc} could not build clients/ws-load.c:\n${out.split("\n").slice(0, 20).join("\n")}` };
  }
  renameSync(scratch, binary);
  return { binary };
}
