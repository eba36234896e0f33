/**
 * What the user reads about cameras: the commands that use a ready camera, and the one-line live status.
 * Pure.
 *
 * @module
 */

import type { Camera } from "./tracker.ts";
import type { PtpipRefusal } from "./ptpip_check.ts";

/** Command lines that talk to the camera at `ip` over PTP/IP now. */
export function clientCommands(ip: string): { chdkptp: string; gphoto2: string } {
  return {
    chdkptp: `chdkptp -e"connect -h=${ip}"`,
    gphoto2: `gphoto2 --port ptpip:${ip} --summary`,
  };
}

/** Shown while no camera is pairing or up. */
export const WAITING_STATUS = "waiting for a camera… (Ctrl+C to stop)";

/** How many cameras the status line names before it counts the rest. */
const STATUS_CAMERAS = 3;

/** The status line for the active cameras (pairing or ready), most recent last. */
export function statusText(active: readonly Pick<Camera, "ip" | "state" | "model">[]): string {
  if (active.length === 0) return WAITING_STATUS;
  const shown = active.slice(-STATUS_CAMERAS).map((c) =>
    `camera ${c.ip}${c.model ? ` (${c.model})` : ""} ${c.state === "ready" ? "ready" : "pairing…"}`
  );
  const more = active.length - shown.length;
  return shown.join(", ") + (more > 0 ? ` (+${more} more)` : "");
}

/** Why `--probe-ptpip` found the camera's PTP/IP port closed, as the `ptpip-check` line says it. */
export function ptpipRefusalText(refusal: PtpipRefusal): string {
  switch (refusal.kind) {
    case "refused":
      return "refused the connection (the camera is not waiting for one)";
    case "silent":
      return `did not answer within ${refusal.ms} ms`;
    case "failed":
      return refusal.cause;
  }
}
