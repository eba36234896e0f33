/**
 * The program's one clock: the runtime's monotonic time, its date and its timers (`setTimeout`,
 * `setInterval`), called nowhere else in `lib/`, so that a module whose tests drive time takes a
 * {@linkcode Clock} and the tests hand it a fake one. A pending timer keeps the process alive, as
 * the runtime's do; a delay past 2^31 − 1 ms (24.8 days) is not one they take.
 *
 * @module
 */

/** A scheduled call. */
export interface Timer {
  /** Stops it: the call will not happen (again). Cancelling twice, or from inside the call, is harmless. */
  cancel(): void;
}

/** Time and timers, handed to what a test needs to drive without waiting. */
export interface Clock {
  /** Monotonic milliseconds, for measuring spans (not a date). */
  now(): number;
  /** Milliseconds since the epoch, for dates (it jumps when the computer's clock is set). */
  wallNow(): number;
  /** Calls `run` once, `ms` milliseconds from now. */
  after(ms: number, run: () => void): Timer;
  /** Calls `run` every `ms` milliseconds, the first time `ms` from now. */
  every(ms: number, run: () => void): Timer;
}

/** Calls `run` once, `ms` milliseconds from now. */
export function after(ms: number, run: () => void): Timer {
  const id = setTimeout(run, ms);
  return { cancel: () => clearTimeout(id) };
}

/** Calls `run` every `ms` milliseconds, the first time `ms` from now. */
export function every(ms: number, run: () => void): Timer {
  const id = setInterval(run, ms);
  return { cancel: () => clearInterval(id) };
}

/** Resolves `ms` milliseconds from now. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => after(ms, resolve));
}

/** The runtime's clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  after,
  every,
};
