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

/** How to get what the native WebSocket load clients need to build: clients/ws-load.c, clients/ws-load.cpp. */
export const WS_LOAD_INSTALL = "sudo apt-get install -y libwebsockets-dev";
export const WS_LOAD_CPP_INSTALL = "sudo apt-get install -y g++ libwebsocketpp-dev libasio-dev";

export type WsLoadBuild = { readonly binary: string } | { readonly missing: string };

/**
 * The libwebsockets WebSocket load client (clients/ws-load.c), compiled into
 * `outDir` when the binary is missing or older than its source. When it cannot
 * be built, says why and how to fix it instead of failing: the bench then
 * falls back to the Node client.
 */
export function buildWsLoad(outDir: string): WsLoadBuild {
  return buildClient({
    outDir, source: "ws-load.c", binary: "ws-load", compilers: ["cc", "gcc"],
    args: (out, source) => ["-O2", "-o", out, source, "-lwebsockets"],
    noCompiler: `no C compiler: sudo apt-get install -y gcc libwebsockets-dev`,
    missingLib: /libwebsockets\.h|-lwebsockets/, noLib: `libwebsockets-dev is missing: ${WS_LOAD_INSTALL}`,
  });
}

/**
 * The websocketpp WebSocket load client (clients/ws-load.cpp, header-only
 * websocketpp over standalone asio), compiled into `outDir` like buildWsLoad
 * (about 20 s of compiler time, once).
 */
export function buildWsLoadCpp(outDir: string): WsLoadBuild {
  return buildClient({
    outDir, source: "ws-load.cpp", binary: "ws-load-cpp", compilers: ["c++", "g++"],
    args: (out, source) => ["-O2", "-std=c++17", "-DNDEBUG", "-o", out, source],
    noCompiler: `no C++ compiler: ${WS_LOAD_CPP_INSTALL}`,
    missingLib: /(websocketpp\/[\w/]+|asio)\.hpp: No such file/, noLib: `libwebsocketpp-dev or libasio-dev is missing: ${WS_LOAD_CPP_INSTALL}`,
  });
}

interface ClientBuild {
  readonly outDir: string;
  /** File name under bench/clients/. */
  readonly source: string;
  /** File name under outDir. */
  readonly binary: string;
  readonly compilers: readonly string[];
  readonly args: (out: string, source: string) => string[];
  readonly noCompiler: string;
  /** Compiler output that means a missing library package, and what to say then. */
  readonly missingLib: RegExp;
  readonly noLib: string;
}

function buildClient(b: ClientBuild): WsLoadBuild {
  const source = fileURLToPath(new URL(`./clients/${b.source}`, import.meta.url));
  const binary = join(b.outDir, b.binary);
  const mtime = (path: string) => {
    try {
      return statSync(path).mtimeMs;
    } catch {
      return -1;
    }
  };
  if (mtime(binary) >= mtime(source)) return { binary };
  const compiler = b.compilers.map(which).find((c) => c !== null) ?? null;
  if (compiler === null) return { missing: b.noCompiler };
  mkdirSync(b.outDir, { recursive: true });
  // Built aside and renamed, so a concurrent bench never runs a half-written binary.
  const scratch = `${binary}.${process.pid}.tmp`;
  const built = spawnSync(compiler, b.args(scratch, source), { encoding: "utf8" });
  if (built.status !== 0) {
    rmSync(scratch, { force: true });
    const out = `${built.stderr ?? ""}${built.error ? String(built.error) : ""}`;
    if (b.missingLib.test(out)) return { missing: b.noLib };
    return { missing: `${compiler} could not build clients/${b.source}:\n${out.split("\n").slice(0, 20).join("\n")}` };
  }
  renameSync(scratch, binary);
  return { binary };
}
