/**
 * How long a camera's link waits before it reconnects: 1 s after the first failure, doubling to
 * 30 s. A camera whose Wi-Fi blinked is back within a second or two; one that is turned off but
 * still counted as present (its max-age has not run out) costs a connect attempt every 30 s, no
 * more. Pure.
 *
 * @module
 */

/** The first and the longest wait, in milliseconds. */
export interface Backoff {
  /** The wait after the first failure. */
  firstMs: number;
  /** The longest wait: the doubling stops there. */
  maxMs: number;
}

/** The production waits: 1 s doubling to 30 s. */
export const RECONNECT_BACKOFF: Backoff = { firstMs: 1000, maxMs: 30_000 };

/** The wait before reconnect attempt `failures` (0 after the first failure). Pure. */
export function backoffDelay(failures: number, backoff: Backoff = RECONNECT_BACKOFF): number {
  const n = Number.isFinite(failures) && failures > 0 ? Math.floor(failures) : 0;
  // 2^n overflows nothing below 2^1023; the cap is reached long before.
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(n, 30));
}
