/**
 * How long a camera's link waits before it reconnects: 1 s after the first failure, doubling to
 * 30 s. A camera whose Wi-Fi blinked is back within a second or two; one that is turned off but
 * still counted as present (its max-age has not run out) costs a connect attempt every 30 s, no
 * more. Pure.
 *
 * @module
 */

/** The production waits, in milliseconds: the first, and the longest, where the doubling stops. */
export const RECONNECT_BACKOFF = { firstMs: 1000, maxMs: 30_000 } as const;

/** The wait before reconnect attempt `failures` (0 after the first failure). Pure. */
export function backoffDelay(failures: number): number {
  const n = Number.isFinite(failures) && failures > 0 ? Math.floor(failures) : 0;
  // 2^n overflows nothing below 2^1023; the cap is reached long before.
  const { firstMs, maxMs } = RECONNECT_BACKOFF;
  return Math.min(maxMs, firstMs * 2 ** Math.min(n, 30));
}
