/**
 * Canon EOS bodies over an open PTP/IP session: recognising one from its DeviceInfo, putting it
 * into Canon's remote and event modes, polling GetEvent for what changed, keeping it awake. The
 * order and the values are libgphoto2's (camlibs/ptp2 library.c `camera_init`, config.c
 * `camera_prepare_canon_eos_capture`, ptp.c `ptp_check_eos_events`); the record layout is in
 * `eos_events.ts`. Deciding is pure (`isEosBody`, `eosRemoteMode`); the rest is one operation each.
 *
 * @module
 */

import { ok, type Result } from "../util/result.ts";
import { OPERATION } from "./codes.ts";
import type { DeviceInfo } from "./datasets.ts";
import { decodeEosEvents, type EosEvent } from "./eos_events.ts";
import type { PtpipSession, SessionFailure } from "./session.ts";

/**
 * How often GetEvent is polled while waiting for photos. The keep-alive script
 * (LuckyNoS7evin/canon-eos-wifi-keepalive, confirmed on an EOS M50) polls every second.
 */
export const EOS_POLL_MS = 1000;

/**
 * How often KeepDeviceOn is sent: every 60 s, as the keep-alive script does on the M50.
 * libgphoto2 (config.c `camera_keep_device_on`) sends it at most every 10 s while it waits for
 * events; both keep bodies awake, so the lighter schedule is kept.
 */
export const EOS_KEEPALIVE_MS = 60_000;

/** PTP's vendor extension ID for Canon (DeviceInfo `vendorExtensionId`). */
export const CANON_VENDOR_EXTENSION = 0x0000000B;

/**
 * The largest GetEvent data phase taken. The first one after SetEventMode carries every property
 * and its allowed values (tens of kilobytes on the bodies in libgphoto2's logs); a camera that
 * announces more than this is broken or hostile, and the session ends (see `operationData`).
 */
const MAX_EOS_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * At most this many GetEvent calls drain the initial state. libgphoto2 repeats until an answer
 * holds no records, unbounded; a camera that never runs dry must not hold the start forever.
 */
const MAX_DRAIN_ROUNDS = 8;

/** SetRemoteMode's value for most bodies, and for the EOS M line (libgphoto2 library.c). */
const REMOTE_MODE_DEFAULT = 1;
const REMOTE_MODE_EOS_M = 0x15;
/** PTP_OC_CANON_EOS_RemoteReleaseOn: libgphoto2's sign of EOS-M-like firmware in a PowerShot. */
const REMOTE_RELEASE_ON = 0x9128;

/** The session operations the EOS calls use. */
export type EosSession = Pick<PtpipSession, "operation" | "operationData">;

/**
 * Whether the camera is an EOS-style body: Canon's vendor extension and GetEvent among its
 * operations. PowerShots that answer standard PTP only (ObjectAdded on the event connection) are
 * not; newer PowerShots with EOS firmware are, as libgphoto2 treats them.
 */
export function isEosBody(
  info: Pick<DeviceInfo, "vendorExtensionId" | "operationsSupported">,
): boolean {
  return info.vendorExtensionId === CANON_VENDOR_EXTENSION &&
    info.operationsSupported.includes(OPERATION.EosGetEvent) &&
    info.operationsSupported.includes(OPERATION.EosSetRemoteMode);
}

/**
 * SetRemoteMode's parameter for this body, as libgphoto2's `camera_init` picks it: 0x15 for the
 * EOS M line (the M6 Mark II takes 1) and for PowerShot SX/G and Digital IXUS bodies with
 * RemoteReleaseOn (the SX720 HS and SX600 HS take 0x11), 1 for every other body.
 */
export function eosRemoteMode(
  info: Pick<DeviceInfo, "model" | "operationsSupported">,
): number {
  const model = info.model;
  if (model === "Canon EOS M6 Mark II") return REMOTE_MODE_DEFAULT;
  if (model === "Canon PowerShot SX720 HS" || model === "Canon PowerShot SX600 HS") return 0x11;
  if (model.startsWith("Canon EOS M")) return REMOTE_MODE_EOS_M;
  const eosLikePowerShot = ["Canon PowerShot SX", "Canon PowerShot G", "Canon Digital IXUS"]
    .some((prefix) => model.startsWith(prefix));
  if (eosLikePowerShot && info.operationsSupported.includes(REMOTE_RELEASE_ON)) {
    return REMOTE_MODE_EOS_M;
  }
  return REMOTE_MODE_DEFAULT;
}

/** One GetEvent: the records the camera reports since the last one (empty when nothing changed). */
export async function eosEvents(session: EosSession): Promise<Result<EosEvent[], SessionFailure>> {
  const answered = await session.operationData(OPERATION.EosGetEvent, [], MAX_EOS_EVENT_BYTES);
  return answered.ok ? ok(decodeEosEvents(answered.value.data)) : answered;
}

/**
 * Puts the body into remote mode and event mode, then drains the initial state with GetEvent
 * until an answer holds no records (at most {@linkcode MAX_DRAIN_ROUNDS}), as libgphoto2 does
 * before it waits for events. With `info` the remote-mode value is the body's
 * ({@linkcode eosRemoteMode}); without it, 1. What the drain returns is dropped: files already on
 * the card are found by listing, and only records after this are news.
 */
export async function startEosMode(
  session: EosSession,
  info?: Pick<DeviceInfo, "model" | "operationsSupported">,
): Promise<Result<void, SessionFailure>> {
  const mode = info ? eosRemoteMode(info) : REMOTE_MODE_DEFAULT;
  const remote = await session.operation(OPERATION.EosSetRemoteMode, [mode]);
  if (!remote.ok) return remote;
  const events = await session.operation(OPERATION.EosSetEventMode, [1]);
  if (!events.ok) return events;
  for (let round = 0; round < MAX_DRAIN_ROUNDS; round++) {
    const drained = await eosEvents(session);
    if (!drained.ok) return drained;
    if (drained.value.length === 0) break;
  }
  return ok(undefined);
}

/** KeepDeviceOn (0x911D, no parameters): keeps the body from powering off while idle. */
export async function eosKeepAlive(
  session: Pick<EosSession, "operation">,
): Promise<Result<void, SessionFailure>> {
  const kept = await session.operation(OPERATION.EosKeepDeviceOn);
  return kept.ok ? ok(undefined) : kept;
}

/**
 * TransferComplete (0x9117, the object's handle): tells the body a file it announced has been
 * taken. libgphoto2 sends it after fetching a RequestObjectTransfer object.
 */
export async function eosTransferComplete(
  session: Pick<EosSession, "operation">,
  handle: number,
): Promise<Result<void, SessionFailure>> {
  const done = await session.operation(OPERATION.EosTransferComplete, [handle]);
  return done.ok ? ok(undefined) : done;
}
