/**
 * Checks the Lua scripts against their registration and their header blocks:
 * every script file is registered, numberOfKeys matches the header, every key
 * a script touches derives from KEYS, and time only comes from ARGV.
 */
import { readdirSync, readFileSync } from "node:fs";
import test from "ava";
import { luaDir, readScript, scriptTable } from "../../../core/src/storage/redis/scripts.ts";
import { Status } from "../../../core/src/storage/redis/status.ts";

const files = readdirSync(luaDir).filter((f) => f.endsWith(".lua"));
const fragments = readdirSync(new URL("lib/", luaDir)).filter((f) => f.endsWith(".lua"));
const source = (file: string): string => readFileSync(new URL(file, luaDir), "utf8");
/** The leading --[[ ... ]] block. */
const header = (text: string): string => /^--\[\[([\s\S]*?)\]\]/.exec(text)?.[1] ?? "";
const maxIndex = (text: string, name: "KEYS" | "ARGV"): number =>
  Math.max(0, ...[...text.matchAll(new RegExp(`${name}\\[(\\d+)\\]`, "g"))].map((m) => Number(m[1])));

test("every script file is registered exactly once and every registration has a file", (t) => {
  const registered = scriptTable.map((s) => s.file);
  t.deepEqual([...registered].sort(), [...files].sort());
  t.is(new Set(registered).size, registered.length);
  t.is(new Set(scriptTable.map((s) => s.name)).size, scriptTable.length);
});

test("names are the camelCase of the verb-noun file names", (t) => {
  for (const s of scriptTable) {
    t.is(s.name as string, s.file.replace(/\.lua$/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  }
});

test("numberOfKeys equals the highest KEYS[n] in each header, and the code uses no higher one", (t) => {
  for (const s of scriptTable) {
    const text = source(s.file);
    t.is(maxIndex(header(text), "KEYS"), s.numberOfKeys, s.file);
    t.true(maxIndex(readScript(s.file), "KEYS") <= s.numberOfKeys, s.file);
  }
});

test("each header documents every ARGV the script reads, its returns, and now as ARGV[1] when it reads time", (t) => {
  for (const s of scriptTable) {
    const text = source(s.file);
    const head = header(text);
    const body = text.slice(text.indexOf("]]") + 2);
    t.true(maxIndex(head, "ARGV") >= maxIndex(body, "ARGV"), `${s.file}: undocumented ARGV`);
    t.regex(head, /Returns:/, s.file);
    if (/\bnow\b/.test(body)) t.regex(head, /ARGV\[1\]\s+now \(ms/, s.file);
  }
});

test("status codes named in headers are the ones status.ts maps", (t) => {
  const known = new Set<number>(Object.values(Status) as number[]);
  for (const s of scriptTable) {
    const head = header(source(s.file));
    for (const line of head.split("\n").filter((l) => /Status:/.test(l))) {
      for (const m of line.matchAll(/(-\d+) ([A-Z_]+)/g)) {
        t.true(known.has(Number(m[1])), `${s.file}: ${m[0]}`);
        t.is(Status[m[2] as keyof typeof Status] as number, Number(m[1]), `${s.file}: ${m[0]}`);
      }
    }
  }
});

const KEY_EXPR = /^(KEYS\[\d\]|Q\.[a-z]+( \.\. .+)?)$/;

test("every key a script touches comes from KEYS or from the generation keys built on KEYS[2]", (t) => {
  for (const s of scriptTable) {
    const lua = readScript(s.file);
    const calls = [...lua.matchAll(/(?:rcall|redis\.call|redis\.pcall)\(\s*'([A-Z]+)'\s*,\s*([^,)]+)/g)];
    t.true(calls.length > 0, s.file);
    // Locals bound to a key expression (`local m = Q.m .. id`) count as that expression.
    const aliases = new Set([...lua.matchAll(/local (\w+) = ([^\n]+)/g)].filter(([, , v]) => KEY_EXPR.test(v!.trim())).map(([, n]) => n));
    for (const [, command, key] of calls) {
      if (aliases.has(key!.trim())) continue;
      // keepFor(key, ms) is the one helper taking a key; its call sites are checked below.
      if (key!.trim() === "key" && /^local function keepFor\(key, ms\)/m.test(lua)) continue;
      t.regex(key!.trim(), KEY_EXPR, `${s.file}: ${command} ${key}`);
    }
    for (const [, key] of lua.matchAll(/keepFor\(([^,]+),/g)) {
      if (key !== "key") t.regex(key!.trim(), KEY_EXPR, `${s.file}: keepFor ${key}`);
    }
  }
  // The generation keys themselves: every Q.<field> is KEYS[2] .. gen .. ':' .. suffix.
  const lib = source("lib/queue.lua");
  t.regex(lib, /local g = KEYS\[2\] \.\. gen \.\. ':'/);
  for (const [, field, value] of lib.matchAll(/^\s*Q\.([a-z]+) = (.+)$/gm)) {
    if (field === "gen") continue;
    t.regex(value!, /^g \.\. '[a-z]+:?'$/, `Q.${field}`);
  }
});

test("scripts never read the Redis clock and every fragment is included somewhere", (t) => {
  const all = scriptTable.map((s) => readScript(s.file));
  for (const lua of all) t.false(/'TIME'/.test(lua));
  for (const f of fragments) {
    const name = f.replace(/\.lua$/, "");
    t.true(scriptTable.some((s) => source(s.file).includes(`-- @include ${name}`)), f);
  }
  for (const lua of all) t.false(/@include/.test(lua.replace(/^--\[\[[\s\S]*?\]\]/gm, "")), "includes are expanded");
});
