// Little-endian bytes for PTP: the writer's layout and growth, and UTF-16LE both ways, with odd
// and broken input decoding leniently instead of throwing.

import { assertEquals } from "../support/assert.ts";
import { ByteWriter, decodeUtf16, utf16Units } from "../../lib/ptpip/bytes.ts";

Deno.test("ByteWriter appends each width little-endian", () => {
  const bytes = new ByteWriter().u8(0x01).u16(0x0302).u32(0x07060504).u64(0x0f0e0d0c0b0a0908n)
    .bytes(new Uint8Array([0xaa, 0xbb])).finish();
  assertEquals([...bytes], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0xaa, 0xbb]);
});

Deno.test("ByteWriter wraps a u32 modulo 2^32 and takes a u64 as a number or a bigint", () => {
  assertEquals([...new ByteWriter().u32(-1).u32(2 ** 32 + 5).finish()], [
    0xff,
    0xff,
    0xff,
    0xff,
    5,
    0,
    0,
    0,
  ]);
  assertEquals(
    [...new ByteWriter().u64(2 ** 40).finish()],
    [...new ByteWriter().u64(1n << 40n).finish()],
  );
  assertEquals([...new ByteWriter().u64(2 ** 40).finish()], [0, 0, 0, 0, 0, 1, 0, 0]);
});

Deno.test("ByteWriter grows past its first buffer and keeps what it wrote", () => {
  const w = new ByteWriter();
  for (let i = 0; i < 100; i++) w.u16(i);
  w.bytes(new Uint8Array(300).fill(7));
  const bytes = w.finish();
  assertEquals(bytes.length, 500);
  const view = new DataView(bytes.buffer);
  assertEquals(Array.from({ length: 100 }, (_, i) => view.getUint16(2 * i, true)), [
    ...Array(100).keys(),
  ]);
  assertEquals(bytes.subarray(200).every((b) => b === 7), true);
});

Deno.test("finish returns a copy: writing on does not change it", () => {
  const w = new ByteWriter().u8(1);
  const first = w.finish();
  w.u8(2);
  assertEquals([...first], [1]);
  assertEquals([...w.finish()], [1, 2]);
});

Deno.test("utf16Units writes code units little-endian, a surrogate pair as two, no terminator", () => {
  assertEquals([...utf16Units("")], []);
  assertEquals([...utf16Units("A\u00e9")], [0x41, 0, 0xe9, 0]);
  assertEquals([...utf16Units("📷")], [0x3d, 0xd8, 0xf7, 0xdc]);
  assertEquals(decodeUtf16(utf16Units("Ä📷_é.JPG")), "Ä📷_é.JPG");
});

Deno.test("odd UTF-16 and lone surrogates decode without throwing", () => {
  assertEquals(decodeUtf16(new Uint8Array([0x41, 0, 0x42])), "A");
  assertEquals(decodeUtf16(new Uint8Array([0x00, 0xd8, 0x41, 0])), "\ufffdA");
  assertEquals(decodeUtf16(new Uint8Array([0x41, 0, 0, 0, 0x42, 0])), "A");
});

Deno.test("a NUL byte that is half of a unit does not end the text", () => {
  // 0x0100 is U+0100; its low byte is 0: only a whole NUL unit ends the text.
  assertEquals(decodeUtf16(new Uint8Array([0x00, 0x01, 0x41, 0x00])), "\u0100A");
  // A leading byte-order mark is text, not a marker to strip.
  assertEquals(decodeUtf16(new Uint8Array([0xff, 0xfe, 0x41, 0x00])), "\ufeffA");
});
