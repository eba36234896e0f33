/**
 * The camera's side of PTP's bytes, for the lab's fake camera and the tests: the datasets a camera
 * answers with (DeviceInfo, StorageInfo, ObjectInfo, u32 arrays), Canon EOS GetEvent records, and
 * the header of a Data packet whose payload is streamed after it. The program never sends any of
 * these, so they live here, built on `lib/ptpip/`'s writer and layouts; its decoders read them back.
 * Pure.
 *
 * @module
 */

import { ByteWriter, utf16Units } from "../lib/ptpip/bytes.ts";
import { PACKET } from "../lib/ptpip/codes.ts";
import type { DeviceInfo, ObjectInfo } from "../lib/ptpip/datasets.ts";
import { EOS_EVENT, type EosObjectAdded, OBJECT_ADDED_LAYOUTS } from "../lib/ptpip/eos_events.ts";
import { HEADER_BYTES } from "../lib/ptpip/packets.ts";

/** A PTP string holds at most this many UTF-16 units besides its NUL (its count is a u8). */
const MAX_STRING_UNITS = 254;

/** Appends a PTP string; longer text is cut to {@linkcode MAX_STRING_UNITS} units, never mid-pair. */
export function writePtpString(writer: ByteWriter, text: string): void {
  if (text.length === 0) {
    writer.u8(0);
    return;
  }
  let cut = text;
  if (cut.length > MAX_STRING_UNITS) {
    let end = MAX_STRING_UNITS;
    const last = cut.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    cut = cut.slice(0, end);
  }
  writer.u8(cut.length + 1).bytes(utf16Units(cut)).u16(0);
}

function writeArray(writer: ByteWriter, values: readonly number[], u16: boolean): void {
  writer.u32(values.length);
  for (const value of values) u16 ? writer.u16(value) : writer.u32(value);
}

/** The bytes of a DeviceInfo dataset. */
export function encodeDeviceInfo(info: DeviceInfo): Uint8Array {
  const w = new ByteWriter();
  w.u16(info.standardVersion).u32(info.vendorExtensionId).u16(info.vendorExtensionVersion);
  writePtpString(w, info.vendorExtensionDesc);
  w.u16(info.functionalMode);
  writeArray(w, info.operationsSupported, true);
  writeArray(w, info.eventsSupported, true);
  writeArray(w, info.devicePropertiesSupported, true);
  writeArray(w, info.captureFormats, true);
  writeArray(w, info.imageFormats, true);
  writePtpString(w, info.manufacturer);
  writePtpString(w, info.model);
  writePtpString(w, info.deviceVersion);
  writePtpString(w, info.serialNumber);
  return w.finish();
}

/** GetStorageInfo's dataset (the program never asks for it); sizes in bytes. */
export interface StorageInfo {
  /** 1 fixed ROM, 2 removable ROM, 3 fixed RAM, 4 removable RAM (a card). */
  storageType: number;
  /** 2 flat, 3 hierarchical (DCF). */
  filesystemType: number;
  /** 0 read-write, 1 read-only, 2 read-only with deletion. */
  accessCapability: number;
  maxCapacity: bigint;
  /** Free bytes (0xFFFFFFFFFFFFFFFF: not known). */
  freeSpaceInBytes: bigint;
  /** Free space in pictures (0xFFFFFFFF: not known). */
  freeSpaceInImages: number;
  description: string;
  volumeLabel: string;
}

/** The bytes of a StorageInfo dataset. */
export function encodeStorageInfo(info: StorageInfo): Uint8Array {
  const w = new ByteWriter();
  w.u16(info.storageType).u16(info.filesystemType).u16(info.accessCapability);
  w.u64(info.maxCapacity).u64(info.freeSpaceInBytes).u32(info.freeSpaceInImages);
  writePtpString(w, info.description);
  writePtpString(w, info.volumeLabel);
  return w.finish();
}

/** The bytes of an ObjectInfo dataset. */
export function encodeObjectInfo(info: ObjectInfo): Uint8Array {
  const w = new ByteWriter();
  w.u32(info.storageId).u16(info.format).u16(info.protectionStatus).u32(info.compressedSize);
  w.u16(info.thumbFormat).u32(info.thumbCompressedSize).u32(info.thumbWidth).u32(info.thumbHeight);
  w.u32(info.imageWidth).u32(info.imageHeight).u32(info.imageBitDepth).u32(info.parent);
  w.u16(info.associationType).u32(info.associationDesc).u32(info.sequenceNumber);
  writePtpString(w, info.filename);
  writePtpString(w, info.captureDate);
  writePtpString(w, info.modificationDate);
  writePtpString(w, info.keywords);
  return w.finish();
}

/** The bytes of a u32 array dataset. */
export function encodeUint32Array(values: readonly number[]): Uint8Array {
  const w = new ByteWriter();
  writeArray(w, values, false);
  return w.finish();
}

/** One EOS event record of any type around `body`. */
export function encodeEosRecord(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter().u32(8 + body.length).u32(type).bytes(body).finish();
}

/**
 * A record announcing a new object in the layout of `type` (ObjectAddedEx by default), the name
 * as bytes ending in NUL. Bytes the layout does not name are zero.
 */
export function encodeObjectAdded(
  object: Omit<EosObjectAdded, "kind" | "type">,
  type: number = EOS_EVENT.ObjectAddedEx,
): Uint8Array {
  const layout = OBJECT_ADDED_LAYOUTS.get(type);
  if (!layout) throw new RangeError(`0x${type.toString(16)} is not an object-added record type`);
  const name = new TextEncoder().encode(object.name);
  const size = layout.name + name.length + 1;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, size, true);
  view.setUint32(4, type, true);
  view.setUint32(layout.handle, object.handle >>> 0, true);
  if (layout.storageId !== undefined) {
    view.setUint32(layout.storageId, object.storageId >>> 0, true);
  }
  view.setUint16(layout.format, object.format & 0xffff, true);
  view.setUint32(layout.size, object.size % 0x1_0000_0000, true);
  if (layout.sizeHigh !== undefined) {
    view.setUint32(layout.sizeHigh, Math.floor(object.size / 0x1_0000_0000) >>> 0, true);
  }
  if (layout.parent !== undefined) view.setUint32(layout.parent, object.parent >>> 0, true);
  bytes.set(name, layout.name);
  return bytes;
}

/** A whole GetEvent data phase: the records, then the terminator. */
export function encodeEosEvents(records: readonly Uint8Array[]): Uint8Array {
  const writer = new ByteWriter();
  for (const record of records) writer.bytes(record);
  return writer.u32(8).u32(0).finish();
}

/**
 * The 12 bytes before a Data or EndData payload of `payloadLength` bytes, so a sender can stream the
 * payload after it instead of building the packet.
 */
export function encodeDataHeader(
  type: "Data" | "EndData",
  transactionId: number,
  payloadLength: number,
): Uint8Array {
  if (payloadLength < 0 || payloadLength > 0xFFFFFFFF - 12) {
    throw new RangeError(`a Data payload is 0 to ${0xFFFFFFFF - 12} bytes`);
  }
  return new ByteWriter().u32(HEADER_BYTES + 4 + payloadLength).u32(PACKET[type])
    .u32(transactionId).finish();
}
