/**
 * What the importer needs from a camera, and nothing more: list the objects, stream one from an
 * offset. The PTP/IP session is adapted to it elsewhere (GetObjectHandles + GetObjectInfo for
 * `list`, GetPartialObject for `fetch`), so the importer runs against an in-memory camera in tests.
 *
 * Everything a source returns came from the camera and is hostile: the importer bounds and
 * sanitises it (names in `file_name.ts`, dates in `layout.ts`, sizes and counts in `importer.ts`).
 *
 * @module
 */

import type { Result } from "../util/result.ts";

/**
 * PTP's "Association" format, a folder on the card. The same value as `FORMAT.Association` in
 * `lib/ptpip/codes.ts`, repeated here so the importer does not depend on the wire codec.
 */
export const FOLDER_FORMAT = 0x3001;

/** At most this many objects are taken from one listing (a card of 1,000,000 photos is ~25 TB). */
export const MAX_OBJECTS = 1_000_000;

/** One object on the camera, as its ObjectInfo describes it. */
export interface CameraObject {
  /** The camera's object handle, valid for this session only. */
  handle: number;
  /** The storage (card) it is on. */
  storageId: number;
  /** The PTP object format; {@linkcode FOLDER_FORMAT} is a folder and is never fetched. */
  format: number;
  /** The file name, raw from the camera (may hold anything: `../`, control characters, nothing). */
  name: string;
  /** The size in bytes ObjectInfo declares; the importer refuses a file that does not match it. */
  size: number;
  /** The capture date, raw (`YYYYMMDDThhmmss[.s][Z|±hhmm]` when the camera behaves). */
  captureDate?: string;
}

/**
 * Why a source could not list or fetch. `object`: only this object failed (deleted on the camera,
 * refused); the import goes on with the next. `connection`: the session is gone; the import stops,
 * and a partly fetched file is kept to be resumed next time.
 */
export interface SourceFailure {
  /** How far the failure reaches. */
  kind: "object" | "connection";
  /** What happened, for the user (the importer sanitises it before it reaches a log). */
  detail: string;
}

/**
 * Receives the bytes of an object in order; a rejection means "stop sending". The chunk is valid
 * only until the returned promise settles (a PTP/IP source reuses one read buffer, see `DataSink`
 * in `lib/ptpip/session.ts`): a sink that keeps bytes copies them, one that writes them awaits the
 * write before it resolves.
 */
export type ChunkSink = (chunk: Uint8Array) => Promise<void>;

/** A camera the importer can copy from. */
export interface ImportSource {
  /**
   * Who the camera is, stable across sessions and counter resets: the model plus the serial number
   * from DeviceInfo (e.g. `Canon EOS M50 0123456789`). The record of imported files is kept per id.
   */
  readonly cameraId: string;
  /**
   * Every object on every storage. Folders may be included (the importer skips
   * {@linkcode FOLDER_FORMAT}). At most {@linkcode MAX_OBJECTS}: a longer list is refused.
   */
  list(): Promise<Result<CameraObject[], SourceFailure>>;
  /**
   * Sends the object's bytes from `offset` to its end through `sink`, in order, awaiting each call
   * (that is the back-pressure). When `sink` rejects, the source must stop sending and return
   * (with any result: the importer knows why it stopped). Resolving `ok` means "that was all".
   */
  fetch(
    object: CameraObject,
    offset: number,
    sink: ChunkSink,
  ): Promise<Result<void, SourceFailure>>;
}
