// PTP datasets as a camera sends them: hostile bytes (cut short, lying counts, odd or broken
// UTF-16, random noise) give an err or a lenient value, never a throw. That every dataset
// round-trips through the lab's encoders is tests/lab/ptp_camera_codec_test.ts.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  DatasetReader,
  decodeDeviceInfo,
  decodeObjectInfo,
  decodeUint32Array,
  MAX_ARRAY_COUNT,
} from "../../lib/ptpip/datasets.ts";
import { ByteWriter } from "../../lib/ptpip/bytes.ts";
import {
  encodeDeviceInfo,
  encodeObjectInfo,
  encodeUint32Array,
} from "../../lab/ptp_camera_codec.ts";
import {
  FULL_DEVICE_INFO as deviceInfo,
  FULL_OBJECT_INFO as objectInfo,
} from "../support/ptp_datasets.ts";

Deno.test("every prefix of every dataset decodes or fails as a value, never throws", () => {
  const cases: [Uint8Array, (b: Uint8Array) => { ok: boolean }][] = [
    [encodeDeviceInfo(deviceInfo), decodeDeviceInfo],
    [encodeObjectInfo(objectInfo), decodeObjectInfo],
    [encodeUint32Array([1, 2, 3]), decodeUint32Array],
  ];
  for (const [bytes, decode] of cases) {
    for (let n = 0; n < bytes.length; n++) decode(bytes.subarray(0, n));
  }
  // The fixed parts are required.
  assert(!decodeObjectInfo(encodeObjectInfo(objectInfo).subarray(0, 51)).ok);
  const deviceCut = decodeDeviceInfo(encodeDeviceInfo(deviceInfo).subarray(0, 9));
  assert(!deviceCut.ok);
  assertMatch(deviceCut.error, /^DeviceInfo: VendorExtensionDesc/);
});

Deno.test("strings cut short read empty where libgphoto2 is lenient (ObjectInfo, DeviceInfo's tail)", () => {
  const bytes = encodeObjectInfo(objectInfo);
  const cut = decodeObjectInfo(bytes.subarray(0, 52 + 5)); // filename's count and 2 of its units
  assert(cut.ok);
  assertEquals(cut.value.filename, "");
  assertEquals(cut.value.parent, objectInfo.parent);
  const di = encodeDeviceInfo(deviceInfo);
  const noStrings = {
    ...deviceInfo,
    manufacturer: "",
    model: "",
    deviceVersion: "",
    serialNumber: "",
  };
  const manufacturerAt = encodeDeviceInfo(noStrings).length - 4;
  const tail = decodeDeviceInfo(di.subarray(0, manufacturerAt + 3));
  assert(tail.ok);
  assertEquals(tail.value.imageFormats, deviceInfo.imageFormats);
  assertEquals(tail.value.manufacturer, "");
  assertEquals(tail.value.serialNumber, "");
});

Deno.test("array counts past the end or past the bound are refused before allocation", () => {
  const huge = new ByteWriter().u32(0xFFFFFFFF).u32(1).finish();
  const r = decodeUint32Array(huge);
  assert(!r.ok);
  assertMatch(r.error, /4294967295 elements/);
  const past = decodeUint32Array(new ByteWriter().u32(3).u32(1).u32(2).finish());
  assert(!past.ok);
  assertMatch(past.error, /3 elements, only 8 bytes left/);
  const w = new ByteWriter().u32(MAX_ARRAY_COUNT + 1);
  assert(!decodeUint32Array(w.finish()).ok);
  // A DeviceInfo whose operations array claims 0xFFFFFFFF entries.
  const di = new ByteWriter().u16(100).u32(11).u16(100).u8(0).u16(0).u32(0xFFFFFFFF).finish();
  const d = decodeDeviceInfo(di);
  assert(!d.ok);
  assertMatch(d.error, /OperationsSupported/);
});

Deno.test("a string count past the end is refused in a required place", () => {
  const di = new ByteWriter().u16(100).u32(11).u16(100).u8(200).u16(0x41).finish();
  const r = decodeDeviceInfo(di);
  assert(!r.ok);
  assertMatch(r.error, /VendorExtensionDesc at byte 9 needs 400 bytes, 2 left/);
});

Deno.test("a PTP string with a lone surrogate decodes without throwing", () => {
  // A string whose NUL is missing, and one whose count covers a lone low surrogate.
  const r = new DatasetReader(new Uint8Array([2, 0x41, 0, 0x00, 0xdc]));
  assertEquals(r.string(), "A\ufffd");
});

Deno.test("random bytes never make a decoder throw", () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < 3000; i++) {
    const bytes = new Uint8Array(Math.floor(random() * 120));
    for (let j = 0; j < bytes.length; j++) bytes[j] = random() < 0.3 ? 0xff : random() * 256;
    decodeDeviceInfo(bytes);
    decodeObjectInfo(bytes);
    decodeUint32Array(bytes);
  }
});
