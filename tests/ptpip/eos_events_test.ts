// GetEvent records as a camera sends them: the object-added layout libgphoto2 reads (offsets
// checked against a hand-laid record), other records kept by type, and hostile data (short sizes, a
// size past the end, 0xFFFFFFFF, no terminator, a flood of records, a name without NUL) never
// throwing and bounded. Every layout's round trip through the lab's encoder is
// tests/lab/ptp_camera_codec_test.ts.

import { assert, assertEquals } from "../support/assert.ts";
import { joinBytes } from "../../lib/util/bytes.ts";
import {
  decodeEosEvents,
  EOS_EVENT,
  type EosEvent,
  MAX_EOS_NAME_BYTES,
  MAX_EOS_RECORDS,
} from "../../lib/ptpip/eos_events.ts";
import { encodeEosEvents, encodeEosRecord, encodeObjectAdded } from "../../lab/ptp_camera_codec.ts";
import { EOS_OBJECT as OBJECT } from "../support/ptp_datasets.ts";

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

Deno.test("an ObjectAddedEx record laid out by hand decodes at libgphoto2's offsets", () => {
  const name = [..."IMG_0042.JPG"].map((c) => c.charCodeAt(0));
  const record = new Uint8Array(0x28 + name.length + 1);
  record.set(u32(record.length), 0x00);
  record.set(u32(0xC181), 0x04);
  record.set(u32(0x90F0_0001), 0x08); // handle
  record.set(u32(0x0001_0001), 0x0c); // storage
  record.set([0x01, 0x38], 0x10); // format (u16)
  record.set(u32(6_123_456), 0x1c); // size
  record.set(u32(0x9000_0002), 0x20); // parent
  record.set(name, 0x28);
  assertEquals(decodeEosEvents(encodeEosEvents([record])), [
    { kind: "object-added", type: EOS_EVENT.ObjectAddedEx, ...OBJECT },
  ]);
  assertEquals(encodeObjectAdded(OBJECT), record);
});

Deno.test("an empty answer, the terminator alone, and records after the terminator give nothing more", () => {
  assertEquals(decodeEosEvents(new Uint8Array(0)), []);
  assertEquals(decodeEosEvents(encodeEosEvents([])), []);
  const after = joinBytes([encodeEosEvents([]), encodeObjectAdded(OBJECT)]);
  assertEquals(decodeEosEvents(after), []);
});

Deno.test("a record too short for its name's first byte is 'other', as in libgphoto2", () => {
  const full = encodeObjectAdded(OBJECT);
  const cut = full.slice(0, 0x28);
  new DataView(cut.buffer).setUint32(0, cut.length, true);
  assertEquals(decodeEosEvents(encodeEosEvents([cut])), [
    { kind: "other", type: EOS_EVENT.ObjectAddedEx },
  ]);
});

Deno.test("hostile data: never throws, stops at what is whole", () => {
  const good = encodeObjectAdded(OBJECT);
  const expected: EosEvent[] = [
    { kind: "object-added", type: EOS_EVENT.ObjectAddedEx, ...OBJECT },
  ];
  const withSize = (size: number) => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setUint32(0, size >>> 0, true);
    new DataView(bytes.buffer).setUint32(4, 0xC181, true);
    return bytes;
  };
  for (const size of [0, 1, 7]) {
    assertEquals(decodeEosEvents(joinBytes([good, withSize(size)])), expected, `size ${size}`);
  }
  for (const size of [17, 1000, 0xFFFF_FFFF]) {
    assertEquals(decodeEosEvents(joinBytes([good, withSize(size)])), expected, `size ${size}`);
  }
  // No terminator: the whole records are kept; a cut header or record is not.
  assertEquals(decodeEosEvents(good), expected);
  assertEquals(decodeEosEvents(joinBytes([good, new Uint8Array([8, 0, 0])])), expected);
  assertEquals(decodeEosEvents(joinBytes([good, good.subarray(0, 20)])), expected);
  // Every short buffer, and every prefix of a real answer.
  for (let n = 0; n < 8; n++) assertEquals(decodeEosEvents(new Uint8Array(n).fill(0xff)), []);
  const answer = encodeEosEvents([good, encodeEosRecord(0xC18A, new Uint8Array(3)), good]);
  for (let n = 0; n <= answer.length; n++) {
    const got = decodeEosEvents(answer.subarray(0, n));
    assert(got.length <= 3, `prefix ${n}`);
  }
  // A view into a larger buffer reads from its own start.
  const big = new Uint8Array(good.length + 10);
  big.set(good, 5);
  assertEquals(decodeEosEvents(big.subarray(5, 5 + good.length)), expected);
});

Deno.test("counts and names are bounded: a flood of 8-byte records, a name with no NUL", () => {
  const flood = new Uint8Array((MAX_EOS_RECORDS + 500) * 8);
  const view = new DataView(flood.buffer);
  for (let at = 0; at < flood.length; at += 8) {
    view.setUint32(at, 8, true);
    view.setUint32(at + 4, 0xC18B, true);
  }
  assertEquals(decodeEosEvents(flood).length, MAX_EOS_RECORDS);

  const long = encodeObjectAdded({ ...OBJECT, name: "A".repeat(4000) });
  long[long.length - 1] = 0x41; // no NUL: the name ends at the record's end
  const [event] = decodeEosEvents(long);
  assert(event.kind === "object-added");
  assertEquals(event.name, "A".repeat(MAX_EOS_NAME_BYTES));
  // Bytes that are not UTF-8 still give a string.
  const odd = encodeObjectAdded({ ...OBJECT, name: "x" });
  odd[0x28] = 0xff;
  const [decoded] = decodeEosEvents(odd);
  assert(decoded.kind === "object-added" && decoded.name === "\uFFFD");
});
