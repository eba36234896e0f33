/**
 * The fake PTP/IP camera's card, pure: a tree of folders (PTP associations) and files under one
 * storage, the handles GetObjectHandles answers for a storage, format and parent filter as PTP 1.1
 * §10.5.7 defines them, each object's ObjectInfo, and file contents that are either given bytes or
 * computed from a seed at any offset — so a 300 MB file costs no memory and a test can compute the
 * bytes it expects without the camera.
 *
 * @module
 */

import { FORMAT } from "../lib/ptpip/codes.ts";
import type { ObjectInfo } from "../lib/ptpip/datasets.ts";
import type { StorageInfo } from "./ptp_camera_codec.ts";

export type { ObjectInfo, StorageInfo };

/** The one storage the fake camera has (a removable card, as a PowerShot's SD slot). */
export const STORAGE_ID = 0x00010001;

/** "Every storage" in GetObjectHandles/GetNumObjects, and "root only" as their parent filter. */
export const ALL = 0xFFFFFFFF;

/** A file's bytes: given, or `size` bytes computed from `seed` (see {@linkcode contentBytes}). */
export type FileContent = Uint8Array | { seed: number; size: number };

/** A file to put on the card. */
export interface CameraFile {
  /** Its path from the card's root, "/"-separated: `DCIM/100CANON/IMG_0001.JPG`. */
  path: string;
  /** Its bytes. */
  content: FileContent;
  /** Its capture date as a PTP date string (`YYYYMMDDThhmmss`); made up from its handle if absent. */
  captureDate?: string;
  /** Its object format; from the file name's extension if absent. */
  format?: number;
  /**
   * The size ObjectInfo claims, when it should lie (differ from the bytes GetObject sends): for the
   * importer's checks of short and long transfers.
   */
  reportedSize?: number;
}

/** One object on the card. */
export interface CardObject {
  /** Its handle (1, 2, … in order of creation; never reused). */
  handle: number;
  /** Its parent folder's handle, 0 at the root. */
  parent: number;
  /** Its name. */
  name: string;
  /** Its format (`FORMAT.Association` for a folder). */
  format: number;
  /** A file's content; undefined for a folder. */
  content?: FileContent;
  /** Its capture date, a PTP date string. */
  captureDate: string;
  /** The size ObjectInfo claims, if it lies. */
  reportedSize?: number;
}

/** The size of a file's content in bytes. */
export function contentSize(content: FileContent): number {
  return content instanceof Uint8Array ? content.length : content.size;
}

/** One 32-bit word of seeded content: a finalised multiplicative hash of the word's index. */
function word(seed: number, index: number): number {
  let h = (Math.imul(index, 0x9E3779B1) ^ Math.imul(seed, 0x85EBCA77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85EBCA6B);
  h ^= h >>> 13;
  h = Math.imul(h, 0xC2B2AE35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * `length` bytes of `content` from `offset` (cut at its end): a copy for given bytes, computed for
 * seeded content, the same bytes whichever way the file is split.
 */
export function contentBytes(content: FileContent, offset: number, length: number): Uint8Array {
  const end = Math.min(contentSize(content), offset + length);
  if (end <= offset) return new Uint8Array(0);
  if (content instanceof Uint8Array) return content.slice(offset, end);
  const firstWord = Math.floor(offset / 4);
  const words = Math.ceil(end / 4) - firstWord;
  const buffer = new ArrayBuffer(words * 4);
  const view = new DataView(buffer);
  for (let i = 0; i < words; i++) view.setUint32(i * 4, word(content.seed, firstWord + i), true);
  const skip = offset - firstWord * 4;
  return new Uint8Array(buffer, skip, end - offset);
}

/** The object format a file name's extension stands for (Undefined when unknown). */
export function formatOfName(name: string): number {
  const extension = name.slice(name.lastIndexOf(".") + 1).toUpperCase();
  const formats: Record<string, number> = {
    JPG: FORMAT.Jpeg,
    JPEG: FORMAT.Jpeg,
    CR2: FORMAT.CanonCr2,
    CR3: FORMAT.CanonCr3,
    CRW: FORMAT.CanonCrw,
    MOV: FORMAT.CanonMov,
    MP4: FORMAT.Mp4,
    AVI: FORMAT.Avi,
    WAV: FORMAT.Wav,
  };
  return formats[extension] ?? FORMAT.Undefined;
}

/** A made-up capture date for handle `handle`: a minute apart each, from 2024-05-01 12:00. */
export function defaultCaptureDate(handle: number): string {
  const minutes = 12 * 60 + handle;
  const pad = (n: number) => String(n).padStart(2, "0");
  const day = 1 + Math.floor(minutes / (24 * 60)) % 28;
  const hour = Math.floor(minutes / 60) % 24;
  return `202405${pad(day)}T${pad(hour)}${pad(minutes % 60)}00`;
}

/** Why a handle filter was refused, as PTP answers it. */
export type FilterRefusal = "InvalidStorageID" | "InvalidParentObject";

/** The card: objects by handle, in creation order. */
export class Card {
  readonly #objects = new Map<number, CardObject>();
  #next = 1;

  /** Every object, folders and files, in creation order. */
  get objects(): CardObject[] {
    return [...this.#objects.values()];
  }

  /** The object with handle `handle`. */
  get(handle: number): CardObject | undefined {
    return this.#objects.get(handle);
  }

  /** The folder or file named `name` in folder `parent`. */
  #child(parent: number, name: string): CardObject | undefined {
    for (const object of this.#objects.values()) {
      if (object.parent === parent && object.name === name) return object;
    }
    return undefined;
  }

  #create(object: Omit<CardObject, "handle" | "captureDate"> & { captureDate?: string }) {
    const handle = this.#next++;
    const made = {
      ...object,
      handle,
      captureDate: object.captureDate ?? defaultCaptureDate(handle),
    };
    this.#objects.set(handle, made);
    return made;
  }

  /**
   * Adds `file`, making the folders of its path that are missing. Returns every object made, folders
   * first and the file last. Throws on a path that is empty, has an empty part, or is taken.
   */
  add(file: CameraFile): CardObject[] {
    const parts = file.path.split("/");
    if (parts.some((part) => part === "")) throw new Error(`not a file path: "${file.path}"`);
    const name = parts.pop()!;
    const made: CardObject[] = [];
    let parent = 0;
    for (const folder of parts) {
      let existing = this.#child(parent, folder);
      if (existing && existing.format !== FORMAT.Association) {
        throw new Error(`"${folder}" in "${file.path}" is a file`);
      }
      if (!existing) {
        existing = this.#create({ parent, name: folder, format: FORMAT.Association });
        made.push(existing);
      }
      parent = existing.handle;
    }
    if (this.#child(parent, name)) throw new Error(`"${file.path}" is already on the card`);
    made.push(this.#create({
      parent,
      name,
      format: file.format ?? formatOfName(name),
      content: file.content,
      captureDate: file.captureDate,
      reportedSize: file.reportedSize,
    }));
    return made;
  }

  /**
   * The handles GetObjectHandles answers (PTP 1.1 §10.5.7): `storage` 0xFFFFFFFF or the card's;
   * `format` 0 for any; `parent` 0 for every object on the card, 0xFFFFFFFF for the root's, else
   * a folder's handle for its children.
   */
  handles(storage: number, format: number, parent: number): number[] | FilterRefusal {
    if (storage !== ALL && storage !== STORAGE_ID) return "InvalidStorageID";
    if (parent !== 0 && parent !== ALL && this.get(parent)?.format !== FORMAT.Association) {
      return "InvalidParentObject";
    }
    const wantedParent = parent === ALL ? 0 : parent;
    return this.objects
      .filter((o) => format === 0 || o.format === format)
      .filter((o) => parent === 0 || o.parent === wantedParent)
      .map((o) => o.handle);
  }

  /** The bytes the card's files take (what StorageInfo's free space is counted from). */
  get usedBytes(): number {
    return this.objects.reduce((sum, o) => sum + (o.content ? contentSize(o.content) : 0), 0);
  }
}

/** An object's ObjectInfo dataset (a folder's size is 0; a lying file says its `reportedSize`). */
export function objectInfoOf(object: CardObject): ObjectInfo {
  const folder = object.format === FORMAT.Association;
  const size = object.reportedSize ?? (object.content ? contentSize(object.content) : 0);
  const image = object.format === FORMAT.Jpeg;
  return {
    storageId: STORAGE_ID,
    format: object.format,
    protectionStatus: 0,
    // u32 on the wire; PTP says a size past it reads 0xFFFFFFFF.
    compressedSize: Math.min(size, 0xFFFFFFFF),
    thumbFormat: image ? FORMAT.Jpeg : 0,
    thumbCompressedSize: 0,
    thumbWidth: image ? 160 : 0,
    thumbHeight: image ? 120 : 0,
    imageWidth: image ? 6000 : 0,
    imageHeight: image ? 4000 : 0,
    imageBitDepth: image ? 24 : 0,
    parent: object.parent,
    associationType: folder ? 1 : 0,
    associationDesc: 0,
    sequenceNumber: 0,
    filename: object.name,
    captureDate: object.captureDate,
    modificationDate: object.captureDate,
    keywords: "",
  };
}

/** The card's StorageInfo: a 32 GB removable card, DCF hierarchy, read-write. */
export function storageInfoOf(card: Card): StorageInfo {
  const capacity = 32n * 1000n ** 3n;
  const used = BigInt(card.usedBytes);
  return {
    storageType: 4,
    filesystemType: 3,
    accessCapability: 0,
    maxCapacity: capacity,
    freeSpaceInBytes: used > capacity ? 0n : capacity - used,
    freeSpaceInImages: 0xFFFFFFFF,
    description: "SD",
    volumeLabel: "EOS_DIGITAL",
  };
}
