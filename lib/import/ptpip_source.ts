/**
 * A PTP/IP session as the importer's {@linkcode ImportSource}: the listing is every storage's
 * object handles and each one's ObjectInfo, a file is fetched with GetPartialObject from where a
 * partial copy ends (GetObject from the start, or when the camera lacks GetPartialObject, with the
 * bytes already on disk skipped). Session failures are sorted into "this object" (a response the
 * camera gave about it) and "the connection" (anything that ends the session).
 *
 * @module
 */

import type { DeviceInfo, ObjectInfo } from "../ptpip/datasets.ts";
import { OPERATION } from "../ptpip/codes.ts";
import type { PtpipSession, SessionFailure } from "../ptpip/session.ts";
import { cleanText } from "../util/text.ts";
import { err, ok, type Result } from "../util/result.ts";
import {
  type CameraObject,
  type ChunkSink,
  type ImportSource,
  MAX_OBJECTS,
  type SourceFailure,
} from "./source.ts";

/** The operations of a session the source uses. */
export type SourceSession = Pick<
  PtpipSession,
  "storageIds" | "objectHandles" | "objectInfo" | "getObject" | "getPartialObject"
>;

/** The storage ID part that numbers the medium: 0 means the slot is empty (PTP 1.1, 5.2.1). */
const PHYSICAL_STORAGE_MASK = 0xffff;

/** Whether a failure leaves the session open: the camera answered, about this one request. */
export function isObjectFailure(failure: SessionFailure): boolean {
  return failure.kind === "response" || failure.kind === "busy" || failure.kind === "cancelled";
}

/** A session failure as the importer sees it: this object only, or the connection. */
export function asSourceFailure(failure: SessionFailure): SourceFailure {
  return { kind: isObjectFailure(failure) ? "object" : "connection", detail: failure.detail };
}

/**
 * Who the camera is across sessions: its model and serial number, cleaned and bounded (the
 * manufacturer first when the model does not name it).
 */
export function cameraIdOf(
  info: Pick<DeviceInfo, "manufacturer" | "model" | "serialNumber">,
): string {
  const model = cleanText(info.model, 80).trim();
  const maker = cleanText(info.manufacturer, 40).trim();
  const named = maker !== "" && !model.toLowerCase().startsWith(maker.toLowerCase().split(" ")[0])
    ? `${maker} ${model}`
    : model;
  return [named, cleanText(info.serialNumber, 64).trim()].filter((p) => p !== "").join(" ") ||
    "unknown camera";
}

/**
 * Lists every object on the camera's storages: the handles of each storage that holds a medium,
 * then the ObjectInfo of each. An object the camera will not describe (deleted meanwhile) is left
 * out; a failure of the connection ends the listing. At most `MAX_OBJECTS + 1` are returned, so
 * the importer sees and refuses a card that lists more.
 */
export async function listObjects(
  session: SourceSession,
): Promise<Result<CameraObject[], SourceFailure>> {
  const handles = await storageHandles(session);
  if (!handles.ok) return err(handles.error);
  return describeHandles(session, handles.value);
}

/**
 * The objects behind `handles`, each described by its ObjectInfo, those in `known` passed over.
 * Each handle the camera answered about (described, or refused: deleted meanwhile, so left out)
 * is added to `known`, so a handle listed twice is described once; a failure of the connection
 * ends the listing, its handle not added.
 */
export async function describeHandles(
  session: Pick<SourceSession, "objectInfo">,
  handles: Iterable<number>,
  known: Pick<Set<number>, "has" | "add"> = new Set(),
): Promise<Result<CameraObject[], SourceFailure>> {
  const objects: CameraObject[] = [];
  for (const handle of handles) {
    if (known.has(handle)) continue;
    const info = await session.objectInfo(handle);
    if (!info.ok && !isObjectFailure(info.error)) return err(asSourceFailure(info.error));
    known.add(handle);
    if (info.ok) objects.push(cameraObjectOf(handle, info.value));
  }
  return ok(objects);
}

/**
 * The handles of each storage that holds a medium, in the camera's order, those `skip` names left
 * out; at most `MAX_OBJECTS + 1`. A storage the camera will not list (a card being removed) is
 * passed over; a failure of the connection ends the listing.
 */
export async function storageHandles(
  session: Pick<SourceSession, "storageIds" | "objectHandles">,
  skip: (handle: number) => boolean = () => false,
): Promise<Result<number[], SourceFailure>> {
  const storages = await session.storageIds();
  if (!storages.ok) return err(asSourceFailure(storages.error));
  const handles: number[] = [];
  for (const storageId of storages.value) {
    if ((storageId & PHYSICAL_STORAGE_MASK) === 0) continue;
    const listed = await session.objectHandles(storageId);
    if (!listed.ok) {
      if (isObjectFailure(listed.error)) continue;
      return err(asSourceFailure(listed.error));
    }
    for (const handle of listed.value) {
      if (skip(handle)) continue;
      if (handles.length > MAX_OBJECTS) break;
      handles.push(handle);
    }
  }
  return ok(handles);
}

/** The importer's object for `handle`, as its ObjectInfo describes it. */
export function cameraObjectOf(handle: number, info: ObjectInfo): CameraObject {
  return {
    handle,
    storageId: info.storageId,
    format: info.format,
    name: info.filename,
    size: info.compressedSize,
    captureDate: info.captureDate,
  };
}

/**
 * Passes on only the bytes from `skip` on: for a whole-object fetch that resumes a partial file
 * (`sink` itself when there is nothing to skip, a fetch from the start).
 */
export function skipping(skip: number, sink: ChunkSink): ChunkSink {
  if (skip <= 0) return sink;
  let toSkip = skip;
  return async (chunk) => {
    if (toSkip >= chunk.length) {
      toSkip -= chunk.length;
      return;
    }
    const rest = toSkip > 0 ? chunk.subarray(toSkip) : chunk;
    toSkip = 0;
    await sink(rest);
  };
}

/**
 * Fetches one object from `offset`: GetPartialObject from where a partial copy ends, or GetObject
 * (from the start, or with the bytes already on disk skipped where the camera lacks
 * GetPartialObject). For sources that list in their own way (the photo sink's new objects).
 */
export function ptpipFetch(session: SourceSession, info: DeviceInfo): ImportSource["fetch"] {
  const partial = info.operationsSupported.includes(OPERATION.GetPartialObject);
  return async (object, offset, sink) => {
    const fetched = offset > 0 && partial
      ? await session.getPartialObject(
        object.handle,
        offset,
        Math.max(0, object.size - offset),
        sink,
      )
      : await session.getObject(object.handle, skipping(offset, sink));
    return fetched.ok ? ok(undefined) : err(asSourceFailure(fetched.error));
  };
}

/**
 * The source over an open session. The listing starts at once: a PowerShot closes a connection on
 * which no GetObjectHandles comes soon, and the importer reads its record before it lists.
 */
export function ptpipSource(session: SourceSession, info: DeviceInfo): ImportSource {
  const listing = listObjects(session);
  return { cameraId: cameraIdOf(info), list: () => listing, fetch: ptpipFetch(session, info) };
}
