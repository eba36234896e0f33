/**
 * Decoding Canon EOS GetEvent (0x9116) data, pure (the camera's side, encoding, is
 * `lab/ptp_camera_codec.ts`). The data phase is a run of records, each
 * `u32 size` (of the whole record, header included), `u32 type`, then `size - 8` bytes, ended by a
 * record of size 8 and type 0 (libgphoto2 ptp-pack.c `ptp_unpack_EOS_events`).
 *
 * New objects come as ObjectAddedEx 0xC181 (a file written to the card) or RequestObjectTransfer
 * 0xC186 (the camera asks the computer to take a file), and their 64-bit-era twins 0xC1A7 and
 * 0xC1A9; these become `object-added`, everything else (property values, camera status: most of
 * what a first GetEvent holds) is kept only as its type.
 *
 * Everything here comes from the network: decoding never throws, never reads past a record or the
 * buffer, and stops at {@linkcode MAX_EOS_RECORDS} records.
 *
 * @module
 */

/** EOS event record types (libgphoto2 ptp.h `PTP_EC_CANON_EOS_*`). */
export const EOS_EVENT = {
  /** A new object on a storage (a photo written to the card). */
  ObjectAddedEx: 0xC181,
  /** The camera asks the computer to fetch an object (it may not be on a card at all). */
  RequestObjectTransfer: 0xC186,
  /** ObjectAddedEx of later bodies: the same fields, the parent and name 4 and 4 bytes later. */
  ObjectAddedEx64: 0xC1A7,
  /** RequestObjectTransfer of later bodies: decoded by libgphoto2 with the 0xC186 layout. */
  RequestObjectTransfer64: 0xC1A9,
  /** A property changed (the bulk of the first GetEvent). */
  PropValueChanged: 0xC189,
} as const;

/** At most this many records are taken from one GetEvent; the rest are dropped. */
export const MAX_EOS_RECORDS = 10_000;

/** At most this many bytes of a record's file name are read (DCF names are 12). */
export const MAX_EOS_NAME_BYTES = 255;

/** A new object reported by GetEvent. */
export interface EosObjectAdded {
  /** Tells it from the records this module does not read (`kind: "other"`). */
  kind: "object-added";
  /** The record type it came in (`EOS_EVENT`): RequestObjectTransfer wants TransferComplete. */
  type: number;
  /** The object handle (valid for this session). */
  handle: number;
  /** Its storage; 0 in a RequestObjectTransfer, which does not carry one. */
  storageId: number;
  /** Its PTP object format (`FORMAT`), a u16 in the record. */
  format: number;
  /** Its size in bytes as the record says. */
  size: number;
  /** Its parent folder's handle; 0 in a RequestObjectTransfer. */
  parent: number;
  /** Its file name, raw from the camera: sanitise before use. */
  name: string;
}

/** One record of a GetEvent answer. */
export type EosEvent = EosObjectAdded | {
  /** Any record this module does not read. */
  kind: "other";
  /** Its type. */
  type: number;
};

/**
 * Field offsets from the record's start (its size field), as libgphoto2 ptp-pack.c reads them
 * (`PTP_cee_OA_*`, `PTP_cee_OA64_*`, `PTP_cee_OI_*`). A record too short to hold its name's first
 * byte is "other", as there.
 */
export interface ObjectAddedLayout {
  /** Where the object handle (u32) is. */
  handle: number;
  /** Where the storage ID (u32) is; RequestObjectTransfer records carry none. */
  storageId?: number;
  /** Where the object format (u16) is. */
  format: number;
  /** Where the size (its low 32 bits) is. */
  size: number;
  /** Where a high 32 bits of the size would be (a guess for the 64-bit records, see below). */
  sizeHigh?: number;
  /** Where the parent folder's handle (u32) is; RequestObjectTransfer records carry none. */
  parent?: number;
  /** Where the NUL-terminated file name starts; the record's size bounds it. */
  name: number;
}

const ADDED: ObjectAddedLayout = {
  handle: 0x08,
  storageId: 0x0c,
  format: 0x10,
  size: 0x1c,
  parent: 0x20,
  name: 0x28,
};
// libgphoto2 marks the 0xC1A7 size "might be 64 bit now?" and reads 32 bits; the parent moving
// from 0x20 to 0x24 leaves exactly 8 bytes at 0x1c, so the high half is read from 0x20 (a guess:
// equal to libgphoto2 for every file under 4 GiB).
const ADDED64: ObjectAddedLayout = { ...ADDED, sizeHigh: 0x20, parent: 0x24, name: 0x2c };
const TRANSFER: ObjectAddedLayout = { handle: 0x08, format: 0x0c, size: 0x14, name: 0x1c };

/** The layout of each object-added record type. */
export const OBJECT_ADDED_LAYOUTS: ReadonlyMap<number, ObjectAddedLayout> = new Map([
  [EOS_EVENT.ObjectAddedEx, ADDED],
  [EOS_EVENT.ObjectAddedEx64, ADDED64],
  [EOS_EVENT.RequestObjectTransfer, TRANSFER],
  [EOS_EVENT.RequestObjectTransfer64, TRANSFER],
]);

const NAME_DECODER = new TextDecoder("utf-8", { fatal: false });

/** A NUL-terminated name from `start` to at most `end`, bounded. */
function cString(bytes: Uint8Array, start: number, end: number): string {
  const limit = Math.min(end, start + MAX_EOS_NAME_BYTES);
  let stop = start;
  while (stop < limit && bytes[stop] !== 0) stop++;
  return NAME_DECODER.decode(bytes.subarray(start, stop));
}

function decodeRecord(bytes: Uint8Array, view: DataView, at: number, size: number): EosEvent {
  const type = view.getUint32(at + 4, true);
  const layout = OBJECT_ADDED_LAYOUTS.get(type);
  if (!layout || size < layout.name + 1) return { kind: "other", type };
  const u32 = (offset: number) => view.getUint32(at + offset, true);
  const high = layout.sizeHigh === undefined ? 0 : u32(layout.sizeHigh);
  return {
    kind: "object-added",
    type,
    handle: u32(layout.handle),
    storageId: layout.storageId === undefined ? 0 : u32(layout.storageId),
    format: view.getUint16(at + layout.format, true),
    size: high * 0x1_0000_0000 + u32(layout.size),
    parent: layout.parent === undefined ? 0 : u32(layout.parent),
    name: cString(bytes, at + layout.name, at + size),
  };
}

/**
 * The records of a GetEvent data phase, in order. Stops at the terminator (size 8, type 0), at a
 * size below 8 or past the end of the data, or after {@linkcode MAX_EOS_RECORDS}; whatever was
 * whole before that is returned. Unlike libgphoto2, a last whole record with no terminator after
 * it is kept (libgphoto2 drops it): a camera that cut the terminator still gets its photo taken.
 */
export function decodeEosEvents(bytes: Uint8Array): EosEvent[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const events: EosEvent[] = [];
  let at = 0;
  while (at + 8 <= bytes.length && events.length < MAX_EOS_RECORDS) {
    const size = view.getUint32(at, true);
    const type = view.getUint32(at + 4, true);
    if (size === 8 && type === 0) break;
    if (size < 8 || size > bytes.length - at) break;
    events.push(decodeRecord(bytes, view, at, size));
    at += size;
  }
  return events;
}
