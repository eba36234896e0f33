// PTP datasets: every encoder's bytes decode to the same value (StorageInfo, which nothing decodes,
// is checked byte for byte), and hostile bytes (cut short, lying counts, odd or broken UTF-16,
// random noise) give an err or a lenient value, never a throw.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  DatasetReader,
  decodeDeviceInfo,
  decodeObjectInfo,
  decodeUint32Array,
  type DeviceInfo,
  encodeDeviceInfo,
  encodeObjectInfo,
  encodeStorageInfo,
  encodeUint32Array,
  MAX_ARRAY_COUNT,
  type ObjectInfo,
  type StorageInfo,
  writePtpString,
} from "../../lib/ptpip/datasets.ts";
import { ByteWriter } from "../../lib/ptpip/bytes.ts";

const deviceInfo: DeviceInfo = {
  standardVersion: 100,
  vendorExtensionId: 0x0000000b,
  vendorExtensionVersion: 100,
  vendorExtensionDesc: "Canon PTP/IP",
  functionalMode: 0,
  operationsSupported: [0x1001, 0x1002, 0x1003, 0x1004, 0x1007, 0x1009, 0x101b, 0x9116],
  eventsSupported: [0x4002, 0x4003],
  devicePropertiesSupported: [0x5001],
  captureFormats: [],
  imageFormats: [0x3801, 0xb103],
  manufacturer: "Canon Inc.",
  model: "Canon PowerShot G7 X Mark II",
  deviceVersion: "1-1.0.0.0",
  serialNumber: "0123456789abcdef",
};

const storageInfo: StorageInfo = {
  storageType: 4,
  filesystemType: 3,
  accessCapability: 0,
  maxCapacity: 63_864_569_856n,
  freeSpaceInBytes: 0xFFFF_FFFF_FFFF_FFFFn,
  freeSpaceInImages: 9000,
  description: "SD",
  volumeLabel: "",
};

const objectInfo: ObjectInfo = {
  storageId: 0x00020001,
  format: 0x3801,
  protectionStatus: 0,
  compressedSize: 6_123_456,
  thumbFormat: 0x3808,
  thumbCompressedSize: 9000,
  thumbWidth: 160,
  thumbHeight: 120,
  imageWidth: 5472,
  imageHeight: 3648,
  imageBitDepth: 24,
  parent: 0x90000000,
  associationType: 0,
  associationDesc: 0,
  sequenceNumber: 0,
  filename: "IMG_0001.JPG",
  captureDate: "20261205T101530",
  modificationDate: "20261205T101530.0+0100",
  keywords: "",
};

Deno.test("every dataset round-trips through its encoder and decoder", () => {
  assertEquals(decodeDeviceInfo(encodeDeviceInfo(deviceInfo)), { ok: true, value: deviceInfo });
  assertEquals(decodeObjectInfo(encodeObjectInfo(objectInfo)), { ok: true, value: objectInfo });
  const handles = [1, 0x90000000, 0xFFFFFFFF];
  assertEquals(decodeUint32Array(encodeUint32Array(handles)), { ok: true, value: handles });
  assertEquals(decodeUint32Array(encodeUint32Array([])), { ok: true, value: [] });
});

Deno.test("StorageInfo, which only the lab's camera sends, is encoded field by field as PTP lays it out", () => {
  // deno-fmt-ignore
  const expected = new Uint8Array([
    0x04, 0x00, 0x03, 0x00, 0x00, 0x00, // StorageType, FilesystemType, AccessCapability
    0x00, 0x00, 0xa0, 0xde, 0x0e, 0x00, 0x00, 0x00, // MaxCapacity 63,864,569,856, u64 little-endian
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // FreeSpaceInBytes: not known
    0x28, 0x23, 0x00, 0x00, // FreeSpaceInImages: 9000
    0x03, 0x53, 0x00, 0x44, 0x00, 0x00, 0x00, // "SD": 3 UTF-16 units with the NUL
    0x00, // the empty VolumeLabel
  ]);
  assertEquals(encodeStorageInfo(storageInfo), expected);
});

Deno.test("non-ASCII names and surrogate pairs round-trip", () => {
  const info = { ...objectInfo, filename: "Ä📷_é.JPG", keywords: "日本" };
  assertEquals(decodeObjectInfo(encodeObjectInfo(info)), { ok: true, value: info });
});

Deno.test("a string past 254 units is cut, never between a surrogate pair", () => {
  const long = "a".repeat(253) + "📷" + "tail";
  const w = new ByteWriter();
  writePtpString(w, long);
  const bytes = w.finish();
  assertEquals(bytes[0], 254); // 253 units and the NUL: the pair would not fit
  assertEquals(new DatasetReader(bytes).string(), "a".repeat(253));
  const w2 = new ByteWriter();
  writePtpString(w2, "b".repeat(400));
  assertEquals(new DatasetReader(w2.finish()).string(), "b".repeat(254));
});

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
