/**
 * The words and numbers of an import as the user reads them: sizes, durations, the live progress
 * line on a terminal, and file names from the camera made safe to show. The formatting is pure;
 * {@linkcode ImportReporter} keeps the state of one run and reports through what it is handed.
 *
 * @module
 */

import type { Emit, ServeEvent } from "../events.ts";
import type { ImportEvent } from "../import/importer.ts";
import { replaceUnshown } from "../util/text.ts";
import type { Clock } from "../util/timers.ts";

/** A byte count in decimal units, as file managers show them: `512 B`, `3.4 kB`, `84.1 MB`, `2.30 GB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "? B";
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let value = bytes / 1000;
  let unit = 0;
  // Rounding first: 999 960 bytes reads 1.0 MB, not 1000.0 kB.
  while (Number(value.toFixed(1)) >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit >= 2 ? 2 : 1)} ${units[unit]}`;
}

/** Seconds with one decimal below a minute (`9.3`), whole above (`125`). */
export function formatSeconds(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  return seconds < 60 ? seconds.toFixed(1) : String(Math.round(seconds));
}

/** A transfer rate: `4.2 MB/s`; nothing measurable yet is `…`. */
export function formatRate(bytes: number, ms: number): string {
  return ms < 50 || bytes <= 0 ? "…" : `${formatBytes((bytes * 1000) / ms)}/s`;
}

/** The most of a file name the progress line shows. */
const NAME_COLUMNS = 40;

/**
 * A name from the camera as it may appear on a terminal: every character that could steer it or
 * hide and reorder text (`lib/util/text.ts`'s set) marked `?`, where the user may want to know one
 * was, and cut to `max` characters (the end kept: `…0001.JPG` tells more than `IMG_…`).
 */
export function safeName(name: string, max = NAME_COLUMNS): string {
  const clean = replaceUnshown(name, () => "?");
  const chars = [...clean];
  return chars.length <= max ? clean : `…${chars.slice(chars.length - (max - 1)).join("")}`;
}

/** Where an import is, for its progress line. */
export interface ImportProgress {
  /** The file being copied, as the camera names it. */
  name: string;
  /** Its place among the files to copy, from 1. */
  index: number;
  /** How many files are to be copied. */
  total: number;
  /** Bytes of this file on disk so far (a resumed file starts above 0). */
  fileBytes: number;
  /** The file's size. */
  fileSize: number;
  /** Bytes copied in this run, over every file. */
  copiedBytes: number;
  /** Milliseconds since the copying began. */
  elapsedMs: number;
}

/** Cells of the bar. */
const BAR_CELLS = 20;

/** `[#########-----------]` for a fraction from 0 to 1. */
export function progressBar(fraction: number, cells = BAR_CELLS): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const full = Math.floor(clamped * cells);
  return `[${"#".repeat(full)}${"-".repeat(cells - full)}]`;
}

/**
 * The live line: `3/12 [#######-------------] IMG_0003.JPG 2.1 MB of 5.3 MB, 4.2 MB/s`. The bar
 * shows the file; the count and rate the whole run.
 */
export function progressText(p: ImportProgress): string {
  const fraction = p.fileSize > 0 ? p.fileBytes / p.fileSize : 1;
  return `${p.index}/${p.total} ${progressBar(fraction)} ${safeName(p.name)} ` +
    `${formatBytes(p.fileBytes)} of ${formatBytes(p.fileSize)}, ` +
    formatRate(p.copiedBytes, p.elapsedMs);
}

/**
 * The log line of a photo copied in `ms`, worded once for the import and the sink (which names its
 * camera, first after the event's name).
 */
export function photoImported(
  done: { path: string; size: number },
  ms: number,
  camera?: string,
): ServeEvent {
  const { path, size } = done;
  const bytes = { path, bytes: size, ms: Math.round(ms), size: formatBytes(size) };
  return camera === undefined
    ? { event: "photo-imported", ...bytes }
    : { event: "photo-imported", camera, ...bytes };
}

/** The least time between two redraws of the progress line: a chunk can arrive every millisecond. */
export const REDRAW_MS = 100;

/** Where an {@linkcode ImportReporter} reports. */
interface ReporterOutputs {
  /** Log events (the JSON log contract). */
  emit: Emit;
  /** The live line, on a terminal with text logs; then no line per photo is logged. */
  status?: (text: string) => void;
  /** Times the rate and the redraws. */
  clock: Pick<Clock, "now">;
}

/**
 * Turns the importer's events into what the user sees: on a terminal one progress line, redrawn at
 * most every {@linkcode REDRAW_MS}; elsewhere a `photo-imported` line per photo. A photo that
 * failed is logged either way.
 */
export class ImportReporter {
  readonly #out: ReporterOutputs;
  /** When the first file began: the rate is the copying's, not the listing's. */
  #started?: number;
  #file?: ImportProgress & { offset: number; since: number };
  #copiedBefore = 0;
  #lastDraw = -Infinity;

  /** A reporter that writes to `out`: the log, the live line and the clock. */
  constructor(out: ReporterOutputs) {
    this.#out = out;
  }

  /** Bytes copied so far in this run. */
  get copiedBytes(): number {
    return this.#copiedBefore + (this.#file ? this.#file.fileBytes - this.#file.offset : 0);
  }

  /** Reports one event of the importer; never throws. */
  handle(event: ImportEvent): void {
    const { emit, status, clock } = this.#out;
    const now = () => clock.now();
    switch (event.kind) {
      case "listing":
        status?.("listing the photos on the camera…");
        return;
      case "listed":
        emit({ event: "import-listed", objects: event.objects, toImport: event.toImport });
        return;
      case "file-start":
        this.#started ??= now();
        this.#file = {
          name: event.name,
          index: event.index,
          total: event.total,
          fileBytes: event.offset,
          fileSize: event.size,
          copiedBytes: this.#copiedBefore,
          elapsedMs: 0,
          offset: event.offset,
          since: now(),
        };
        this.#draw(true);
        return;
      case "bytes":
        if (!this.#file) return;
        this.#file.fileBytes = event.done;
        this.#draw(false);
        return;
      case "file-done": {
        const file = this.#file;
        this.#copiedBefore = this.copiedBytes;
        this.#file = undefined;
        if (status) return;
        emit(photoImported(event, file ? now() - file.since : 0));
        return;
      }
      case "file-failed":
        this.#copiedBefore = this.copiedBytes;
        this.#file = undefined;
        emit({ event: "photo-failed", name: event.name, reason: event.reason });
        return;
      case "skipped":
        return;
    }
  }

  #draw(force: boolean): void {
    const { status, clock } = this.#out;
    const file = this.#file;
    if (!status || !file) return;
    const time = clock.now();
    if (!force && time - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = time;
    status(
      progressText({
        ...file,
        copiedBytes: this.copiedBytes,
        elapsedMs: time - (this.#started ?? time),
      }),
    );
  }
}
