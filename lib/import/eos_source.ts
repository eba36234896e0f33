/**
 * A Canon EOS body's PTP/IP session as the importer's {@linkcode ImportSource}, once the body is in
 * remote mode (`startEosMode`). The listing is the standard one (every storage's handles, then each
 * ObjectInfo): libgphoto2 lists EOS bodies with Canon's GetObjectInfoEx first and falls back to
 * exactly this when that fails (ptp.c `ptp_list_folder`), so bodies answer it. Files come with
 * Canon's GetPartialObject 0x9107 in 1 MiB blocks (libgphoto2's block size: "EOS R does not like
 * 5MB blobs"), else the standard GetPartialObject, else Canon's or the standard GetObject, and each
 * completed file is followed by TransferComplete 0x9117.
 *
 * A new object from GetEvent becomes a {@linkcode CameraObject} with {@linkcode describeEosObject}
 * (its ObjectInfo, as libgphoto2 fetches for an added object) so that the importer's record sees
 * the same name, date and size as a later listing would; when the body will not describe it, the
 * record alone, without a capture date.
 *
 * @module
 */

import { OPERATION } from "../ptpip/codes.ts";
import type { DeviceInfo } from "../ptpip/datasets.ts";
import { eosTransferComplete } from "../ptpip/eos.ts";
import type { EosObjectAdded } from "../ptpip/eos_events.ts";
import type { DataSink, PtpipSession, SessionFailure } from "../ptpip/session.ts";
import { err, ok, type Result } from "../util/result.ts";
import {
  asSourceFailure,
  cameraIdOf,
  cameraObjectOf,
  listObjects,
  skipping,
  type SourceSession,
} from "./ptpip_source.ts";
import type { CameraObject, ImportSource, SourceFailure } from "./source.ts";

/** The session operations the EOS source uses. */
export type EosSourceSession = SourceSession & Pick<PtpipSession, "operation">;

/** Bytes asked for per GetPartialObject: libgphoto2's EOS block (library.c, `BLOBSIZE`). */
export const EOS_BLOCK_BYTES = 1024 * 1024;

/** The largest offset or length a u32 parameter carries. */
const U32_MAX = 0xFFFF_FFFF;

/**
 * A new object from GetEvent as the importer's object, described by its ObjectInfo (name, date,
 * size as a listing gives them). When the body will not describe it (a RequestObjectTransfer
 * object need not be on a card) the record is used, without a capture date (the importer files it
 * under the import day, and its record key differs from a listing's); a failure of the connection is
 * returned.
 */
export async function describeEosObject(
  session: Pick<PtpipSession, "objectInfo">,
  event: EosObjectAdded,
): Promise<Result<CameraObject, SourceFailure>> {
  const info = await session.objectInfo(event.handle);
  if (!info.ok) {
    const failure = asSourceFailure(info.error);
    if (failure.kind !== "object") return err(failure);
    const { handle, storageId, format, name, size } = event;
    return ok({ handle, storageId, format, name, size });
  }
  const object = cameraObjectOf(event.handle, info.value);
  // ObjectInfo's size is a u32: a 64-bit record knows better past 4 GiB.
  if (object.size === U32_MAX && event.size > U32_MAX) object.size = event.size;
  return ok(object);
}

/** How this body's files are fetched. */
type Fetcher = (
  object: CameraObject,
  offset: number,
  sink: DataSink,
) => Promise<Result<void, SessionFailure>>;

/** GetPartialObject (Canon's or the standard one) block after block from `offset` to the end. */
function blockwise(session: EosSourceSession, code: number): Fetcher {
  return async (object, offset, sink) => {
    for (let at = offset; at < object.size;) {
      const length = Math.min(EOS_BLOCK_BYTES, object.size - at);
      const got = await session.operation(code, [object.handle, at, length], { sink });
      if (!got.ok) return got;
      // A body that sends nothing would loop for ever; the importer sees the file is short.
      if (got.value.bytes === 0) break;
      at += got.value.bytes;
    }
    return ok(undefined);
  };
}

/** One GetObject (Canon's or the standard one), the bytes before `offset` skipped. */
function whole(session: EosSourceSession, code: number): Fetcher {
  return async (object, offset, sink) => {
    const got = await session.operation(code, [object.handle], { sink: skipping(offset, sink) });
    return got.ok ? ok(undefined) : got;
  };
}

/** This body's fetch: by blocks where it has a GetPartialObject, else whole. */
function fetcherFor(session: EosSourceSession, info: DeviceInfo): Fetcher {
  const has = (code: number) => info.operationsSupported.includes(code);
  const partial = has(OPERATION.EosGetPartialObject)
    ? blockwise(session, OPERATION.EosGetPartialObject)
    : has(OPERATION.GetPartialObject)
    ? blockwise(session, OPERATION.GetPartialObject)
    : undefined;
  const full = whole(
    session,
    has(OPERATION.EosGetObject) ? OPERATION.EosGetObject : OPERATION.GetObject,
  );
  // Offsets are u32 parameters: past 4 GiB only a whole-object fetch reaches.
  return (object, offset, sink) =>
    (partial && object.size <= U32_MAX ? partial : full)(object, offset, sink);
}

/**
 * The source over an open session with an EOS body already in remote mode. Each `list()` lists
 * afresh (a photo sink lists again after a reconnect). After a file is fetched to its end,
 * TransferComplete is sent and its answer does not change the result: libgphoto2 sends it after
 * a RequestObjectTransfer file; for a file that is simply on the card, whether the body wants it
 * is not known (a guess that it is harmless; a refusal is ignored).
 */
export function eosSource(session: EosSourceSession, info: DeviceInfo): ImportSource {
  const fetcher = fetcherFor(session, info);
  const transferComplete = info.operationsSupported.includes(OPERATION.EosTransferComplete);
  return {
    cameraId: cameraIdOf(info),
    list: () => listObjects(session),
    async fetch(object, offset, sink) {
      const fetched = await fetcher(object, offset, sink);
      if (!fetched.ok) return err(asSourceFailure(fetched.error));
      // The file is complete whatever this answers; a dropped connection shows on the next call.
      if (transferComplete) await eosTransferComplete(session, object.handle);
      return ok(undefined);
    },
  };
}
