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

const KEY_EXPR = /^(KEYS\[\d\]|Q\.[a-z]+)$/;
/** The suffixes keys.ts documents as `zq:{P/Q}:<suffix>`. */
const documented = new Set(
  [...readFileSync(new URL("../keys.ts", luaDir), "utf8").matchAll(/^ \* \| zq:\{P\/Q\}:([a-z]+)\s*\|/gm)].map((m) => m[1]),
);

test("every key a script touches comes from KEYS or is a documented queue key built on KEYS[2]", (t) => {
  t.true(documented.size >= 9, [...documented].join(" "));
  for (const s of scriptTable) {
    const lua = readScript(s.file);
    const calls = [...lua.matchAll(/(?:rcall|redis\.call|redis\.pcall)\(\s*'([A-Z]+)'\s*,\s*([^,)]+)/g)];
    t.true(calls.length > 0, s.file);
    // Key lists (`local keys = {Q.a, Q.b}`, `keys[#keys + 1] = Q.c`) may be unpacked or walked as `key`.
    const lists = new Set<string>();
    for (const [, name, items] of lua.matchAll(/local (\w+) = \{(Q\.[^}]*)\}/g)) {
      lists.add(name!);
      for (const key of items!.split(",")) t.regex(key.trim(), KEY_EXPR, `${s.file}: ${name} ${items}`);
    }
    for (const [, name, key] of lua.matchAll(/(\w+)\[#\1 \+ 1\] = (Q\.\w+)/g)) t.true(lists.has(name!), `${s.file}: ${name} += ${key}`);
    const params = /^local function \w+\([^)]*\bkeys?\b[^)]*\)/m.test(lua) || /local function headScore\(key\)/.test(lua);
    for (const [, command, key] of calls) {
      const k = key!.trim();
      if (params && (k === "key" || k === "unpack(keys")) continue;
      if (lists.has(/^unpack\((\w+)$/.exec(k)?.[1] ?? "")) continue;
      t.regex(k, KEY_EXPR, `${s.file}: ${command} ${key}`);
    }
    for (const [, key] of lua.matchAll(/headScore\(([^)]+)\)/g)) {
      if (key !== "key") t.regex(key!.trim(), KEY_EXPR, `${s.file}: headScore ${key}`);
    }
    for (const [, arg] of lua.matchAll(/\bkeep\([^,]+, ([^,]+),/g)) t.true(lists.has(arg!.trim()) || ["keys", "{}"].includes(arg!.trim()), `${s.file}: keep ${arg}`);
    for (const [, suffix] of lua.matchAll(/\bQ\.([a-z]+)/g)) t.true(documented.has(suffix!), `${s.file}: Q.${suffix} is not documented in keys.ts`);
  }
  // Q.<suffix> is KEYS[2] .. suffix, built on first use.
  t.regex(source("lib/queue.lua"), /local key = KEYS\[2\] \.\. suffix/);
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
