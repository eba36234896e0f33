/**
 * A deadline for any promise, for the network waits of `probe`, the PTP/IP check and the test tools.
 *
 * @module
 */

/** Resolves like `promise`, or rejects with "no WHAT within MS ms" when it takes longer. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
