/**
 * Deadlines for any promise: for the network waits of `probe`, the PTP/IP check and the test tools,
 * and for the waits of a stop (the log's last lines, a hook's grace). One race on the clock, so a
 * test can drive the deadline; the timer never outlives the race.
 *
 * @module
 */

import { type Clock, systemClock, type Timer } from "./timers.ts";

/** What {@linkcode raceDeadline} resolves to when the deadline comes first. */
export const TIMED_OUT: unique symbol = Symbol("timeout");

/**
 * Resolves like `promise`, or with {@linkcode TIMED_OUT} after `ms`. A missed deadline is a value,
 * not a rejection, and `promise` is left as it is: the caller may keep waiting on it, or close what
 * it brings late.
 */
export async function raceDeadline<T>(
  promise: Promise<T>,
  ms: number,
  clock: Pick<Clock, "after"> = systemClock,
): Promise<T | typeof TIMED_OUT> {
  let timer: Timer | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMED_OUT>((resolve) => timer = clock.after(ms, () => resolve(TIMED_OUT))),
    ]);
  } finally {
    timer?.cancel();
  }
}

/** Resolves like `promise`, or rejects with "no WHAT within MS ms" when it takes longer. */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
  clock: Pick<Clock, "after"> = systemClock,
): Promise<T> {
  const outcome = await raceDeadline(promise, ms, clock);
  if (outcome === TIMED_OUT) throw new Error(`no ${what} within ${ms} ms`);
  return outcome;
}

/** Whether `promise` settles within `ms` (it is not rejected by the deadline, only raced). */
export async function settlesWithin(
  promise: Promise<unknown>,
  ms: number,
  clock: Pick<Clock, "after"> = systemClock,
): Promise<boolean> {
  return (await raceDeadline(promise.then(() => true, () => true), ms, clock)) !== TIMED_OUT;
}
