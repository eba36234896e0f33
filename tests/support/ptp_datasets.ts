/**
 * PTP datasets the tests build: every field zero or empty but those a test names, so a test shows
 * only what it is about; and, for the codec's tests, a DeviceInfo, an ObjectInfo and an EOS
 * object-added record with every field set.
 *
 * @module
 */

import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";
import type { EosObjectAdded } from "../../lib/ptpip/eos_events.ts";

/** A Canon DeviceInfo with no operations, events or formats, and `over` on top. */
export function deviceInfo(over: Partial<DeviceInfo> = {}): DeviceInfo {
  return {
    standardVersion: 100,
    vendorExtensionId: 11,
    vendorExtensionVersion: 100,
    vendorExtensionDesc: "",
    functionalMode: 0,
    operationsSupported: [],
    eventsSupported: [],
    devicePropertiesSupported: [],
    captureFormats: [],
    imageFormats: [],
    manufacturer: "Canon Inc.",
    model: "",
    deviceVersion: "",
    serialNumber: "",
    ...over,
  };
}

/** An ObjectInfo on the first card (storage 0x00010001), all zero or empty but `over`. */
export function objectInfo(over: Partial<ObjectInfo> = {}): ObjectInfo {
  return {
    storageId: 0x00010001,
    format: 0,
    protectionStatus: 0,
    compressedSize: 0,
    thumbFormat: 0,
    thumbCompressedSize: 0,
    thumbWidth: 0,
    thumbHeight: 0,
    imageWidth: 0,
    imageHeight: 0,
    imageBitDepth: 0,
    parent: 0,
    associationType: 0,
    associationDesc: 0,
    sequenceNumber: 0,
    filename: "",
    captureDate: "",
    modificationDate: "",
    keywords: "",
    ...over,
  };
}

/** A PowerShot's DeviceInfo, every field set. */
export const FULL_DEVICE_INFO: DeviceInfo = {
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

/** A JPEG's ObjectInfo, every field set. */
export const FULL_OBJECT_INFO: ObjectInfo = {
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

/** The fields of an EOS object-added record, every one set. */
export const EOS_OBJECT: Omit<EosObjectAdded, "kind" | "type"> = {
  handle: 0x90F0_0001,
  storageId: 0x0001_0001,
  format: 0x3801,
  size: 6_123_456,
  parent: 0x9000_0002,
  name: "IMG_0042.JPG",
};
