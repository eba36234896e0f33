/**
 * A {@linkcode Clock} the test moves by hand: calls fall due exactly when the test says time
 * passed, in due order (ties in the order scheduled), and nothing waits on real time.
 *
 * @module
 */

import type { Clock, Timer } from "../../lib/util/timers.ts";

interface Entry {
  at: number;
  run: () => void;
  /** For `every`: the period after which it is due again. */
  period?: number;
  live: boolean;
}

/** A clock whose time moves only on {@linkcode FakeClock.advance}. */
export class FakeClock implements Clock {
  #time: number;
  /** The date at time 0. */
  readonly #epoch: number;
  #entries: Entry[] = [];

  /** Starts at `start` milliseconds, on the date `wallStart` (milliseconds since the epoch). */
  constructor(start = 0, wallStart = 0) {
    this.#time = start;
    this.#epoch = wallStart - start;
  }

  /** The time the test moved to. */
  now = (): number => this.#time;

  /** The date: `wallStart`, moved on with the time. */
  wallNow = (): number => this.#epoch + this.#time;

  /** Calls `run` once the clock has moved `ms` on. */
  after = (ms: number, run: () => void): Timer => this.#add(ms, run);

  /** Calls `run` each time the clock has moved `ms` on. */
  every = (ms: number, run: () => void): Timer => this.#add(ms, run, Math.max(1, ms));

  /** Calls scheduled and neither made (for `after`) nor cancelled. */
  get pending(): number {
    return this.#entries.length;
  }

  /** Moves the time on by `ms`, making each call that falls due on the way at its due time. */
  advance(ms: number): void {
    const end = this.#time + ms;
    while (this.#runNext(end));
    this.#time = end;
  }

  /**
   * Moves the time on like {@linkcode FakeClock.advance}, for calls that start asynchronous work:
   * after each call, and at the end, `settle` lets the work run, so a timer it sets on the way is
   * met at its due time.
   */
  async advanceSettling(ms: number, settle: () => Promise<void>): Promise<void> {
    const end = this.#time + ms;
    while (this.#runNext(end)) await settle();
    this.#time = end;
    await settle();
  }

  /** Makes the first call due by `end`, at its due time; whether there was one. */
  #runNext(end: number): boolean {
    // A stable sort: ties stay in the order scheduled.
    const due = this.#entries.filter((e) => e.at <= end).sort((a, b) => a.at - b.at)[0];
    if (due === undefined) return false;
    this.#time = due.at;
    if (due.period === undefined) this.#drop(due);
    else due.at += due.period;
    due.run();
    return true;
  }

  #add(ms: number, run: () => void, period?: number): Timer {
    const entry: Entry = { at: this.#time + Math.max(0, ms), run, period, live: true };
    this.#entries.push(entry);
    return { cancel: () => this.#drop(entry) };
  }

  #drop(entry: Entry): void {
    if (!entry.live) return;
    entry.live = false;
    this.#entries.splice(this.#entries.indexOf(entry), 1);
  }
}
