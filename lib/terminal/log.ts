/**
 * Logging to stderr through LogTape: human lines by default, JSON lines for services and scripts. The
 * sink writes synchronously so that nothing is lost when the process exits right after a line.
 *
 * @module
 */

import {
  configure,
  getJsonLinesFormatter,
  getLogger,
  getTextFormatter,
  type Logger,
  type LogLevel,
  type LogRecord,
} from "@logtape/logtape";

/** How much is logged: warnings only, one line per event, or every datagram too. */
export type Verbosity = "quiet" | "normal" | "verbose";

/** The output form of log lines. */
export const LOG_FORMATS = ["text", "json"] as const;

/** One of {@linkcode LOG_FORMATS}. */
export type LogFormat = typeof LOG_FORMATS[number];

const LOWEST_LEVEL: Record<Verbosity, LogLevel> = {
  quiet: "warning",
  normal: "info",
  verbose: "debug",
};

/** The category every line of the helper is logged under. */
export const LOG_CATEGORY = ["ptpip-canon-helper"] as const;

/** The helper's logger. */
export const log: Logger = getLogger([...LOG_CATEGORY]);

const encoder = new TextEncoder();

/** The formatter for a format; text lines are `HH:MM:SS.mmm LEVEL message`. */
export function formatterFor(format: LogFormat): (record: LogRecord) => string {
  if (format === "json") return getJsonLinesFormatter();
  return getTextFormatter({
    timestamp: "time",
    level: "ABBR",
    value: (value, inspect) => typeof value === "string" ? value : inspect(value),
    // Request paths, search targets and camera names come off the network: shown escaped, they
    // cannot move the cursor, retitle the terminal or fake a log line.
    format: ({ timestamp, level, message }) => `${timestamp} ${level} ${escapeControls(message)}`,
  });
}

// C0 and C1 control characters and DEL (the formatter adds the line's own newline after this).
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Shows control characters as `\xNN`, so text from the network is inert on a terminal. Pure. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** Configures LogTape for the given verbosity and format, writing to `write` (stderr by default). */
export async function setupLogging(
  verbosity: Verbosity,
  format: LogFormat,
  write: (line: string) => void = (line) => Deno.stderr.writeSync(encoder.encode(line)),
): Promise<void> {
  const formatter = formatterFor(format);
  await configure({
    reset: true,
    sinks: { stderr: (record) => write(formatter(record)) },
    loggers: [
      { category: [...LOG_CATEGORY], lowestLevel: LOWEST_LEVEL[verbosity], sinks: ["stderr"] },
      // LogTape's own warnings (e.g. about its configuration) still reach the user.
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
}
