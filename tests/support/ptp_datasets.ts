/**
 * PTP datasets the tests build: every field zero or empty but those a test names, so a test shows
 * only what it is about.
 *
 * @module
 */

import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";

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
