/**
 * The generated codecs (scripts/codec) against @bufbuild/protobuf, on every
 * message of zaqar.v1: for thousands of random messages, encodeX writes
 * exactly the bytes toBinary writes, and decodeX reads exactly the message
 * fromBinary reads; malformed input fails as fromBinary fails; unknown
 * fields are skipped; a repeated message field merges.
 */
import { create, fromBinary, toBinary, ScalarType, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import test from "ava";
import * as batchCodec from "../../proto/gen/zaqar/v1/batch_codec.js";
import { file_zaqar_v1_batch, OperationSchema, OutcomeSchema } from "../../proto/gen/zaqar/v1/batch_pb.js";
import * as claimCodec from "../../proto/gen/zaqar/v1/claim_codec.js";
import { file_zaqar_v1_claim } from "../../proto/gen/zaqar/v1/claim_pb.js";
import * as errorsCodec from "../../proto/gen/zaqar/v1/errors_codec.js";
import { file_zaqar_v1_errors } from "../../proto/gen/zaqar/v1/errors_pb.js";
import * as healthCodec from "../../proto/gen/zaqar/v1/health_codec.js";
import { file_zaqar_v1_health } from "../../proto/gen/zaqar/v1/health_pb.js";
import * as messageCodec from "../../proto/gen/zaqar/v1/message_codec.js";
import { file_zaqar_v1_message } from "../../proto/gen/zaqar/v1/message_pb.js";
import * as messageTypesCodec from "../../proto/gen/zaqar/v1/message_types_codec.js";
import { file_zaqar_v1_message_types } from "../../proto/gen/zaqar/v1/message_types_pb.js";
import * as notificationCodec from "../../proto/gen/zaqar/v1/notification_codec.js";
import { file_zaqar_v1_notification } from "../../proto/gen/zaqar/v1/notification_pb.js";
import * as queueCodec from "../../proto/gen/zaqar/v1/queue_codec.js";
import { file_zaqar_v1_queue } from "../../proto/gen/zaqar/v1/queue_pb.js";
import * as subscriptionCodec from "../../proto/gen/zaqar/v1/subscription_codec.js";
import { file_zaqar_v1_subscription } from "../../proto/gen/zaqar/v1/subscription_pb.js";
import * as topicCodec from "../../proto/gen/zaqar/v1/topic_codec.js";
import { file_zaqar_v1_topic } from "../../proto/gen/zaqar/v1/topic_pb.js";
import { prng } from "../helpers/prng.ts";

type Codec = { encode: (m: Message) => Buffer; decode: (b: Uint8Array) => Message };

const files = [
  [file_zaqar_v1_batch, batchCodec],
  [file_zaqar_v1_claim, claimCodec],
  [file_zaqar_v1_errors, errorsCodec],
  [file_zaqar_v1_health, healthCodec],
  [file_zaqar_v1_message, messageCodec],
  [file_zaqar_v1_message_types, messageTypesCodec],
  [file_zaqar_v1_notification, notificationCodec],
  [file_zaqar_v1_queue, queueCodec],
  [file_zaqar_v1_subscription, subscriptionCodec],
  [file_zaqar_v1_topic, topicCodec],
] as const;

const schemas: Array<[DescMessage, Codec]> = files.flatMap(([file, codec]) =>
  file.messages.map((desc): [DescMessage, Codec] => {
    const fns = codec as unknown as Record<string, unknown>;
    return [desc, { encode: fns[`encode${desc.name}`] as Codec["encode"], decode: fns[`decode${desc.name}`] as Codec["decode"] }];
  }),
);


const STRINGS = ["", "a", "queue-1", "é", "日本語", "😀", "x".repeat(47), "y".repeat(48), "z".repeat(49), "é".repeat(30), "lone \ud800 surrogate", "q".repeat(300)];
const INT32 = [0, 1, -1, 127, 128, 16383, 16384, 2147483647, -2147483648, 300, -300];
const UINT32 = [0, 1, 127, 128, 16384, 2097151, 2097152, 268435455, 268435456, 4294967295];
const INT64 = [0n, 1n, -1n, 127n, 128n, 2n ** 31n, 2n ** 32n, 2n ** 35n, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 35n)];
const UINT64 = [0n, 1n, 128n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 56n, 2n ** 64n - 1n];
const DOUBLES = [0, -0, 1.5, -2.25, 1e300, Number.MIN_VALUE, Number.POSITIVE_INFINITY, Number.NaN];

function randomScalar(type: ScalarType, rnd: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  switch (type) {
    case ScalarType.STRING:
      return pick(STRINGS);
    case ScalarType.BYTES: {
      const n = pick([0, 1, 5, 127, 128, 1024, 17_000]);
      return Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
    }
    case ScalarType.BOOL:
      return rnd() < 0.5;
    case ScalarType.INT32:
      return pick(INT32);
    case ScalarType.UINT32:
      return pick(UINT32);
    case ScalarType.INT64:
      return pick(INT64);
    case ScalarType.UINT64:
      return pick(UINT64);
    case ScalarType.DOUBLE:
      return pick(DOUBLES);
    default:
      throw new Error(`no generator for ${ScalarType[type]}`);
  }
}

function randomField(field: DescField, rnd: () => number, depth: number): unknown {
  switch (field.fieldKind) {
    case "scalar":
      return randomScalar(field.scalar, rnd);
    case "enum":
      return field.enum.values[Math.floor(rnd() * field.enum.values.length)]?.number ?? 0;
    case "message":
      return randomMessage(field.message, rnd, depth + 1);
    case "list": {
      const n = Math.floor(rnd() * 4);
      return Array.from({ length: n }, () =>
        field.listKind === "message" ? randomMessage(field.message, rnd, depth + 1) : randomScalar(field.scalar ?? ScalarType.INT32, rnd),
      );
    }
    case "map": {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(rnd() * 4); i > 0; i--) out[randomScalar(ScalarType.STRING, rnd) as string] = randomScalar(field.scalar ?? ScalarType.INT32, rnd);
      return out;
    }
  }
}

function randomMessage(desc: DescMessage, rnd: () => number, depth = 0): Message {
  const init: Record<string, unknown> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      const choice = Math.floor(rnd() * (member.fields.length + 1));
      const field = member.fields[choice];
      if (field !== undefined && depth < 4) init[member.localName] = { case: field.localName, value: randomField(field, rnd, depth) };
      continue;
    }
    // Leave some fields unset (and messages beyond a depth).
    if (rnd() < 0.25 || (member.fieldKind === "message" && depth >= 4)) continue;
    init[member.localName] = randomField(member, rnd, depth);
  }
  return create(desc, init as never);
}

test("every message encodes to toBinary's bytes and decodes to fromBinary's message", (t) => {
  const rnd = prng(42);
  let checked = 0;
  for (const [desc, codec] of schemas) {
    for (let i = 0; i < 200; i++) {
      const message = randomMessage(desc, rnd);
      const expected = Buffer.from(toBinary(desc, message));
      const actual = codec.encode(message);
      if (!actual.equals(expected)) t.fail(`${desc.typeName} #${i}: ${actual.toString("hex")} != ${expected.toString("hex")}`);
      t.deepEqual(codec.decode(Buffer.from(expected)), fromBinary(desc, Buffer.from(expected)), `${desc.typeName} #${i}`);
      checked++;
    }
  }
  t.true(checked > 8_000, `${checked} messages`);
});

test("unknown fields of every wire type are skipped", (t) => {
  const op = create(OperationSchema, { id: 7, context: { projectId: "p" }, request: { case: "ping", value: {} } });
  const unknown = Buffer.from([
    (90 << 3) | 0, 0x96, 0x01, // varint
    (91 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, // 64-bit
    (92 << 3) | 2, 3, 0x61, 0x62, 0x63, // length-delimited
    (93 << 3) | 5, 1, 2, 3, 4, // 32-bit
  ].flatMap((b) => (b > 0xff ? [(b & 0x7f) | 0x80, b >> 7] : [b])));
  const bytes = Buffer.concat([batchCodec.encodeOperation(op), unknown]);
  const { $unknown, ...expected } = fromBinary(OperationSchema, bytes);
  t.is($unknown?.length, 4);
  t.deepEqual(batchCodec.decodeOperation(bytes), expected as never);
});

test("a message field written twice is merged, as fromBinary merges it", (t) => {
  const a = batchCodec.encodeOperation(create(OperationSchema, { context: { projectId: "p", roles: ["a"] } }));
  const b = batchCodec.encodeOperation(create(OperationSchema, { context: { requestId: "r", roles: ["b"] }, id: 3 }));
  const both = Buffer.concat([a, b]);
  const merged = batchCodec.decodeOperation(both);
  t.deepEqual(merged, fromBinary(OperationSchema, both));
  t.deepEqual(merged.context?.roles, ["a", "b"]);
  t.is(merged.context?.projectId, "p");
});

test("truncated input and invalid UTF-8 fail as they fail in fromBinary", (t) => {
  const outcome = create(OutcomeSchema, { id: 1, response: { case: "failure", value: { code: 5, description: "not found", detail: { reason: "R", meta: { k: "v" } } } } });
  const bytes = batchCodec.encodeOutcome(outcome);
  let failures = 0;
  for (let cut = 1; cut < bytes.length; cut++) {
    const part = Buffer.from(bytes.subarray(0, cut));
    let theirs: unknown;
    try {
      theirs = fromBinary(OutcomeSchema, part);
    } catch {
      theirs = undefined;
    }
    // A cut at a field boundary is a valid shorter message; anywhere else both refuse it.
    if (theirs === undefined) {
      failures++;
      t.throws(() => batchCodec.decodeOutcome(part), undefined, `cut at ${cut}`);
    } else t.deepEqual(batchCodec.decodeOutcome(part), theirs as never, `cut at ${cut}`);
  }
  t.true(failures > bytes.length / 2);
  // "not found" with its first byte replaced by 0xff: not UTF-8.
  const bad = Buffer.from(bytes);
  bad[bad.indexOf("not found")] = 0xff;
  t.throws(() => fromBinary(OutcomeSchema, bad));
  t.throws(() => batchCodec.decodeOutcome(bad), { message: /UTF-8/ });
});
