/** Import boundary: the REST edge may import proto/gen, common/ and its own sources, never the core's. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";

const root = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const edge = join(root, "edge-rest");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

test("edge-rest imports only proto/gen, common/, its own files and packages", (t) => {
  const files = sources(join(edge, "src"));
  t.true(files.length > 5);
  for (const file of files) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)) {
      if (!spec!.startsWith(".")) continue;
      const target = relative(root, resolve(file, "..", spec!));
      t.true(target.startsWith("edge-rest/") || target.startsWith("proto/gen/") || target.startsWith("common/"), `${relative(root, file)} imports ${spec}`);
    }
  }
});
