/**
 * What the photo-sink lab tests and bench/sink.ts share: the pairing side beside the fake PTP/IP
 * camera (a PowerShot's or an EOS 6D's), the date its added photos carry and the folder they are
 * filed in, the helper's line for an imported photo, and photos added one at a time, each timed to
 * its import.
 *
 * @module
 */

import { DeviceProcess } from "./device_process.ts";
import type { HelperProcess } from "./helper_process.ts";
import type { Netns } from "./netns.ts";
import { checkBytes } from "./ptpip_camera_process.ts";
import { median } from "../bench/stats.ts";

/** The capture date given to every photo added by `add` (the camera program's format). */
export const PHOTO_DATE = "20240501T101500";
/** The folder under DEST that a photo taken on {@linkcode PHOTO_DATE} is imported into. */
export const PHOTO_DAY = "2024/2024-05-01";

/** A PowerShot's SSDP side (lab/fake_camera.ts): searches for the helper, pairs; leaves on `byebye`. */
export function powershotPairing(ns: Netns): DeviceProcess {
  return new DeviceProcess(ns, "fake_camera.ts", ["--ptpip", "off"]);
}

/** An EOS 6D's SSDP and description side (lab/fake_device.ts) on `ip`; it announces on `announce`. */
export function eos6dPairing(ns: Netns, ip: string): DeviceProcess {
  return new DeviceProcess(ns, "fake_device.ts", [
    "--kind",
    "eos6d",
    "--host",
    ip,
    "--ptpip",
    "off",
  ]);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Waits for the helper's line saying `path` (under DEST) was imported from `ip`. */
export function importedLine(
  helper: HelperProcess,
  path: string,
  ip: string,
  timeoutMs: number,
): Promise<string> {
  return helper.waitForLine(
    new RegExp(` INF imported ${escape(path)} from camera ${escape(ip)} \\(`),
    timeoutMs,
  );
}

/**
 * Adds `count` photos of 1 MB (IMG_0100.JPG on, seeds 100 on) to `camera`'s card one at a time, each
 * imported into `dest` (the helper's line, 5 s at most) and checked byte for byte before the next.
 * Returns the ms from each add to its import's line.
 */
export async function addOneAtATime(
  camera: DeviceProcess,
  helper: HelperProcess,
  dest: string,
  ip: string,
  count = 10,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `IMG_01${String(i).padStart(2, "0")}.JPG`;
    const size = 1_000_000 + i;
    const started = performance.now();
    await camera.command(`add DCIM/100CANON/${name} ${size} ${100 + i} ${PHOTO_DATE}`);
    await importedLine(helper, `${PHOTO_DAY}/${name}`, ip, 5000);
    latencies.push(performance.now() - started);
    await checkBytes(`${dest}/${PHOTO_DAY}/${name}`, 100 + i, size);
  }
  return latencies;
}

/** `median N ms, all a, b, ... ms` (rounded, sorted) for a test's log. */
export function describeLatencies(latencies: readonly number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b).map(Math.round);
  return `median ${Math.round(median(latencies))} ms, all ${sorted.join(", ")} ms`;
}
