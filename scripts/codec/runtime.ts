/**
 * Runtime of the codecs that protoc-gen-zq-codec generates (copied verbatim
 * into proto/gen/codec_runtime.ts by the plugin; edit it here).
 *
 * Encoding is size-first: a size pass walks the message once, computing the
 * exact length of every nested message and string and pushing them, in the
 * order the write pass will need them, onto a list; the write pass then
 * fills one Buffer of exactly the right size, front to back, consuming the
 * list. Nothing is copied twice and no intermediate chunks are made, unlike
 * @bufbuild/protobuf's BinaryWriter (a chunk per nested message, a copy per
 * nesting level, a TextEncoder call per string).
 *
 * Decoding reads from one Buffer; bytes fields are views into it (as with
 * @bufbuild/protobuf), strings are validated UTF-8 where the schema asks.
 * Unknown fields are skipped, not kept.
 */
import { isUtf8 } from "node:buffer";

/** Lengths recorded by a size pass, consumed in order by the write pass. */
export type Lens = number[];

/** Encoded size of an unsigned 32-bit varint. */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

/** Encoded size of an int32 (negative values take ten bytes). */
export function int32Size(v: number): number {
  return v < 0 ? 10 : varintSize(v);
}

/** Encoded size of a varint of the 64-bit two's complement of `v`. */
export function varint64Size(v: bigint): number {
  let u = BigInt.asUintN(64, v);
  let n = 1;
  while (u > 0x7fn) {
    u >>= 7n;
    n++;
  }
  return n;
}

/** Bytes of `s` in UTF-8 (lone surrogates count as U+FFFD, as Buffer and TextEncoder write them). */
export function utf8Size(s: string): number {
  const n = s.length;
  if (n > 48) return Buffer.byteLength(s, "utf8");
  let size = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) size += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 2; // a pair: 4 bytes for 2 units
      i++;
    } else size += 2;
  }
  return size;
}

/** Writes into a Buffer sized by the size pass. */
export class Writer {
  readonly buf: Buffer;
  pos = 0;
  /** Next entry of `lens` to consume. */
  k = 0;
  readonly lens: Lens;

  constructor(size: number, lens: Lens) {
    this.buf = Buffer.allocUnsafe(size);
    this.lens = lens;
  }

  /** The next length recorded by the size pass. */
  len(): number {
    return this.lens[this.k++] as number;
  }

  byte(b: number): void {
    this.buf[this.pos++] = b;
  }

  uint32(v: number): void {
    const buf = this.buf;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  int32(v: number): void {
    if (v >= 0) this.uint32(v);
    else this.varint64(v >>> 0, 0xffffffff);
  }

  /** A varint of the 64-bit value hi·2³² + lo (both unsigned 32-bit). */
  varint64(lo: number, hi: number): void {
    const buf = this.buf;
    for (let i = 0; i < 4; i++) {
      if (hi === 0 && lo < 0x80) {
        buf[this.pos++] = lo;
        return;
      }
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    // 28 bits of lo written: 4 remain, joined with the low 3 bits of hi.
    lo |= (hi & 0x07) << 4;
    hi >>>= 3;
    if (hi === 0) {
      buf[this.pos++] = lo;
      return;
    }
    buf[this.pos++] = lo | 0x80;
    while (hi > 0x7f) {
      buf[this.pos++] = (hi & 0x7f) | 0x80;
      hi >>>= 7;
    }
    buf[this.pos++] = hi;
  }

  int64(v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.varint64(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  bool(v: boolean): void {
    this.buf[this.pos++] = v ? 1 : 0;
  }

  double(v: number): void {
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** A string whose UTF-8 length the size pass recorded. */
  string(s: string): void {
    const len = this.len();
    this.uint32(len);
    if (len === s.length && len <= 48) {
      // ASCII: byte by byte beats a call into the encoder for short strings.
      const buf = this.buf;
      for (let i = 0; i < len; i++) buf[this.pos + i] = s.charCodeAt(i);
    } else this.buf.write(s, this.pos, len, "utf8");
    this.pos += len;
  }

  bytes(b: Uint8Array): void {
    this.uint32(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }
}

/** Reads a Buffer; every read checks it stays within the buffer. */
export class Reader {
  readonly buf: Buffer;
  pos = 0;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Throws unless the message that should end at `end` ended exactly there. */
  done(end: number): void {
    if (this.pos !== end) throw new Error("premature EOF");
  }

  /** The end of a length-delimited field starting here (after its length), checked against `end`. */
  delimited(end: number): number {
    const len = this.uint32();
    const e = this.pos + len;
    if (e > end) throw new Error("premature EOF");
    return e;
  }

  #byte(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new Error("premature EOF");
    return b;
  }

  /** A varint, keeping its low 32 bits as an unsigned number (as protobuf readers do for uint32). */
  uint32(): number {
    let b = this.#byte();
    if (b < 0x80) return b;
    let v = b & 0x7f;
    b = this.#byte();
    v |= (b & 0x7f) << 7;
    if (b < 0x80) return v;
    b = this.#byte();
    v |= (b & 0x7f) << 14;
    if (b < 0x80) return v;
    b = this.#byte();
    v |= (b & 0x7f) << 21;
    if (b < 0x80) return v;
    b = this.#byte();
    v |= (b & 0x0f) << 28;
    // Up to five more bytes may follow (a sign-extended int32): drop them.
    for (let i = 0; i < 5 && b >= 0x80; i++) b = this.#byte();
    if (b >= 0x80) throw new Error("invalid varint");
    return v >>> 0;
  }

  int32(): number {
    return this.uint32() | 0;
  }

  /** A varint as [lo, hi] unsigned 32-bit halves. */
  #varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      b = this.#byte();
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, 0];
    }
    b = this.#byte();
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return [lo >>> 0, hi];
    for (let shift = 3; shift <= 31; shift += 7) {
      b = this.#byte();
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return [lo >>> 0, hi >>> 0];
    }
    throw new Error("invalid varint");
  }

  uint64(): bigint {
    const [lo, hi] = this.#varint64();
    return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
  }

  int64(): bigint {
    const [lo, hi] = this.#varint64();
    if (hi === 0) return BigInt(lo);
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  }

  bool(): boolean {
    const b = this.#byte();
    if (b < 0x80) return b !== 0;
    this.pos--;
    const [lo, hi] = this.#varint64();
    return lo !== 0 || hi !== 0;
  }

  #need(n: number): number {
    const at = this.pos;
    this.pos += n;
    if (this.pos > this.buf.length) throw new Error("premature EOF");
    return at;
  }

  double(): number {
    return this.buf.readDoubleLE(this.#need(8));
  }

  bytes(): Buffer {
    const len = this.uint32();
    const start = this.#need(len);
    return this.buf.subarray(start, start + len);
  }

  /** A string; with `strict`, invalid UTF-8 throws instead of becoming U+FFFD. */
  string(strict: boolean): string {
    const len = this.uint32();
    const start = this.#need(len);
    const buf = this.buf;
    if (len <= 48) {
      let ascii = true;
      for (let i = start; i < start + len; i++) {
        if ((buf[i] as number) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return buf.toString("latin1", start, start + len);
    }
    if (strict && !isUtf8(buf.subarray(start, start + len))) throw new Error("invalid UTF-8");
    return buf.toString("utf8", start, start + len);
  }

  /** Skips a field of an unknown number, whose tag was just read. */
  skip(tag: number, end: number): void {
    switch (tag & 7) {
      case 0:
        this.#varint64();
        break;
      case 1:
        this.#need(8);
        break;
      case 2:
        this.pos = this.delimited(end);
        break;
      case 3: {
        // A group: skip fields until its end tag.
        for (;;) {
          const t = this.uint32();
          if ((t & 7) === 4) {
            if (t >>> 3 !== tag >>> 3) throw new Error("invalid end group tag");
            break;
          }
          this.skip(t, end);
        }
        break;
      }
      case 5:
        this.#need(4);
        break;
      default:
        throw new Error(`cannot skip wire type ${tag & 7}`);
    }
    if (this.pos > end) throw new Error("premature EOF");
  }
}
