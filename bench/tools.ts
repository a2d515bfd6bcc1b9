/** The non-Node load clients the bench needs, and how to get them when missing. */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

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
