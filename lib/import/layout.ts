/**
 * Where an imported photo goes: `<DEST>/<YYYY>/<YYYY-MM-DD>/<name>`, by the day the camera took it,
 * or by the day of the import when the camera's date is missing or nonsense (an unset clock sends
 * `""` or `00000000T000000`). Pure: the import day is handed in.
 *
 * @module
 */

/** A calendar day. */
export interface Day {
  /** Four digits, 1900–9999. */
  year: number;
  /** 1–12. */
  month: number;
  /** 1–31, valid for the month. */
  day: number;
}

/** Raw dates longer than this are not dates. */
const MAX_DATE_UNITS = 64;

/** Day 0 of the next month is the last of this one. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The day of a PTP date (`YYYYMMDDThhmmss[.s][Z|±hhmm]`), read leniently: only the date part
 * counts, dashes are allowed (`2024-03-05T…`), anything after it is ignored. `undefined` when
 * missing or out of range. The time and zone are ignored on purpose: a camera's clock is local
 * time, and so is the day the photographer means.
 */
export function parseCaptureDay(raw: string | undefined): Day | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*(\d{4})-?(\d{2})-?(\d{2})(?!\d)/.exec(raw.slice(0, MAX_DATE_UNITS));
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** The local calendar day of `ms` (milliseconds since the epoch), for the import-day fallback. */
export function localDay(ms: number): Day {
  const date = new Date(ms);
  return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate() };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The two folders below DEST for `day`: `["2024", "2024-03-05"]`. */
export function dayFolders(day: Day): [string, string] {
  const year = pad(day.year, 4);
  return [year, `${year}-${pad(day.month, 2)}-${pad(day.day, 2)}`];
}

/** The folders for an object: its capture day's, or `importDay`'s when that is not a date. */
export function foldersFor(captureDate: string | undefined, importDay: Day): [string, string] {
  return dayFolders(parseCaptureDay(captureDate) ?? importDay);
}

/**
 * How many names are tried for one photo (`IMG_0001.JPG`, then `IMG_0001-1.JPG` … `-999`) before
 * it is refused: past that, the folder is not one the importer should keep filling.
 */
export const MAX_NAME_TRIES = 1000;
