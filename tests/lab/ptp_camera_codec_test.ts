// The camera's side of the codec: every dataset and every EOS object-added layout round-trips
// through the lab's encoder and lib's decoder, StorageInfo (which nothing decodes) byte for byte,
// strings cut at their bound, and a record type without a layout refused.

import { assert, assertEquals } from "../support/assert.ts";
import {
  DatasetReader,
  decodeDeviceInfo,
  decodeObjectInfo,
  decodeUint32Array,
} from "../../lib/ptpip/datasets.ts";
import { decodeEosEvents, EOS_EVENT } from "../../lib/ptpip/eos_events.ts";
import { ByteWriter } from "../../lib/ptpip/bytes.ts";
import {
  encodeDeviceInfo,
  encodeEosEvents,
  encodeEosRecord,
  encodeObjectAdded,
  encodeObjectInfo,
  encodeStorageInfo,
  encodeUint32Array,
  type StorageInfo,
  writePtpString,
} from "../../lab/ptp_camera_codec.ts";
import {
  EOS_OBJECT as OBJECT,
  FULL_DEVICE_INFO as deviceInfo,
  FULL_OBJECT_INFO as objectInfo,
} from "../support/ptp_datasets.ts";

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

Deno.test("every object-added layout round-trips; a transfer request carries no storage or parent", () => {
  const records = [
    encodeObjectAdded(OBJECT),
    encodeObjectAdded({ ...OBJECT, size: 5 * 2 ** 32 + 7 }, EOS_EVENT.ObjectAddedEx64),
    encodeObjectAdded(OBJECT, EOS_EVENT.RequestObjectTransfer),
    encodeObjectAdded(OBJECT, EOS_EVENT.RequestObjectTransfer64),
    encodeEosRecord(EOS_EVENT.PropValueChanged, new Uint8Array(12)),
  ];
  assertEquals(decodeEosEvents(encodeEosEvents(records)), [
    { kind: "object-added", type: EOS_EVENT.ObjectAddedEx, ...OBJECT },
    {
      kind: "object-added",
      type: EOS_EVENT.ObjectAddedEx64,
      ...OBJECT,
      size: 5 * 2 ** 32 + 7,
    },
    {
      kind: "object-added",
      type: EOS_EVENT.RequestObjectTransfer,
      ...OBJECT,
      storageId: 0,
      parent: 0,
    },
    {
      kind: "object-added",
      type: EOS_EVENT.RequestObjectTransfer64,
      ...OBJECT,
      storageId: 0,
      parent: 0,
    },
    { kind: "other", type: EOS_EVENT.PropValueChanged },
  ]);
});

Deno.test("encodeObjectAdded refuses a record type it has no layout for", () => {
  let thrown = false;
  try {
    encodeObjectAdded(OBJECT, 0xC189);
  } catch (error) {
    thrown = error instanceof RangeError;
  }
  assert(thrown);
});
