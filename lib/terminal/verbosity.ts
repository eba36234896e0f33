/**
 * The quiet filter: which records `-q`, the default and `-v` keep, in the logger's terms. Pure.
 *
 * @module
 */

import type { LoggerSettings, LogLevel, LogRecord } from "./logger.ts";

/** How much is logged: warnings only, one line per event, or every datagram too. */
export type Verbosity = "quiet" | "normal" | "verbose";

const LOWEST_LEVEL: Record<Verbosity, LogLevel> = {
  // -q still makes the info records of ALWAYS_SHOWN, then filters the rest out.
  quiet: "info",
  normal: "info",
  verbose: "debug",
};

/** The lines a user runs the helper for: shown with `-q` too, whatever their level. */
const ALWAYS_SHOWN: ReadonlySet<string> = new Set(["camera-ready", "import-summary"]);

/** Whether a record passes `-q`: a warning or worse, or one of the lines a user runs the helper for. */
function passesQuiet(record: Pick<LogRecord, "level" | "properties">): boolean {
  return record.level === "warning" || record.level === "error" || record.level === "fatal" ||
    ALWAYS_SHOWN.has(String(record.properties.event));
}

/** The lowest level and the filter that keep what `verbosity` shows. Pure. */
export function verbosityFilter(
  verbosity: Verbosity,
): Pick<LoggerSettings, "lowestLevel" | "filter"> {
  return {
    lowestLevel: LOWEST_LEVEL[verbosity],
    filter: verbosity === "quiet" ? passesQuiet : undefined,
  };
}
