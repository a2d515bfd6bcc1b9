/**
 * Import boundaries: edges and the notifier talk to the core over RPC only.
 * They may import the generated protos and their own sources, never core/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|^\s*import\s*\(\s*["']([^"']+)["']/gm;

function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

for (const component of ["edge-rest", "edge-ws", "notifier"]) {
  test(`${component} imports nothing from core/`, (t) => {
    const offenders: string[] = [];
    for (const file of sources(join(root, component))) {
      for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? "";
        if (!spec.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), spec));
        if (target.startsWith("core/") || target === "core") offenders.push(`${relative(root, file)} → ${spec}`);
      }
    }
    t.deepEqual(offenders, []);
  });
}

test("common/ imports nothing of ours outside common/ (every process may import it)", (t) => {
  const offenders: string[] = [];
  for (const file of sources(join(root, "common"))) {
    for (const match of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const spec = match[1] ?? match[2] ?? "";
      if (!spec.startsWith(".")) continue;
      const target = relative(root, resolve(dirname(file), spec));
      if (!target.startsWith("common/")) offenders.push(`${relative(root, file)} → ${spec}`);
    }
  }
  t.true(sources(join(root, "common")).length > 0);
  t.deepEqual(offenders, []);
});
