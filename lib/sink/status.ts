/**
 * What the status line says about the photo sink: one phrase per camera (`importing 3/12
 * IMG_0042.JPG 4.2 MB/s`, `waiting for new photos`), and the line that joins them. Names come from
 * the camera and are made safe for a terminal here. Pure.
 *
 * @module
 */

import { safeName } from "../terminal/import_progress.ts";

/** What one camera's link is doing. */
export type LinkActivity =
  | { kind: "queued" }
  | { kind: "connecting" }
  | { kind: "listing" }
  | { kind: "importing"; index: number; total: number; name: string; rate: string }
  | { kind: "waiting" }
  | { kind: "retrying"; seconds: number };

/** A camera of the sink and what its link is doing. */
export interface SinkEntry {
  /** Its address. */
  ip: string;
  /** Its model, cleaned, when known. */
  model?: string;
  /** What its link is doing. */
  activity: LinkActivity;
}

/** The phrase for one activity. Pure. */
function activityText(activity: LinkActivity): string {
  switch (activity.kind) {
    case "queued":
      return "waiting for a free import slot";
    case "connecting":
      return "connecting over PTP/IP…";
    case "listing":
      return "listing photos…";
    case "importing":
      return `importing ${activity.index}/${activity.total} ${safeName(activity.name, 32)} ` +
        activity.rate;
    case "waiting":
      return "waiting for new photos";
    case "retrying":
      return `connection lost, trying again in ${activity.seconds} s`;
  }
}

/** How many cameras the line names before it counts the rest. */
const SHOWN = 3;

/** The status line of the sink: `camera 10.0.0.2: waiting for new photos; …`. Pure. */
export function sinkStatus(entries: readonly SinkEntry[]): string {
  const shown = entries.slice(0, SHOWN).map((e) =>
    `camera ${e.ip}${e.model ? ` (${safeName(e.model, 32)})` : ""}: ${activityText(e.activity)}`
  );
  const more = entries.length - shown.length;
  return shown.join("; ") + (more > 0 ? ` (+${more} more)` : "");
}

/** Two writers of one status line: the camera watch's and the sink's. */
export interface StatusMux {
  /** The camera watch's text (cameras pairing and ready). */
  cameras(text: string): void;
  /** The sink's text; empty when no camera has a link. */
  sink(text: string): void;
}

/**
 * Joins the camera watch's status and the sink's on one line: the sink's while any camera has a
 * link (it says more of those cameras than "ready"), the watch's otherwise.
 */
export function statusMux(write: (text: string) => void): StatusMux {
  const texts = { cameras: "", sink: "" };
  let shown: string | undefined;
  const writer = (of: keyof StatusMux) => (text: string) => {
    texts[of] = text;
    const line = texts.sink || texts.cameras;
    if (line === shown) return;
    shown = line;
    write(line);
  };
  return { cameras: writer("cameras"), sink: writer("sink") };
}
