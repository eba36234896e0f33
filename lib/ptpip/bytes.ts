/**
 * Little-endian bytes for PTP and PTP/IP: a growing writer for the encoders, and UTF-16LE text both
 * ways. Pure. Decoding never throws: odd bytes are dropped and lone surrogates become U+FFFD.
 *
 * @module
 */

/** Appends little-endian values to a buffer that grows as needed. */
export class ByteWriter {
  #bytes = new Uint8Array(64);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  /** Reserves `n` bytes and returns where they start (after growing, so read the fields after). */
  #room(n: number): number {
    const at = this.#length;
    if (at + n > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(this.#bytes.length * 2, at + n));
      grown.set(this.#bytes.subarray(0, at));
      this.#bytes = grown;
      this.#view = new DataView(grown.buffer);
    }
    this.#length = at + n;
    return at;
  }

  /** Appends one byte. */
  u8(value: number): this {
    const at = this.#room(1);
    this.#view.setUint8(at, value);
    return this;
  }

  /** Appends a u16. */
  u16(value: number): this {
    const at = this.#room(2);
    this.#view.setUint16(at, value, true);
    return this;
  }

  /** Appends a u32 (taken modulo 2^32). */
  u32(value: number): this {
    const at = this.#room(4);
    this.#view.setUint32(at, value >>> 0, true);
    return this;
  }

  /** Appends a u64 (a number must be a safe non-negative integer). */
  u64(value: bigint | number): this {
    const at = this.#room(8);
    this.#view.setBigUint64(at, BigInt.asUintN(64, BigInt(value)), true);
    return this;
  }

  /** Appends raw bytes. */
  bytes(value: Uint8Array): this {
    const at = this.#room(value.length);
    this.#bytes.set(value, at);
    return this;
  }

  /** The bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** `text` as UTF-16LE code units, without a terminator. */
export function utf16Units(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >> 8;
  }
  return out;
}

const utf16Decoder = new TextDecoder("utf-16le", { fatal: false, ignoreBOM: true });

/**
 * UTF-16LE `bytes` as text, up to the first NUL unit if there is one. A trailing odd byte is
 * dropped; lone surrogates come out as U+FFFD. Never throws.
 */
export function decodeUtf16(bytes: Uint8Array): string {
  let end = bytes.length & ~1;
  for (let i = 0; i + 1 < end; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      end = i;
      break;
    }
  }
  return utf16Decoder.decode(bytes.subarray(0, end));
}
