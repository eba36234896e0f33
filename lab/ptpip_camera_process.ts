/**
 * The fake PTP/IP camera (lab/ptpip_camera_main.ts) as a program in a namespace, the way the lab
 * tests and the benches start it, and the check that a file copied off it holds exactly its bytes.
 *
 * @module
 */

import { DeviceProcess } from "./device_process.ts";
import type { Netns } from "./netns.ts";
import { contentBytes } from "./ptpip_camera.ts";

/**
 * The fake camera's PTP/IP side on `ip`:15740 in `ns`, with `options` (PtpipCameraOptions, sent as
 * JSON; serial number 0123456789 unless they give one).
 */
export function ptpipCamera(
  ns: Netns,
  ip: string,
  options: Record<string, unknown>,
): DeviceProcess {
  return new DeviceProcess(ns, "ptpip_camera_main.ts", [
    "--host",
    ip,
    "--port",
    "15740",
    "--options",
    JSON.stringify({ serialNumber: "0123456789", ...options }),
  ]);
}

/** Throws unless `path` holds exactly the camera's bytes for `seed` and `size`. */
export async function checkBytes(path: string, seed: number, size: number): Promise<void> {
  using file = await Deno.open(path);
  // Read in pieces: the bench checks files of 300 MB.
  const buffer = new Uint8Array(1 << 20);
  let offset = 0;
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    const expected = contentBytes({ seed, size }, offset, n);
    for (let i = 0; i < n; i++) {
      if (buffer[i] !== expected[i]) throw new Error(`${path} differs at byte ${offset + i}`);
    }
    offset += n;
  }
  if (offset !== size) throw new Error(`${path} has ${offset} bytes, not ${size}`);
}
