/**
 * Decoding the PTP datasets a camera sends: DeviceInfo, ObjectInfo and u32 arrays (storage IDs,
 * object handles). Pure. (Encoding them is the camera's side: `lab/ptp_camera_codec.ts`.) Every read is
 * bounds-checked, every count is checked against the bytes left before anything is allocated, and
 * nothing throws: a short or lying dataset is an `err`. Where libgphoto2 is lenient with real
 * cameras (DeviceInfo's four trailing strings, ObjectInfo's strings), so are these: a dataset cut
 * short there decodes with empty strings. Strings come back raw; the caller sanitises them for
 * wherever they go.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { decodeUtf16 } from "./bytes.ts";

/** The most elements an array in a dataset may declare (a card with more files is not a camera's). */
export const MAX_ARRAY_COUNT = 1_000_000;

class DatasetError extends Error {}

/**
 * A cursor over a dataset: each read checks the bytes are there first, and throws a private error
 * that the `decode*` functions turn into an `err`.
 */
export class DatasetReader {
  #bytes: Uint8Array;
  #view: DataView;
  #at = 0;

  /** Reads `bytes` from the start. */
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.#bytes.length - this.#at;
  }

  #take(n: number, what: string): number {
    if (n > this.remaining) {
      throw new DatasetError(
        `${what} at byte ${this.#at} needs ${n} bytes, ${this.remaining} left`,
      );
    }
    const at = this.#at;
    this.#at += n;
    return at;
  }

  /** A u8. */
  u8(what = "u8"): number {
    return this.#view.getUint8(this.#take(1, what));
  }

  /** A u16. */
  u16(what = "u16"): number {
    return this.#view.getUint16(this.#take(2, what), true);
  }

  /** A u32. */
  u32(what = "u32"): number {
    return this.#view.getUint32(this.#take(4, what), true);
  }

  /** A PTP string: u8 count of UTF-16 units including the NUL (0 = empty), then the units. */
  string(what = "string"): string {
    const units = this.u8(`${what} length`);
    if (units === 0) return "";
    const at = this.#take(units * 2, what);
    return decodeUtf16(this.#bytes.subarray(at, at + units * 2));
  }

  /** A PTP string, or "" when the dataset ends before it (for fields cameras leave out). */
  optionalString(what = "string"): string {
    const start = this.#at;
    try {
      return this.string(what);
    } catch (error) {
      if (!(error instanceof DatasetError)) throw error;
      this.#at = start;
      return "";
    }
  }

  #count(size: number, what: string): number {
    const count = this.u32(`${what} count`);
    if (count > MAX_ARRAY_COUNT) {
      throw new DatasetError(`${what} declares ${count} elements, more than ${MAX_ARRAY_COUNT}`);
    }
    if (count * size > this.remaining) {
      throw new DatasetError(
        `${what} declares ${count} elements, only ${this.remaining} bytes left`,
      );
    }
    return count;
  }

  /** A PTP array of u16: u32 count, then the elements. */
  u16Array(what = "array"): number[] {
    const count = this.#count(2, what);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.u16(what);
    return out;
  }

  /** A PTP array of u32: u32 count, then the elements. */
  u32Array(what = "array"): number[] {
    const count = this.#count(4, what);
    const out = new Array<number>(count);
    for (let i = 0; i < count; i++) out[i] = this.u32(what);
    return out;
  }
}

function decodeWith<T>(
  what: string,
  bytes: Uint8Array,
  read: (reader: DatasetReader) => T,
): Result<T> {
  try {
    return ok(read(new DatasetReader(bytes)));
  } catch (error) {
    if (error instanceof DatasetError) return err(`${what}: ${error.message}`);
    throw error;
  }
}

/** GetDeviceInfo's dataset. Strings are as sent; the four after the arrays "" when left out. */
export interface DeviceInfo {
  /** PTP version times 100 (100 = 1.00). */
  standardVersion: number;
  /** Vendor extension (0x0000000B is Canon's). */
  vendorExtensionId: number;
  /** Vendor extension version times 100. */
  vendorExtensionVersion: number;
  /** The vendor extensions the camera speaks, in its own words (names and versions). */
  vendorExtensionDesc: string;
  /** 0 standard; vendor-defined otherwise. */
  functionalMode: number;
  /** Operation codes the camera answers: partial reads and the EOS path are chosen from these. */
  operationsSupported: number[];
  /** Event codes the camera may send. */
  eventsSupported: number[];
  /** Device property codes the camera has. */
  devicePropertiesSupported: number[];
  /** Object formats a capture can make. */
  captureFormats: number[];
  /** Object formats the camera stores. */
  imageFormats: number[];
  /** Manufacturer ("Canon Inc."): leads the camera's ID when the model does not name it. */
  manufacturer: string;
  /** Model name ("Canon EOS R6"): the camera's ID and its EOS remote mode go by it. */
  model: string;
  /** Firmware version, in the vendor's own form. */
  deviceVersion: string;
  /** Serial number: in the camera's ID, it tells two cameras of one model apart. */
  serialNumber: string;
}

/** Decodes a DeviceInfo dataset; the four trailing strings may be missing (then ""). */
export function decodeDeviceInfo(bytes: Uint8Array): Result<DeviceInfo> {
  return decodeWith("DeviceInfo", bytes, (r) => ({
    standardVersion: r.u16("StandardVersion"),
    vendorExtensionId: r.u32("VendorExtensionID"),
    vendorExtensionVersion: r.u16("VendorExtensionVersion"),
    vendorExtensionDesc: r.string("VendorExtensionDesc"),
    functionalMode: r.u16("FunctionalMode"),
    operationsSupported: r.u16Array("OperationsSupported"),
    eventsSupported: r.u16Array("EventsSupported"),
    devicePropertiesSupported: r.u16Array("DevicePropertiesSupported"),
    captureFormats: r.u16Array("CaptureFormats"),
    imageFormats: r.u16Array("ImageFormats"),
    manufacturer: r.optionalString("Manufacturer"),
    model: r.optionalString("Model"),
    deviceVersion: r.optionalString("DeviceVersion"),
    serialNumber: r.optionalString("SerialNumber"),
  }));
}

/**
 * GetObjectInfo's dataset. Strings are as sent; the dates are PTP date strings, for the caller to
 * read. Sizes are in bytes, widths and heights in pixels.
 */
export interface ObjectInfo {
  /** The storage (card) it is on: high u16 the physical store, low u16 its partition. */
  storageId: number;
  /** Object format code (see `FORMAT`). */
  format: number;
  /** 0 none, 1 read-only. */
  protectionStatus: number;
  /** u32 on the wire: a file of 4 GiB or more reads 0xFFFFFFFF. */
  compressedSize: number;
  /** The thumbnail's object format code (see `FORMAT`). */
  thumbFormat: number;
  /** The thumbnail's size. */
  thumbCompressedSize: number;
  /** The thumbnail's width. */
  thumbWidth: number;
  /** The thumbnail's height. */
  thumbHeight: number;
  /** The image's width (0 for a folder or a file that is no image). */
  imageWidth: number;
  /** The image's height (0 for a folder or a file that is no image). */
  imageHeight: number;
  /** Bits per pixel. */
  imageBitDepth: number;
  /** The folder's handle (0: the root). */
  parent: number;
  /** For a folder, 1 (generic folder). */
  associationType: number;
  /** Association detail (unused for generic folders). */
  associationDesc: number;
  /** Place in a sequence of captures (a burst or bracket); 0 outside one. */
  sequenceNumber: number;
  /** File name, as sent: sanitise before using it as a path. */
  filename: string;
  /** When the photo was taken ("YYYYMMDDThhmmss"): its day picks the folder it is imported to. */
  captureDate: string;
  /** When the file was last changed, in the same form. */
  modificationDate: string;
  /** Keywords, as sent. */
  keywords: string;
}

/** Decodes an ObjectInfo dataset: the 52 fixed bytes are required, missing strings read "". */
export function decodeObjectInfo(bytes: Uint8Array): Result<ObjectInfo> {
  return decodeWith("ObjectInfo", bytes, (r) => ({
    storageId: r.u32("StorageID"),
    format: r.u16("ObjectFormat"),
    protectionStatus: r.u16("ProtectionStatus"),
    compressedSize: r.u32("ObjectCompressedSize"),
    thumbFormat: r.u16("ThumbFormat"),
    thumbCompressedSize: r.u32("ThumbCompressedSize"),
    thumbWidth: r.u32("ThumbPixWidth"),
    thumbHeight: r.u32("ThumbPixHeight"),
    imageWidth: r.u32("ImagePixWidth"),
    imageHeight: r.u32("ImagePixHeight"),
    imageBitDepth: r.u32("ImageBitDepth"),
    parent: r.u32("ParentObject"),
    associationType: r.u16("AssociationType"),
    associationDesc: r.u32("AssociationDesc"),
    sequenceNumber: r.u32("SequenceNumber"),
    filename: r.optionalString("Filename"),
    captureDate: r.optionalString("CaptureDate"),
    modificationDate: r.optionalString("ModificationDate"),
    keywords: r.optionalString("Keywords"),
  }));
}

/**
 * A u32 array dataset (GetStorageIDs, GetObjectHandles): its count is checked against the bytes
 * present and {@linkcode MAX_ARRAY_COUNT} before anything is allocated.
 */
export function decodeUint32Array(bytes: Uint8Array): Result<number[]> {
  return decodeWith("array", bytes, (r) => r.u32Array());
}
