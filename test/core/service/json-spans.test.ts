/**
 * bodyTexts cuts message bodies from the posted document only where the cut
 * text is exactly what JSON.stringify of the parsed body gives: checked here
 * against JSON.stringify on thousands of generated documents that mix
 * canonical and non-canonical writing (whitespace, escapes, number forms,
 * duplicate and integer-like keys, escaped member names).
 */
import test from "ava";
import { bodyTexts } from "../../../core/src/service/json-spans.ts";
import { prng } from "../../helpers/prng.ts";


const NUMBERS = ["0", "-0", "1", "-12", "1.5", "1.0", "2.50", "0.1", "1e3", "1E3", "1e-7", "1e21", "1e400", "123456789012345678", "9007199254740993", "100"];
const STRING_PARTS = ["a", "xyz", "é", "😀", "\\n", "\\t", "\\\"", "\\\\", "\\/", "\\u0041", "\\u000a", "\\u001f", "\\ud83d\\ude00", "\\b", "\\f", "\\r", "\u2028", " ", "1"];
const KEYS = ["a", "b", "seq", "data", "1", "01", "10", "-1", "1a", "body", "ttl", "é", "__proto__", "x y"];

function generator(seed: number, messy: boolean) {
  const rnd = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const ws = (): string => (messy && rnd() < 0.08 ? pick([" ", "\n", "\t", "\r\n  "]) : "");
  const str = (): string => {
    let s = "";
    const n = Math.floor(rnd() * 4);
    for (let i = 0; i < n; i++) s += messy ? pick(STRING_PARTS) : pick(["a", "xyz", "é", "😀", "\\n", "\\\"", "\\\\", " "]);
    return `"${s}"`;
  };
  let serial = 0;
  const key = (): string => (messy ? `"${pick(KEYS)}"` : `"${pick(["a", "b", "seq", "data", "é"])}${serial++}"`);
  const value = (depth: number): string => {
    const r = rnd();
    if (depth > 3 || r < 0.3) return pick([str, () => (messy ? pick(NUMBERS) : pick(["0", "1", "-12", "1.5", "100"])), () => pick(["true", "false", "null"])])();
    if (r < 0.65) {
      const n = Math.floor(rnd() * 4);
      const members = Array.from({ length: n }, () => `${ws()}${key()}${ws()}:${ws()}${value(depth + 1)}${ws()}`);
      return `{${members.join(",")}${ws()}}`;
    }
    const n = Math.floor(rnd() * 4);
    return `[${Array.from({ length: n }, () => `${ws()}${value(depth + 1)}${ws()}`).join(",")}${ws()}]`;
  };
  const item = (): string => {
    if (messy && rnd() < 0.05) return value(1);
    const members = [`"ttl":${ws()}300`, `${ws()}"body"${ws()}:${ws()}${value(0)}`];
    if (messy && rnd() < 0.1) members.push(`"body":${value(0)}`);
    if (messy && rnd() < 0.05) members.push(`"bo\\u0064y":${value(0)}`);
    if (rnd() < 0.3) members.unshift(`"delay":0`);
    return `${ws()}{${members.join(",")}}${ws()}`;
  };
  return (): string => {
    const items = Array.from({ length: 1 + Math.floor(rnd() * 5) }, item);
    let doc = `{${ws()}"messages"${ws()}:${ws()}[${items.join(",")}]${ws()}}`;
    if (messy && rnd() < 0.05) doc = `{"messages":[{"body":1}],${doc.slice(1)}`;
    if (messy && rnd() < 0.05) doc = `${doc.slice(0, -1)},"messages":[${item()}]}`;
    if (messy && rnd() < 0.03) doc = `${doc.slice(0, -1)},"messages":7}`;
    return doc;
  };
}

function check(doc: string): { cut: number; total: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    return null;
  }
  const items = (parsed as { messages?: unknown }).messages;
  if (!Array.isArray(items)) return null;
  const texts = bodyTexts(doc, items);
  let cut = 0;
  for (const [i, text] of texts.entries()) {
    if (text === undefined) continue;
    cut++;
    if (text !== JSON.stringify((items[i] as { body: unknown }).body)) throw new Error(`body ${i} of ${doc} cut as ${text}`);
  }
  return { cut, total: items.length };
}

test("every body text cut from a document equals JSON.stringify of the parsed body", (t) => {
  const next = generator(20260101, true);
  let docs = 0;
  let cut = 0;
  for (let i = 0; i < 20_000; i++) {
    const r = check(next());
    if (r === null) continue;
    docs++;
    cut += r.cut;
  }
  t.true(docs > 15_000);
  // The generator writes enough canonical bodies for the cut path to be exercised.
  t.true(cut > 5_000, `${cut} bodies cut`);
});

test("bodies written as JSON.stringify writes them are all cut", (t) => {
  const next = generator(7, false);
  for (let i = 0; i < 5_000; i++) {
    const doc = next();
    const r = check(doc);
    t.not(r, null);
    if (r !== null && r.cut !== r.total) t.fail(`only ${r.cut} of ${r.total} bodies cut from ${doc}`);
  }
  t.pass();
});

test("non-canonical writing is never cut", (t) => {
  const cases: Array<[string, unknown]> = [
    ['{"messages":[{"body":{"a": 1}}]}', { a: 1 }],
    ['{"messages":[{"body":1.0}]}', 1],
    ['{"messages":[{"body":"\\u0041"}]}', "A"],
    ['{"messages":[{"body":"\\/"}]}', "/"],
    ['{"messages":[{"body":{"b":1,"1":2}}]}', { b: 1, 1: 2 }],
    ['{"messages":[{"body":{"a":1,"a":2}}]}', { a: 2 }],
    ['{"messages":[{"body":[1e3]}]}', [1000]],
    ['{"messages":[{"body":-0}]}', -0],
  ];
  for (const [doc, body] of cases) {
    const items = (JSON.parse(doc) as { messages: unknown[] }).messages;
    t.deepEqual(items[0], { body });
    t.deepEqual(bodyTexts(doc, items), [undefined], doc);
  }
});

test("the last of repeated members is the one cut, as JSON.parse keeps it", (t) => {
  const doc = '{"messages":[{"body":1}],"messages":[{"body":"x","body":[true]},{"ttl":60}]}';
  const items = (JSON.parse(doc) as { messages: unknown[] }).messages;
  t.deepEqual(bodyTexts(doc, items), ["[true]", undefined]);
  const escaped = '{"messages":[{"body":1,"bo\\u0064y":2}]}';
  t.deepEqual(bodyTexts(escaped, (JSON.parse(escaped) as { messages: unknown[] }).messages), [undefined]);
  const escapedList = '{"messages":[{"body":1}],"m\\u0065ssages":[{"body":2}]}';
  t.deepEqual(bodyTexts(escapedList, (JSON.parse(escapedList) as { messages: unknown[] }).messages), [undefined]);
});
