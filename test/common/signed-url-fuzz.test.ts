/**
 * Bad input never crashes the verifiers: random garbage in every header and
 * field, of every JSON type and of odd lengths, makes them answer (never
 * throw), and never authorises anything. Seeded, so a failure replays.
 */
import test from "ava";
import { parseExpires } from "../../common/signed-url-expires.ts";
import { signedHttpRequest, signedWsRequest, verifySignedRequest, type SignedRequest } from "../../common/signed-url.ts";
import { prng } from "../helpers/prng.ts";

const PIECES = [
  "", ",", "GET", "POST", "/v2/queues/q/messages", "/v2/queues/q/claims", "(", ")", "(a+)+$", ".*", "\\", "\u0000", "é", "\u{1F600}",
  "\uD800", "2030-01-01T00:00:00", "2030-01-01T00:00:00+25:00", "1700000000", "0000-00-00", "None", "%2F", "\n", " ",
  "da857fd0daebb7fa44f8dc622a1d32fcb23c2d32292b35f97bf32e361908152f",
];

function fuzzer(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const text = (): string => {
    let s = "";
    for (let i = int(6); i > 0; i--) s += rnd() < 0.6 ? (PIECES[int(PIECES.length)] as string) : String.fromCharCode(int(0x10000));
    return rnd() < 0.05 ? s.repeat(1 + int(2000)) : s;
  };
  const value = (depth = 0): unknown => {
    switch (int(depth > 2 ? 5 : 8)) {
      case 0: return undefined;
      case 1: return null;
      case 2: return int(3) === 0 ? rnd() * 1e12 : int(1e10);
      case 3: return rnd() < 0.5;
      case 4: return text();
      case 5: return Array.from({ length: int(5) }, () => value(depth + 1));
      case 6: return Object.fromEntries(Array.from({ length: int(4) }, () => [text(), value(depth + 1)]));
      default: return Array.from({ length: int(4) }, () => text());
    }
  };
  return { int, text, value };
}

const HEADER_NAMES = ["url-signature", "URL-Signature", "url-expires", "URL-Expires", "url-methods", "URL-Methods", "url-paths", "URL-Paths", "x-project-id", "X-Project-ID", "client-id"];
const ACTIONS = ["message_list", "message_get", "message_get_many", "message_post", "message_delete", "message_delete_many", "queue_list", "", "constructor"];

test("random garbage headers never make the HTTP verifier throw or accept", (t) => {
  for (let seed = 1; seed <= 400; seed++) {
    const f = fuzzer(seed);
    const headers: Record<string, string | string[] | undefined> = {};
    for (const name of HEADER_NAMES) {
      const pick = f.int(4);
      if (pick === 0) continue;
      headers[name] = pick === 1 ? [f.text(), f.text()] : f.text();
    }
    if (f.int(2) === 0) headers["url-signature"] = f.text();
    const req = signedHttpRequest(f.text(), f.text(), headers);
    t.notThrows(() => verifySignedRequest(req ?? ({} as SignedRequest), f.text(), f.int(2 ** 40)), `seed ${seed}`);
    if (req !== undefined) t.false(verifySignedRequest(req, "secret", 0), `seed ${seed}`);
  }
});

test("random garbage frames never make the WebSocket verifier throw or accept", (t) => {
  for (let seed = 1; seed <= 400; seed++) {
    const f = fuzzer(seed);
    const headers: Record<string, unknown> = {};
    for (const name of HEADER_NAMES) if (f.int(3) !== 0) headers[name] = f.value();
    if (f.int(2) === 0) headers["URL-Signature"] = f.text();
    const body = f.int(5) === 0 ? (f.value() as Record<string, unknown>) : { queue_name: f.int(2) === 0 ? "q" : f.value() };
    const action = f.int(3) === 0 ? f.text() : (ACTIONS[f.int(ACTIONS.length)] as string);
    let req: SignedRequest | null | undefined;
    t.notThrows(() => {
      req = signedWsRequest(action, headers, body);
    }, `seed ${seed}`);
    if (req) t.false(verifySignedRequest(req, "secret", 0), `seed ${seed}`);
  }
});

test("verifySignedRequest answers false for fields of the wrong types (untyped callers)", (t) => {
  for (let seed = 1; seed <= 400; seed++) {
    const f = fuzzer(seed);
    const req = Object.fromEntries(["method", "path", "project", "signature", "expires", "methods", "paths"].map((k) => [k, f.value()]));
    t.false(verifySignedRequest(req as unknown as SignedRequest, f.int(2) === 0 ? "secret" : (f.value() as string), f.int(2 ** 40)), `seed ${seed}`);
  }
  t.false(verifySignedRequest(null as unknown as SignedRequest, "secret", 0));
  t.is(signedHttpRequest("GET", "/", null as unknown as Record<string, string>), undefined);
  t.is(signedWsRequest("message_list", null as unknown as Record<string, unknown>, {}), undefined);
  t.is(signedWsRequest("message_list", { "URL-Signature": "x" }, null as unknown as Record<string, unknown>), null);
});

test("random expiry texts always parse to a date or an error, fast", (t) => {
  const started = performance.now();
  for (let seed = 1; seed <= 2000; seed++) {
    const f = fuzzer(seed);
    const text = f.int(2) === 0 ? f.text() : `2030-0${f.int(10)}-${f.int(40)}T${f.int(30)}:${f.int(70)}:${f.int(70)}${f.text()}`;
    const e = parseExpires(text);
    t.true(e.ok ? /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(e.text) : e.message.length > 0, `seed ${seed}`);
  }
  t.true(performance.now() - started < 5000);
});
