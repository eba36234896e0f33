/**
 * The helper's logger: levels, records with properties, one filter and one sink, and the two line
 * formats (text for people, JSON lines for services). It replaces LogTape, which the helper used
 * before: measured here, LogTape cost about 18 µs a line (more than answering a search) and 11 MB of
 * memory for its code and the Node compatibility layer its npm package starts, while the helper
 * needs none of its categories, contexts or sinks. The JSON lines keep LogTape's fields
 * (`@timestamp`, `level`, `message`, `logger`, `properties`), so readers of the log see no change.
 *
 * @module
 */

import { escapeUnshown, replaceUnshown } from "../util/text.ts";

/** How severe a line is, least first. */
export type LogLevel = "debug" | "info" | "warning" | "error" | "fatal";

/** Each level's rank (least severe first) and its name in text and in JSON lines. */
const LEVELS: Record<LogLevel, { rank: number; text: string; json: string }> = {
  debug: { rank: 0, text: "DBG", json: "DEBUG" },
  info: { rank: 1, text: "INF", json: "INFO" },
  warning: { rank: 2, text: "WRN", json: "WARN" },
  error: { rank: 3, text: "ERR", json: "ERROR" },
  fatal: { rank: 4, text: "FTL", json: "FATAL" },
};

/** One line before it is formatted. */
export interface LogRecord {
  /** Its level. */
  readonly level: LogLevel;
  /** The message, with `{name}` where a property goes. */
  readonly template: string;
  /** The facts of the line; `event` names its kind. */
  readonly properties: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
}

/** Where the records go, and which: set by {@linkcode configureLogger}. */
export interface LoggerSettings {
  /** Records below this level are dropped before they are made. */
  lowestLevel: LogLevel;
  /** Records it refuses are dropped. */
  filter?: (record: LogRecord) => boolean;
  /** Takes every record that passes. */
  sink: (record: LogRecord) => void;
  /** The clock, for tests; `Date.now` by default. */
  now?: () => number;
}

/** The logging calls, by level. */
export interface Logger {
  /** Per-datagram detail, for `-v`. */
  debug(template: string, properties?: Record<string, unknown>): void;
  /** What happened, one line each. */
  info(template: string, properties?: Record<string, unknown>): void;
  /** What the user should look at. */
  warn(template: string, properties?: Record<string, unknown>): void;
  /** What failed, while the helper goes on. */
  error(template: string, properties?: Record<string, unknown>): void;
  /** Why the helper stops. */
  fatal(template: string, properties?: Record<string, unknown>): void;
}

/** The name of the helper's log in JSON lines. */
const LOGGER_NAME = "ptpip-canon-helper";

let settings: LoggerSettings | undefined;

/** Routes every later record; until it is called, nothing is logged. */
export function configureLogger(next: LoggerSettings): void {
  settings = next;
}

function emit(level: LogLevel, template: string, properties: Record<string, unknown> = {}) {
  const current = settings;
  if (current === undefined || LEVELS[level].rank < LEVELS[current.lowestLevel].rank) return;
  const record = { level, template, properties, timestamp: (current.now ?? Date.now)() };
  if (current.filter && !current.filter(record)) return;
  current.sink(record);
}

/** The helper's logger. */
export const log: Logger = {
  debug: (template, properties) => emit("debug", template, properties),
  info: (template, properties) => emit("info", template, properties),
  warn: (template, properties) => emit("warning", template, properties),
  error: (template, properties) => emit("error", template, properties),
  fatal: (template, properties) => emit("fatal", template, properties),
};

function renderValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(renderValue).join(", ");
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** The message with each `{name}` replaced by that property; unknown names stay as written. Pure. */
export function renderMessage(record: Pick<LogRecord, "template" | "properties">): string {
  return record.template.replace(
    /\{([A-Za-z0-9_]+)\}/g,
    (whole, name: string) =>
      Object.hasOwn(record.properties, name) ? renderValue(record.properties[name]) : whole,
  );
}

/**
 * Shows what a terminal would act on or hide (`lib/util/text.ts`'s set: controls as `\xNN`, the
 * invisible and reordering characters as `\uXXXX`), so text from the network is inert on a terminal
 * and reads in the order it came. The line's own newline is added after this. Pure.
 */
export function escapeControls(text: string): string {
  return replaceUnshown(
    text,
    (c) => c <= "\u00ff" ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : escapeUnshown(c),
  );
}

/**
 * `HH:MM:SS.mmm LVL message` (UTC) and a newline. Request paths, search targets and camera names
 * come off the network: shown escaped, they cannot move the cursor, retitle the terminal or fake a
 * log line. Pure.
 */
export function textLine(record: LogRecord): string {
  const time = new Date(record.timestamp).toISOString().slice(11, 23);
  return `${time} ${LEVELS[record.level].text} ${escapeControls(renderMessage(record))}\n`;
}

/**
 * One JSON object and a newline: the time, the level, the message, and the exact properties, with
 * every character of `lib/util/text.ts`'s set escaped (`JSON.stringify` escapes C0 and lone
 * surrogates only; DEL, C1, the line separators and the bidi and zero-width characters would reach a
 * terminal raw). Pure.
 */
export function jsonLine(record: LogRecord): string {
  return escapeUnshown(JSON.stringify({
    "@timestamp": new Date(record.timestamp).toISOString(),
    level: LEVELS[record.level].json,
    message: renderMessage(record),
    logger: LOGGER_NAME,
    properties: record.properties,
  })) + "\n";
}
