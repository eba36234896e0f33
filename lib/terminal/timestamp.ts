/**
 * A log line's time as ISO 8601 UTC, computed from the epoch milliseconds with integer arithmetic.
 * `Date.prototype.toISOString` gives the same text, but its first call pages in about 2 MB of the
 * runtime's date and time-zone support (measured as file-backed RSS), for the helper's whole life.
 *
 * @module
 */

const MS_PER_DAY = 86_400_000;
/** Days from 0000-03-01 to 1970-01-01, in the proleptic Gregorian calendar. */
const EPOCH_FROM_MARCH_0000 = 719_468;
/** Days in one 400-year cycle of the Gregorian calendar. */
const DAYS_PER_ERA = 146_097;

const two = (n: number) => (n < 10 ? "0" : "") + n;
const three = (n: number) => (n < 10 ? "00" : n < 100 ? "0" : "") + n;

/**
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` for `ms` since the epoch, as `toISOString` writes it for the years
 * 0000 to 9999. Pure.
 */
export function isoTimestamp(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const inDay = ms - days * MS_PER_DAY;
  // Counting years from March makes the leap day the last day of the year, so month lengths follow
  // a fixed pattern and only the year's length depends on the leap rules.
  const shifted = days + EPOCH_FROM_MARCH_0000;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hours)}:` +
    `${two(minutes)}:${two(seconds)}.${three(inDay % 1000)}Z`;
}
