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

/** Whether `promise` settles within `ms` (it is not rejected by the deadline, only raced). */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: Timer | undefined;
  const settled = await Promise.race([
    promise.then(() => true, () => true),
    new Promise<false>((resolve) => timer = after(ms, () => resolve(false))),
  ]);
  timer?.cancel();
  return settled;
}
