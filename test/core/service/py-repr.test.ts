/** pyReprLength against the real python3: len(str(json.loads(line))) for every line of a corpus. */
import test from "ava";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pyReprLength } from "../../../core/src/service/py-repr.ts";
import { prng } from "../../helpers/prng.ts";

const PYTHON = `
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    lines = f.read().split("\\n")
for line in lines:
    if line:
        print(len(str(json.loads(line))))
`;

/** len(str(json.loads(line))) for each line, from one python3 process. */
function pythonLengths(lines: readonly string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), "py-repr-"));
  try {
    const file = join(dir, "corpus.jsonl");
    writeFileSync(file, `${lines.join("\n")}\n`, "utf8");
    const run = spawnSync("python3", ["-c", PYTHON, file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new Error(`python3 is required by this test and could not be run: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`python3 failed (exit ${run.status}): ${run.stderr}`);
    const out = run.stdout.trim().split("\n").map(Number);
    if (out.length !== lines.length) throw new Error(`python3 answered ${out.length} lengths for ${lines.length} lines`);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * JSON text that Python reads as the same value: integral numbers are written
 * as integer literals (JSON.stringify would write 1e+21, which Python reads as a float).
 */
function toJson(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v).toString() : String(v);
  if (Array.isArray(v)) return `[${v.map(toJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v); // strings (lone surrogates become \\udXXX), booleans, null
}

// Characters chosen for their repr: quotes, escapes, controls, non-printable
// separators and format characters, printable non-ASCII, astral, lone surrogates,
// private use and unassigned code points (assigned alike in Unicode 14 and V8's version).
const CHARS = [
  "a", "Z", "0", " ", "'", '"', "\\", "\n", "\r", "\t", "\x00", "\x1f", "\x7f", "\x80", "\x85", "\xa0", "\xad",
  "é", "ÿ", "Ā", "中", "\u0301", "\u200b", "\u2028", "\u2029", "\u3000", "\ufeff", "\ue000", "\uffff", "\u0378",
  "😀", "𝐀", "\u{e0001}", "\u{f0000}", "\u{10ffff}", "\ud800", "\udc00", "\udbff",
];

const FLOATS = [0.1, -0.5, 123.456, 1e-7, 1.5e-5, 0.0001, 0.00012, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e-300, 3.14159, -2.5e-10, 0.3333333333333333, 1234567890.5, 4503599627370495.5];
const INTS = [0, 1, -1, 42, -7, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 60), 9007199254740993e3, 1e21, 1e22, -1.2345e25, 1e300, Number.MAX_VALUE];

function generator(seed: number) {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const str = (): string => {
    const len = Math.floor(rnd() * 12);
    let s = "";
    for (let i = 0; i < len; i++) s += pick(CHARS);
    return s;
  };
  const float = (): number => {
    if (rnd() < 0.4) return pick(FLOATS);
    const x = (rnd() - 0.5) * 10 ** Math.floor(rnd() * 26 - 12);
    return Number.isInteger(x) ? 0.25 : x; // integral floats read back as Python floats: see the approximation test
  };
  const int = (): number => (rnd() < 0.5 ? pick(INTS) : Math.floor((rnd() - 0.5) * 10 ** Math.floor(rnd() * 30)));
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth < 4 && r < 0.2) return Array.from({ length: Math.floor(rnd() * 5) }, () => value(depth + 1));
    if (depth < 4 && r < 0.4) return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, () => [str(), value(depth + 1)]));
    if (r < 0.65) return str();
    if (r < 0.75) return int();
    if (r < 0.85) return float();
    if (r < 0.95) return rnd() < 0.5;
    return null;
  };
  return value;
}

const FIXED: readonly unknown[] = [
  "", "plain ascii", "it's", 'say "hi"', `both ' and "`, "back\\slash", `'\\'`, "\n\r\t", "x".repeat(5000),
  "é".repeat(1000), "😀😀", "\u200b\u2028\u00ad\u0085", "\ud800", "a\udc00b", "\ud83d", "\ude00\ud83d", " \u00a0 ",
  [], {}, [[]], [{}], { "": "" }, { "it's": ['"', "'"] }, null, true, false, 0, -0, 1, -1, 2 ** 53 + 2, 1e21, -1e300,
  0.1, 1e-7, 0.0001, 0.00001, 123.456, -0.5, 5e-324, [0.1, -2.5e-10, 1234567890.5],
  JSON.parse('{"__proto__": 1, "constructor": [null], "2": {}, "1": "x"}'),
];

const seed = Math.floor(Math.random() * 2 ** 32);
const randomValue = generator(seed);
const randomValues = Array.from({ length: 400 }, () => randomValue(0));
// Each fixed value also inside a list: str() of a top-level str is the string itself, its repr only inside a container.
const corpus = [...FIXED, ...FIXED.map((v) => [v]), ...randomValues].map(toJson);
// Integral floats: Python reads these as float, JSON.parse cannot tell them from ints.
const INTEGRAL_FLOATS = ["1.0", "-3.0", "1e16", "1.5e16", "[2.0]"];

// The two facts websocket.md §5 records about message_post against the 262144 limit.
const SPEC_POSTS = {
  accepted: toJson([{ body: "é".repeat(200000) }]),
  rejected: toJson([{ body: "a".repeat(262144) }]),
};
const LIMIT = 262144;

let python = { corpus: [] as number[], integralFloats: [] as number[], accepted: Number.NaN, rejected: Number.NaN };
test.before(() => {
  const all = pythonLengths([...corpus, ...INTEGRAL_FLOATS, SPEC_POSTS.accepted, SPEC_POSTS.rejected]);
  const end = corpus.length + INTEGRAL_FLOATS.length;
  python = {
    corpus: all.slice(0, corpus.length),
    integralFloats: all.slice(corpus.length, end),
    accepted: all[end] as number,
    rejected: all[end + 1] as number,
  };
});

test("lengths match python3 for edge cases and random nested values", (t) => {
  const expected = python.corpus;
  const mismatches = corpus.flatMap((line, i) => {
    const ours = pyReprLength(JSON.parse(line));
    return ours === expected[i] ? [] : [{ line, ours, python: expected[i] }];
  });
  t.is(expected.length, corpus.length);
  t.deepEqual(mismatches, [], `seed ${seed}`);
});

test("a number JSON.parse reads as integral is counted as a Python int, unlike Python's float", (t) => {
  // Documented approximation: `1.0` and `1e16` reach us as 1 and 10000000000000000.
  const expected = python.integralFloats;
  INTEGRAL_FLOATS.forEach((text, i) => {
    const value: unknown = JSON.parse(text);
    const asInt = Array.isArray(value) ? `[${BigInt(value[0] as number)}]` : BigInt(value as number).toString();
    t.is(pyReprLength(value), asInt.length, text);
    t.not(pyReprLength(value), expected[i], `${text}: python counts it as a float`);
  });
});

test("a post of 200000 'é' characters counts characters, not bytes, and stays under the limit", (t) => {
  const n = pyReprLength(JSON.parse(SPEC_POSTS.accepted));
  t.is(n, python.accepted);
  t.true(n <= LIMIT);
});

test("a post of a 262144-character ASCII body goes over the limit by its repr's quotes and brackets", (t) => {
  const n = pyReprLength(JSON.parse(SPEC_POSTS.rejected));
  t.is(n, python.rejected);
  t.is(n - 262144, "[{'body': ''}]".length);
  t.true(n > LIMIT);
});

test("deeply nested lists do not overflow the stack", (t) => {
  const depth = 100000;
  t.is(pyReprLength(JSON.parse(`${"[".repeat(depth)}${"]".repeat(depth)}`)), 2 * depth);
});
