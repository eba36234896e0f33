/**
 * The program's log: {@linkcode setupLogging} picks the verbosity (what `-q` and `-v` keep) and the
 * format, {@linkcode logEvent} writes an event in the words of `event_lines.ts`, and by default
 * every line goes to the one process-wide stderr {@linkcode LogBuffer}, shared with the status line so that their lines keep
 * their order. {@linkcode flushLogs} drains it, with a deadline, before the process exits.
 *
 * @module
 */

import { configureLogger, jsonLine, log, textLine } from "./logger.ts";
import type { LoggerSettings, LogRecord } from "./logger.ts";
import type { ServeEvent } from "../events.ts";
import { eventLine } from "./event_lines.ts";
import { LogBuffer } from "./log_buffer.ts";

/** How much is logged: warnings only, one line per event, or every datagram too. */
export type Verbosity = "quiet" | "normal" | "verbose";

/** The lines a user runs the helper for: shown with `-q` too, whatever their level. */
const ALWAYS_SHOWN: ReadonlySet<string> = new Set(["camera-ready", "import-summary"]);

/** Whether a record passes `-q`: a warning or worse, or one of the lines a user runs the helper for. */
function passesQuiet(record: Pick<LogRecord, "level" | "properties">): boolean {
  return record.level === "warning" || record.level === "error" || record.level === "fatal" ||
    ALWAYS_SHOWN.has(String(record.properties.event));
}

/** The lowest level and the filter that keep what `verbosity` shows (the `-q` filter). Pure. */
export function verbosityFilter(
  verbosity: Verbosity,
): Pick<LoggerSettings, "lowestLevel" | "filter"> {
  return {
    // -q still makes the info records of ALWAYS_SHOWN, then filters the rest out.
    lowestLevel: verbosity === "verbose" ? "debug" : "info",
    filter: verbosity === "quiet" ? passesQuiet : undefined,
  };
}

/** The output form of log lines. */
export const LOG_FORMATS = ["text", "json"] as const;

/** One of {@linkcode LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number];

/** Whether the technical form of a line follows it: text with `-v` (set by {@linkcode setupLogging}). */
let detailLines = false;

/** Turns an event into its log line: the one place that picks wording and level. */
export function logEvent(event: ServeEvent): void {
  const [level, message, detail] = eventLine(event);
  const properties = event as unknown as Record<string, unknown>;
  log[level](message, properties);
  if (detail !== undefined && detailLines) log.debug(detail, properties);
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
  if (buffer === undefined) {
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
  }
  const queue = buffer;
  return (line) => queue.push(line);
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
  const { lowestLevel, filter } = verbosityFilter(verbosity);
  configureLogger({ lowestLevel, filter, sink: (record) => out(line(record)) });
}
