/**
 * Logging to stderr: every event's wording and level, human lines by default, JSON lines for services
 * and scripts (formatted by `logger.ts`). Lines
 * go through a bounded {@linkcode LogBuffer} written asynchronously, so a stderr nobody reads (a stalled
 * journald, `| less`) never stops the answers or a stop signal: past the bound lines are dropped and
 * then counted in one line. {@linkcode flushLogs} drains it, with a deadline, before the process exits.
 *
 * @module
 */

import {
  configureLogger,
  jsonLine,
  log,
  type LogLevel,
  type LogRecord,
  textLine,
} from "./logger.ts";
import type { ServeEvent } from "../events.ts";
import { settlesWithin } from "../util/timeout.ts";
import { sleep } from "../util/timers.ts";

export { escapeControls, log } from "./logger.ts";

/**
 * An event's level and message, and for a few a `detail`: the technical form of the same line (the
 * SSDP search, the HTTP request, the port), which `-v` adds as a DEBUG line after the message. The
 * message tells what happened in the camera's terms; JSON carries the facts in its properties.
 */
type Line = [level: "debug" | "info" | "warn" | "error", message: string, detail?: string];
type EventName = ServeEvent["event"];
type LineOf = { [K in EventName]: (event: Extract<ServeEvent, { event: K }>) => Line };

const GONE: Record<Extract<ServeEvent, { event: "camera-gone" }>["reason"], string> = {
  byebye: "camera {ip} left (ssdp:byebye)",
  expired: "camera {ip} was not heard from within its max-age: presumed gone",
  // Never heard since its fetch: perhaps no camera at all.
  silent: "{ip} fetched this computer's name but has not announced itself since; " +
    "if it is a camera that says it is connected, try {chdkptp} anyway",
};

const SERVING_DETAIL = "serving {iface} {address}: SSDP on UDP {ssdpPort}, description at {url}";

const serving = (e: { error?: string }): Line =>
  e.error === undefined
    ? [
      "info",
      "serving {iface} {address}: cameras there can find this computer; its description is at {url}",
      SERVING_DETAIL,
    ]
    : [
      "warn",
      "serving {iface} {address}, but only to searches sent to this computer, not to a camera's " +
      "search of the whole network (joining the multicast group failed: {error}); its description " +
      "is at {url}",
      "serving {iface} {address}: unicast SSDP only on UDP {ssdpPort}, description at {url}",
    ];

/**
 * A searcher's address without its port, for the message (JSON keeps `from` whole). Whoever searches
 * is not yet known to be a camera: that is learnt later (lib/cameras/tracker.ts), so the line names
 * only the address.
 */
const host = (from: string): string => from.replace(/:\d+$/, "");

const HTTP_DETAIL = "HTTP {method} /{path} from {remote}: {status}";

/** An HTTP request in words: the description fetched (what a camera does), or anything else. */
const http = (e: { method: string; status: number }): Line =>
  e.method === "GET" && e.status === 200
    ? ["info", "{remote} fetched this computer's name (its description)", HTTP_DETAIL]
    : ["info", "{remote} asked for /{path} ({method}): answered {status}", HTTP_DETAIL];

/** The level and message template of every event: the one place events become log lines. */
const LINES: LineOf = {
  "start":
    () => ["info", "ptpip-canon-helper {version}: the camera will list this computer as {name}"],
  "uuid": () => ["info", "device UUID {uuid} ({source})"],
  "http": http,
  "announce-failed": () => ["warn", "announcement from {address} failed: {error}"],
  "unknown-interface": () => [
    "warn",
    "there is no interface named {name} (yet); `ptpip-canon-helper interfaces` lists them",
  ],
  "rate-limited": () => [
    "warn",
    "rate limits held back {total} answers in the last {seconds} s ({source} per-source, {global} global; {tracked} sources tracked)",
  ],
  "datagram": () => ["debug", "datagram from {from}: {verdict}"],
  "search": (e) => [
    "info",
    `${host(e.from)} is looking for a computer ({st}): answered`,
    "M-SEARCH from {from} for {st}: answered with {location}",
  ],
  "searches-summed": () => [
    "info",
    "{count} more searches for a computer answered in {seconds} s from {sources} addresses (a " +
    "flood: summed up, not a line each)",
  ],
  "http-summed": () => [
    "info",
    "{count} more requests for the description in {seconds} s from {sources} addresses (a flood: " +
    "summed up, not a line each)",
  ],
  "receive-error": () => ["debug", "receive error (ignored): {error}"],
  "send-failed": () => ["warn", "answer to {to} failed: {error}"],
  "ready": (e) =>
    e.served.length > 0 ? ["info", "ready: waiting for a camera (Ctrl+C to stop)"] : [
      "warn",
      "ready, but no address is served, so no camera can reach this computer: see " +
      "`ptpip-canon-helper interfaces`, or give LAN_IP or -i NAME (Ctrl+C to stop)",
    ],
  "stop": () => ["info", "stopped ({signal})"],
  "rescan-failed": () => ["error", "rescan failed: {error}"],
  "interface-removed": () => ["info", "interface {iface} {address} is gone: no longer served"],
  "interface-unavailable": () => ["warn", "cannot serve {iface} {address} yet: {error}"],
  "interface": serving,
  "interface-added": serving,
  "no-interface": () => [
    "warn",
    "no usable IPv4 interface right now; waiting for one (see `ptpip-canon-helper interfaces`)",
  ],
  "serving-again": () => ["warn", "serving again, on {addresses}: cameras can reach this computer"],
  "interface-rejoined": () => [
    "warn",
    "interface {iface} {address} was re-created: joined the SSDP group again",
  ],
  // Said at the first fetch, before anything shows that the fetcher is a camera.
  "camera-pairing": () => [
    "info",
    "{ip} is pairing or reconnecting: waiting for it to announce itself as a camera",
  ],
  "device-fetched": () => [
    "info",
    "{ip} fetched this computer's name but is no Canon camera (server {server}): not ready, no hook",
  ],
  "camera-gone": (e) => ["info", GONE[e.reason]],
  "camera-ready": (e) =>
    e.flow === "eos"
      ? [
        "info",
        "EOS camera {camera} is ready (its description was fetched): use it now with {gphoto2}",
      ]
      : ["info", "camera {camera} is ready: use it now with {chdkptp} or {gphoto2}"],
  "eos-off": () => [
    "warn",
    "an EOS camera at {ip} announces itself (EOS Utility mode): it pairs only when the helper " +
    "runs with --eos, which fetches its description as Windows does (see --help)",
  ],
  "eos-fetch": () => ["debug", "fetched {location} as Windows does (fetch {fetch})"],
  "eos-fetch-failed":
    () => ["warn", "fetch {fetch} of EOS camera {ip} ({location}) failed: {error}"],
  "eos-fetches-done":
    () => ["debug", "no more fetches of EOS camera {ip}: {reason} after {fetches}"],
  "eos-ignored": (e) =>
    e.busy
      ? ["warn", "EOS camera {ip} is not fetched now: {reason}"]
      : ["debug", "EOS announcement from {ip} ignored: {reason}"],
  "eos-summed": (e) => [
    e.lines === "warnings" ? "warn" : "debug",
    "{count} more EOS lines ({lines}) in {seconds} s from {sources} sources: forged announcements? " +
    "(a flood: summed up, not a line each)",
  ],
  "eos-search": (e) =>
    e.error === undefined
      ? ["debug", "asked for EOS cameras from {address}"]
      : ["warn", "could not ask for EOS cameras from {address}: {error}"],
  "cameras-unavailable": () => [
    "error",
    "camera tracking could not be loaded ({error}): searches are still answered, but no camera " +
    "is reported ready and no --on-camera program runs; please report it",
  ],
  "eos-unavailable": () => [
    "error",
    "the XML parser for EOS descriptions could not be loaded ({error}): searches are still " +
    "answered, but no EOS camera is fetched; start the helper once with network to cache it",
  ],
  "camera-search": () => [
    "debug",
    "asking {ip} for its SSDP presence (unicast M-SEARCH to port {port})",
  ],
  "camera-search-failed": () => ["debug", "search of {ip} failed: {error}"],
  "ptpip-check": (e) =>
    e.open
      ? ["info", "PTP/IP port {port} of camera {ip} accepts connections"]
      : ["warn", "PTP/IP port {port} of camera {ip} {reason}"],
  "hook-start": () => ["info", "--on-camera: started {command} for camera {ip} (pid {pid})"],
  "hook-output": () => ["info", "on-camera {ip}: {line}"],
  "hook-exit": (e) =>
    e.signal !== null
      ? ["warn", "--on-camera program for camera {ip} was ended by {signal}"]
      : e.code !== 0
      ? ["warn", "--on-camera program for camera {ip} exited with code {code}"]
      : ["info", "--on-camera program for camera {ip} exited with code {code}"],
  "hook-error": () => [
    "error",
    "--on-camera program could not be started for camera {ip}: {error}",
  ],
  "hook-busy": () => [
    "info",
    "--on-camera program for camera {ip} is still running: not started again",
  ],
  "hook-deferred": () => [
    "warn",
    "--on-camera program for camera {ip} waits its turn (about {seconds} s): {reason}",
  ],
  "import-start": () => ["info", "importing from {model} at {camera} into {to}"],
  "import-listed": () => ["info", "the camera lists {objects} objects; {toImport} new to import"],
  "photo-failed": () => ["warn", "{name} was not imported: {reason}"],
  "photo-imported": (e) => [
    "info",
    e.camera === undefined
      ? "imported {path} ({size} in {ms} ms)"
      : "imported {path} from camera {camera} ({size} in {ms} ms)",
  ],
  "sink-connected": () => [
    "info",
    "importing new photos from {model} at {ip} into {to}: the helper holds its PTP/IP connection",
  ],
  "sink-lost": () => [
    "warn",
    "the PTP/IP session with camera {ip} failed ({error}); trying again in {seconds} s",
  ],
  "sink-ended": () => ["info", "stopped importing from camera {ip}: {reason}"],
  "sink-import-failed": () => [
    "warn",
    "importing from camera {ip} stopped: {error}; trying again in {seconds} s",
  ],
  "photo-hook-start": () => ["info", "--on-photo: started {command} for {path} (pid {pid})"],
  "photo-hook-output": () => ["info", "on-photo {ip}: {line}"],
  "photo-hook-exit": (e) =>
    e.signal !== null
      ? ["warn", "--on-photo program for {path} was ended by {signal}"]
      : e.code !== 0
      ? ["warn", "--on-photo program for {path} exited with code {code}"]
      : ["info", "--on-photo program for {path} exited with code {code}"],
  "photo-hook-error":
    () => ["error", "--on-photo program could not be started for {path}: {error}"],
  "photo-hook-deferred": () => [
    "warn",
    "--on-photo program for {path} waits its turn (about {seconds} s): {reason}",
  ],
  "import-summary": (e) => [
    "info",
    `imported {imported} new ${e.imported === 1 ? "photo" : "photos"}, {size} in {seconds} s` +
    (e.skipped > 0 ? "; {skipped} already imported" : ""),
  ],
};

/** Whether the technical form of a line follows it: text with `-v` (set by {@linkcode setupLogging}). */
let detailLines = false;

/** Turns an event into its log line: the one place that picks wording and level. */
export function logEvent(event: ServeEvent): void {
  const [level, message, detail] = (LINES[event.event] as (e: ServeEvent) => Line)(event);
  const properties = event as unknown as Record<string, unknown>;
  log[level](message, properties);
  if (detail !== undefined && detailLines) log.debug(detail, properties);
}

/** How much is logged: warnings only, one line per event, or every datagram too. */
export type Verbosity = "quiet" | "normal" | "verbose";

/** The output form of log lines. */
export const LOG_FORMATS = ["text", "json"] as const;

/** One of {@linkcode LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number];

const LOWEST_LEVEL: Record<Verbosity, LogLevel> = {
  // -q still makes the info records of ALWAYS_SHOWN, then filters the rest out.
  quiet: "info",
  normal: "info",
  verbose: "debug",
};

/** The lines a user runs the helper for: shown with `-q` too, whatever their level. */
export const ALWAYS_SHOWN: ReadonlySet<string> = new Set(["camera-ready", "import-summary"]);

/** Whether a record passes `-q`: a warning or worse, or one of {@linkcode ALWAYS_SHOWN}. Pure. */
export function passesQuiet(record: Pick<LogRecord, "level" | "properties">): boolean {
  return record.level === "warning" || record.level === "error" || record.level === "fatal" ||
    ALWAYS_SHOWN.has(String(record.properties.event));
}

const encoder = new TextEncoder();

/** Where a {@linkcode LogBuffer} writes: `Deno.stderr`, or a fake in tests. */
export interface LineWriter {
  /** Writes some of `bytes`, resolving with how many; may take forever when nobody reads. */
  write(bytes: Uint8Array): Promise<number>;
  /** Writes at once, blocking; used only at exit, and only when no write is stuck. */
  writeSync(bytes: Uint8Array): number;
}

/** Lines held while stderr is not taking them; a stalled reader costs this much memory, no more. */
export const LOG_QUEUE_LINES = 2000;

/**
 * At most one write per this many milliseconds: a line after a quiet spell goes out at once, the
 * lines behind it gather and go out in one write. An asynchronous write to stderr is handed to one of
 * the runtime's threads; measured in the open loop at 40k/s, a write every 2 ms cost 6–9 % of the
 * answers, a write every 50 ms under 1 %.
 */
export const LOG_BATCH_MS = 50;

/**
 * A bounded queue of log lines, written in batches by one asynchronous writer. `push` never waits:
 * when the queue is full the line is dropped and counted, and the count is reported (through
 * `onDropped`) before the next line that fits.
 */
export class LogBuffer {
  readonly #writer: LineWriter;
  readonly #capacity: number;
  readonly #onDropped: (count: number) => void;
  #queue: string[] = [];
  #dropped = 0;
  #writing: Promise<void> | undefined;
  /** Whether a write is under way (not only waiting for the batch to fill). */
  #inFlight = false;
  /** When the last write started, on `performance.now()`'s clock. */
  #lastWrite = -Infinity;
  readonly #batchMs: number;

  /**
   * Keeps its settings; starts nothing.
   * @param writer the output
   * @param onDropped reports lines dropped (it may push the report itself)
   * @param capacity lines held at most
   * @param batchMs the least time between two writes
   */
  constructor(
    writer: LineWriter,
    onDropped: (count: number) => void,
    capacity: number = LOG_QUEUE_LINES,
    batchMs: number = LOG_BATCH_MS,
  ) {
    this.#writer = writer;
    this.#onDropped = onDropped;
    this.#capacity = capacity;
    this.#batchMs = batchMs;
  }

  /** Lines dropped and not yet reported. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues a line (ending in a newline), or drops it when the queue is full. Never blocks. */
  push(line: string): void {
    if (this.#queue.length >= this.#capacity) {
      this.#dropped++;
      return;
    }
    this.#reportDropped();
    this.#queue.push(line);
    this.#writing ??= this.#drain();
  }

  /** Resolves once everything queued is written, or after `deadlineMs`: whichever comes first. */
  async flush(deadlineMs: number): Promise<void> {
    this.#reportDropped();
    if (this.#writing === undefined) return;
    await settlesWithin(this.#writing, deadlineMs);
  }

  /**
   * Writes what is left synchronously, for the last moment before exit; does nothing while a write
   * is stuck (the reader stalled): blocking then would hang the exit.
   */
  flushSync(): void {
    this.#reportDropped();
    if (this.#inFlight || this.#queue.length === 0) return;
    const bytes = encoder.encode(this.#queue.join(""));
    this.#queue = [];
    try {
      for (let written = 0; written < bytes.length;) {
        written += this.#writer.writeSync(bytes.subarray(written));
      }
    } catch {
      // stderr is gone: there is nobody left to tell
    }
  }

  #reportDropped(): void {
    if (this.#dropped === 0 || this.#queue.length >= this.#capacity) return;
    const count = this.#dropped;
    this.#dropped = 0;
    this.#onDropped(count);
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const wait = this.#lastWrite + this.#batchMs - performance.now();
        if (wait > 0) await sleep(wait);
        const bytes = encoder.encode(this.#queue.join(""));
        this.#queue = [];
        this.#inFlight = true;
        this.#lastWrite = performance.now();
        for (let written = 0; written < bytes.length;) {
          written += await this.#writer.write(bytes.subarray(written));
        }
        this.#inFlight = false;
      }
    } catch {
      // stderr is closed: later lines have nowhere to go either
      this.#queue = [];
    } finally {
      this.#writing = undefined;
    }
  }
}

let buffer: LogBuffer | undefined;

/**
 * Writes the log lines still queued, waiting at most `deadlineMs`; call before exiting. Lines a
 * stalled stderr does not take by then are lost, so that a stop is never held up by the log.
 */
export async function flushLogs(deadlineMs = 1000): Promise<void> {
  await buffer?.flush(deadlineMs);
}

/**
 * A writer to stderr that never blocks: through the same bounded buffer as the log, so the status
 * line and the log lines keep their order, and a terminal paused with Ctrl+S stalls neither.
 */
export function bufferedStderr(): (text: string) => void {
  const queue = stderrBuffer();
  return (line) => queue.push(line);
}

function stderrBuffer(): LogBuffer {
  if (buffer) return buffer;
  const created = new LogBuffer(
    Deno.stderr,
    (dropped) =>
      log.warn("{dropped} log lines dropped: stderr was not being read", {
        event: "log-dropped",
        dropped,
      }),
  );
  // `Deno.exit` cannot wait: what is queued then is written at once, unless stderr is stuck.
  globalThis.addEventListener("unload", () => created.flushSync());
  buffer = created;
  return created;
}

/**
 * Sets the verbosity and format, writing to `write` (synchronously, for tests and the status line);
 * by default to stderr through the non-blocking {@linkcode LogBuffer}.
 */
export function setupLogging(
  verbosity: Verbosity,
  format: LogFormat,
  write?: (line: string) => void,
): void {
  const line = format === "json" ? jsonLine : textLine;
  // JSON has the facts in its properties, once per event: the technical line would repeat them.
  detailLines = format === "text" && verbosity === "verbose";
  const out = write ?? bufferedStderr();
  configureLogger({
    lowestLevel: LOWEST_LEVEL[verbosity],
    filter: verbosity === "quiet" ? passesQuiet : undefined,
    sink: (record) => out(line(record)),
  });
}
