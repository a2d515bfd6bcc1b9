/**
 * protoc-gen-zq-codec: fast binary codecs for protobuf-es message shapes.
 *
 * Why: the edge↔core hop encodes and decodes every operation of every REST
 * request. @bufbuild/protobuf's reflective toBinary/fromBinary cost ~7-15 µs
 * per small operation (a TextEncoder call per string, a chunk and a copy per
 * nested message); these straight-line functions, generated per message, do
 * the same work in a fraction of that and produce identical bytes and
 * identical message objects (tests check both against @bufbuild/protobuf).
 *
 * For each message M of each file x.proto it writes, to x_codec.ts:
 *   encodeM(m): Buffer        the encoding, byte for byte as toBinary writes it
 *   decodeM(bytes): M         a message as fromBinary makes it (unknown fields dropped)
 *   sizeM / writeM / readM    the parts, for messages that nest M
 * and copies runtime.ts to codec_runtime.ts once. Run by `buf generate`
 * (buf.gen.yaml); needs the shapes that protoc-gen-es generates beside it.
 *
 * Supported: proto3 messages of string, bytes, bool, int32, uint32, int64,
 * uint64, double and open-enum fields, singular, optional, in oneofs, repeated
 * (strings, bytes, messages) and in maps with string keys: what zaqar.v1 uses.
 * Anything else fails generation with a message saying so, rather than being
 * encoded by code no test has run.
 */
import { readFileSync } from "node:fs";
import { ScalarType, type DescField, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { createEcmaScriptPlugin, runNodeJs, type Schema } from "@bufbuild/protoplugin";

const RUNTIME = "codec_runtime";

/** The TS name protoc-gen-es gives a message shape (nested: Outer_Inner). */
const shapeName = (m: DescMessage): string => m.typeName.slice(m.file.proto.package.length + 1).replaceAll(".", "_");

/** A tag's bytes, as a varint. */
function tagBytes(number: number, wireType: number): number[] {
  let v = ((number << 3) | wireType) >>> 0;
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

const writeTag = (bytes: number[]): string => bytes.map((b) => `w.byte(${b});`).join(" ");

type Kind = "varint" | "bit64" | "len" | "bit32";

interface ScalarInfo {
  readonly wire: Kind;
  /** Size expression of a value (without tag). */
  size(v: string): string;
  /** Writer method. */
  write: string;
  /** The writer's argument for a value (64-bit strings become bigints). */
  arg(v: string): string;
  /** Reader expression. */
  read: string;
  /** Implicit-presence "is set" test, as @bufbuild/protobuf's isScalarZeroValue negated. */
  isSet(v: string): string;
  /** Zero value literal. */
  zero: string;
}

const WIRE: Record<Kind, number> = { varint: 0, bit64: 1, len: 2, bit32: 5 };

const unsupported = (what: string): Error =>
  new Error(`protoc-gen-zq-codec: ${what} is not supported yet; extend scripts/codec (and test/codec) first`);

function scalarInfo(type: ScalarType, utf8Validation: boolean): ScalarInfo {
  const id = (v: string) => v;
  switch (type) {
    case ScalarType.STRING:
      return { wire: "len", size: () => "", write: "string", arg: id, read: `r.string(${utf8Validation})`, isSet: (v) => `${v} !== ""`, zero: `""` };
    case ScalarType.BYTES:
      return { wire: "len", size: () => "", write: "bytes", arg: id, read: "r.bytes()", isSet: (v) => `${v}.byteLength > 0`, zero: "new Uint8Array(0)" };
    case ScalarType.BOOL:
      return { wire: "varint", size: () => "1", write: "bool", arg: id, read: "r.bool()", isSet: (v) => `${v} !== false`, zero: "false" };
    case ScalarType.INT32:
      return { wire: "varint", size: (v) => `int32Size(${v})`, write: "int32", arg: id, read: "r.int32()", isSet: (v) => `${v} !== 0`, zero: "0" };
    case ScalarType.UINT32:
      return { wire: "varint", size: (v) => `varintSize(${v})`, write: "uint32", arg: id, read: "r.uint32()", isSet: (v) => `${v} !== 0`, zero: "0" };
    case ScalarType.INT64:
    case ScalarType.UINT64:
      return {
        wire: "varint",
        size: (v) => `varint64Size(${v})`,
        write: "int64",
        arg: id,
        read: type === ScalarType.INT64 ? "r.int64()" : "r.uint64()",
        isSet: (v) => `${v} !== 0n`,
        zero: "0n",
      };
    case ScalarType.DOUBLE:
      // -0 is written (only +0 is the zero value), as in @bufbuild/protobuf.
      return { wire: "bit64", size: () => "8", write: "double", arg: id, read: "r.double()", isSet: (v) => `!Object.is(${v}, 0)`, zero: "0" };
    default:
      throw unsupported(`scalar type ${ScalarType[type]}`);
  }
}

/** Scalar info of a field's scalar or open enum values. */
function valueInfo(field: DescField, what: { scalar?: ScalarType | undefined; enumOpen?: boolean | undefined }): ScalarInfo {
  if ("longAsString" in field && field.longAsString === true) throw unsupported(`jstype=JS_STRING (${field.toString()})`);
  if (what.scalar !== undefined) return scalarInfo(what.scalar, field.utf8Validation);
  if (what.enumOpen === false) throw unsupported(`closed enum (${field.toString()})`);
  return scalarInfo(ScalarType.INT32, false);
}

/** Size statements and write statements for one value of a scalar kind (tag included). */
function scalarCode(info: ScalarInfo, v: string, tag: number[]): { size: string[]; write: string[] } {
  const t = tag.length;
  if (info.write === "string") return { size: [`{ const s = utf8Size(${v}); l.push(s); n += ${t} + varintSize(s) + s; }`], write: [`${writeTag(tag)} w.string(${v});`] };
  if (info.write === "bytes") return { size: [`n += ${t} + varintSize(${v}.byteLength) + ${v}.byteLength;`], write: [`${writeTag(tag)} w.bytes(${v});`] };
  return { size: [`n += ${t} + ${info.size(v)};`], write: [`${writeTag(tag)} w.${info.write}(${info.arg(v)});`] };
}

interface Emitter {
  size: string[];
  write: string[];
  read: string[];
  /** Names this file needs imported: codec functions of other files. */
  imports: Map<string, Set<string>>;
}

function codecRef(e: Emitter, from: DescMessage, target: DescMessage, fn: "size" | "write" | "read"): string {
  const name = `${fn}${shapeName(target)}`;
  if (target.file !== from.file) {
    const path = `./${target.file.name.split("/").pop()}_codec.js`;
    let names = e.imports.get(path);
    if (!names) e.imports.set(path, (names = new Set()));
    names.add(name);
  }
  return name;
}

function messageCode(e: Emitter, parent: DescMessage, target: DescMessage, v: string, tag: number[]): { size: string[]; write: string[] } {
  const size = codecRef(e, parent, target, "size");
  const write = codecRef(e, parent, target, "write");
  return {
    size: [`{ const i = l.length; l.push(0); const s = ${size}(${v}, l); l[i] = s; n += ${tag.length} + varintSize(s) + s; }`],
    write: [`${writeTag(tag)} w.uint32(w.len()); ${write}(${v}, w);`],
  };
}

function fieldCode(e: Emitter, msg: DescMessage, field: DescField): void {
  if ("delimitedEncoding" in field && field.delimitedEncoding === true) throw unsupported(`delimited (group) encoding (${field.toString()})`);
  const name = field.localName;
  const oneof = field.oneof;
  const v = oneof ? `m.${oneof.localName}.value` : `m.${name}`;
  const guard = oneof ? `m.${oneof.localName}.case === "${name}"` : null;
  const tagLen = tagBytes(field.number, 2);
  const tagValue = (wire: number) => ((field.number << 3) | wire) >>> 0;
  let size: string[];
  let write: string[];
  switch (field.fieldKind) {
    case "scalar":
    case "enum": {
      const info = valueInfo(field, field.fieldKind === "scalar" ? { scalar: field.scalar } : { enumOpen: field.enum.open });
      const code = scalarCode(info, oneof ? "v" : v, tagBytes(field.number, WIRE[info.wire]));
      const cond = guard ?? (field.presence === 2 /* IMPLICIT */ ? info.isSet(v) : `${v} !== undefined`);
      const bind = oneof ? `const v = ${v}; ` : "";
      size = [`if (${cond}) { ${bind}${code.size.join(" ")} }`];
      write = [`if (${cond}) { ${bind}${code.write.join(" ")} }`];
      const assign = oneof ? (x: string) => `m.${oneof.localName} = { case: "${name}", value: ${x} };` : (x: string) => `m.${name} = ${x};`;
      e.read.push(`case ${tagValue(WIRE[info.wire])}: ${assign(info.read)} break;`);
      break;
    }
    case "message": {
      const code = messageCode(e, msg, field.message, oneof ? "v" : v, tagLen);
      const cond = guard ?? `${v} !== undefined`;
      size = [`if (${cond}) { ${oneof ? `const v = ${v}; ` : ""}${code.size.join(" ")} }`];
      write = [`if (${cond}) { ${oneof ? `const v = ${v}; ` : ""}${code.write.join(" ")} }`];
      const read = codecRef(e, msg, field.message, "read");
      if (oneof) {
        e.read.push(
          `case ${tagValue(2)}: { const end2 = r.delimited(end); const o = m.${oneof.localName}; m.${oneof.localName} = { case: "${name}", value: ${read}(r, end2, o.case === "${name}" ? o.value : undefined) }; break; }`,
        );
      } else e.read.push(`case ${tagValue(2)}: { const end2 = r.delimited(end); m.${name} = ${read}(r, end2, m.${name}); break; }`);
      break;
    }
    case "list": {
      if (field.listKind === "message") {
        const code = messageCode(e, msg, field.message, "x", tagLen);
        size = [`for (const x of ${v}) { ${code.size.join(" ")} }`];
        write = [`for (const x of ${v}) { ${code.write.join(" ")} }`];
        const read = codecRef(e, msg, field.message, "read");
        e.read.push(`case ${tagValue(2)}: { const end2 = r.delimited(end); ${v}.push(${read}(r, end2)); break; }`);
        break;
      }
      const info = valueInfo(field, field.listKind === "scalar" ? { scalar: field.scalar } : { enumOpen: field.enum.open });
      if (info.wire === "len") {
        const code = scalarCode(info, "x", tagLen);
        size = [`for (const x of ${v}) { ${code.size.join(" ")} }`];
        write = [`for (const x of ${v}) { ${code.write.join(" ")} }`];
        e.read.push(`case ${tagValue(2)}: ${v}.push(${info.read}); break;`);
        break;
      }
      throw unsupported(`repeated ${info.wire} values (${field.toString()})`);
    }
    case "map": {
      if (field.mapKey !== ScalarType.STRING) throw unsupported(`a map key other than string (${field.toString()})`);
      const key = scalarInfo(ScalarType.STRING, field.utf8Validation);
      const keyCode = scalarCode(key, "k", tagBytes(1, 2));
      if (field.mapKind === "message") throw unsupported(`map values of messages (${field.toString()})`);
      const info = valueInfo(field, field.mapKind === "scalar" ? { scalar: field.scalar } : { enumOpen: field.enum.open });
      const val = scalarCode(info, "x", tagBytes(2, WIRE[info.wire]));
      const valSize = val.size;
      const valWrite = val.write;
      const valRead = `x = ${info.read};`;
      const valZero = info.zero;
      size = [
        `for (const k in ${v}) { const x = ${v}[k]!; const i = l.length; l.push(0); const n0 = n; n = 0; ${keyCode.size.join(" ")} ${valSize.join(" ")} const s = n; n = n0; l[i] = s; n += ${tagLen.length} + varintSize(s) + s; }`,
      ];
      write = [`for (const k in ${v}) { const x = ${v}[k]!; ${writeTag(tagLen)} w.uint32(w.len()); ${keyCode.write.join(" ")} ${valWrite.join(" ")} }`];
      e.read.push(
        `case ${tagValue(2)}: { const end2 = r.delimited(end); let k = ""; let x = ${valZero}; while (r.pos < end2) { const t = r.uint32(); if (t === 10) k = ${key.read}; else if (t === ${(2 << 3) | WIRE[info.wire]}) ${valRead} else r.skip(t, end2); } r.done(end2); ${v}[k] = x; break; }`,
      );
      break;
    }
  }
  e.size.push(...size);
  e.write.push(...write);
}

/** The zero message literal, as @bufbuild/protobuf's create() makes it for proto3. */
function zeroLiteral(msg: DescMessage): string {
  const parts = [`$typeName: "${msg.typeName}"`];
  for (const member of msg.members) {
    if (member.kind === "oneof") parts.push(`${member.localName}: { case: undefined }`);
    else if (member.fieldKind === "list") parts.push(`${member.localName}: []`);
    else if (member.fieldKind === "map") parts.push(`${member.localName}: {}`);
    else if (member.fieldKind === "message" || member.presence !== 2) continue;
    else if (member.fieldKind === "enum") parts.push(`${member.localName}: ${member.enum.values[0]?.number ?? 0}`);
    else parts.push(`${member.localName}: ${scalarInfo(member.scalar, false).zero}`);
  }
  return `{ ${parts.join(", ")} }`;
}

function messagesOf(file: DescFile): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (m: DescMessage): void => {
    out.push(m);
    m.nestedMessages.forEach(visit);
  };
  file.messages.forEach(visit);
  return out;
}

function generateFile(schema: Schema, file: DescFile): void {
  const f = schema.generateFile(`${file.name}_codec.ts`);
  f.preamble(file);
  const shapes = new Set<string>();
  const body: string[] = [];
  const e: Emitter = { size: [], write: [], read: [], imports: new Map() };
  for (const msg of messagesOf(file)) {
    if (file.proto.syntax !== "proto3") throw new Error(`protoc-gen-zq-codec: ${file.name} is not proto3`);
    const name = shapeName(msg);
    shapes.add(name);
    e.size = [];
    e.write = [];
    e.read = [];
    const sorted = [...msg.fields].sort((a, b) => a.number - b.number);
    for (const field of sorted) fieldCode(e, msg, field);
    const used = (code: string[]) => (code.join("\n").includes("m.") ? "m" : "_m");
    body.push(
      `/** Size of ${msg.typeName} without its tag and length, recording nested lengths in \`l\`. */`,
      `export function size${name}(${used(e.size)}: ${name}, ${e.size.some((c) => c.includes("l.")) ? "l" : "_l"}: Lens): number {`,
      `  let n = 0;`,
      ...e.size.map((c) => `  ${c}`),
      `  return n;`,
      `}`,
      "",
      `/** Writes ${msg.typeName} (sized by size${name}). */`,
      `export function write${name}(${used(e.write)}: ${name}, ${e.write.length > 0 ? "w" : "_w"}: Writer): void {`,
      ...e.write.map((c) => `  ${c}`),
      `}`,
      "",
      `/** Reads ${msg.typeName} from r.pos to \`end\`, into \`m\` when merging. */`,
      `export function read${name}(r: Reader, end: number, m: ${name} = ${zeroLiteral(msg)}): ${name} {`,
      `  while (r.pos < end) {`,
      `    const t = r.uint32();`,
      `    switch (t) {`,
      ...e.read.map((c) => `      ${c}`),
      `      default: r.skip(t, end);`,
      `    }`,
      `  }`,
      `  r.done(end);`,
      `  return m;`,
      `}`,
      "",
      `/** ${msg.typeName} in binary, as toBinary writes it. */`,
      `export function encode${name}(m: ${name}): Buffer {`,
      `  const l: Lens = [];`,
      `  const w = new Writer(size${name}(m, l), l);`,
      `  write${name}(m, w);`,
      `  return w.buf;`,
      `}`,
      "",
      `/** ${msg.typeName} from binary, as fromBinary reads it (unknown fields dropped). */`,
      `export function decode${name}(bytes: Uint8Array): ${name} {`,
      `  const r = new Reader(bytes);`,
      `  return read${name}(r, r.buf.length);`,
      `}`,
      "",
    );
  }
  const code = body.join("\n");
  const runtime = ["Lens", "Reader", "Writer", "int32Size", "utf8Size", "varint64Size", "varintSize"].filter((n) =>
    new RegExp(`\\b${n}\\b`).test(code),
  );
  const depth = file.name.split("/").length - 1;
  const up = depth === 0 ? "./" : "../".repeat(depth);
  const lines = [
    `import type { ${[...shapes].join(", ")} } from "./${file.name.split("/").pop()}_pb.js";`,
    `import { ${runtime.join(", ")} } from "${up}${RUNTIME}.js";`,
    ...[...e.imports].map(([path, names]) => `import { ${[...names].sort().join(", ")} } from "${path}";`),
    "",
    code,
  ];
  // Type-only runtime names must not be imported as values under verbatimModuleSyntax.
  f.print(lines.join("\n").replace(`import { Lens, `, `import { type Lens, `));
}

const plugin = createEcmaScriptPlugin({
  name: "protoc-gen-zq-codec",
  version: "v1",
  generateTs(schema) {
    const rt = schema.generateFile(`${RUNTIME}.ts`);
    rt.print(`// @generated by protoc-gen-zq-codec: a copy of scripts/codec/runtime.ts\n`);
    rt.print(readFileSync(new URL("./runtime.ts", import.meta.url), "utf8"));
    for (const file of schema.files) generateFile(schema, file);
  },
});

runNodeJs(plugin);
