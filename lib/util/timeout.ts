/**
 * Deadlines for any promise: for the network waits of `probe`, the PTP/IP check and the test tools,
 * and for the waits of a stop (the log's last lines, a hook's grace).
 *
 * @module
 */

import { after, type Timer } from "./timers.ts";

/** Resolves like `promise`, or rejects with "no WHAT within MS ms" when it takes longer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: Timer | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = after(ms, () => reject(new Error(`no ${what} within ${ms} ms`)));
  });
  return Promise.race([promise, timeout]).finally(() => timer?.cancel());
}

/** What {@linkcode raceDeadline} resolves to when the deadline comes first. */
export const TIMED_OUT: unique symbol = Symbol("timeout");

/**
 * Resolves like `promise`, or with {@linkcode TIMED_OUT} after `ms`; the timer never outlives the
 * race. Unlike {@linkcode withTimeout} a missed deadline is a value, not a rejection, and `promise`
 * is left as it is: the caller may keep waiting on it, or close what it brings late.
 */
export async function raceDeadline<T>(
  promise: Promise<T>,
  ms: number,
): Promise<T | typeof TIMED_OUT> {
  let timer: Timer | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMED_OUT>((resolve) => timer = after(ms, () => resolve(TIMED_OUT))),
    ]);
  } finally {
    timer?.cancel();
  }
}

/** Whether `promise` settles within `ms` (it is not rejected by the deadline, only raced). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = promise.then(() => true, () => true);
  return (await raceDeadline(settled, ms)) !== TIMED_OUT;
}
