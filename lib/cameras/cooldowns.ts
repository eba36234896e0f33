/**
 * When each address may be ready again after it left: kept apart from the tracker's entries, which
 * searches and fetches from other addresses can push out, so a camera forgotten and heard again does
 * not come back without its cooldown. The EOS watch keeps the addresses whose fetch failed in one
 * too. Bounded; entries are forgotten once over, and a full table forgets the one that ends first.
 *
 * @module
 */

import type { Clock } from "../util/timers.ts";

/** A bounded table of per-address cooldowns on an injected clock. */
export class Cooldowns {
  // Every cooldown lasts as long and the clock only moves on, so insertion order is ending order.
  readonly #until = new Map<string, number>();

  /**
   * Keeps its settings; starts nothing.
   * @param capacity the most addresses kept
   * @param durationMs how long a cooldown lasts
   * @param clock the clock (its monotonic time)
   */
  constructor(
    readonly capacity: number,
    readonly durationMs: number,
    readonly clock: Pick<Clock, "now">,
  ) {}

  /** How many addresses are kept now (over or not). */
  get size(): number {
    return this.#until.size;
  }

  /** Starts (or starts again) the cooldown of `key`. */
  start(key: string): void {
    const now = this.clock.now();
    this.#until.delete(key);
    this.#forgetOver(now);
    if (this.#until.size >= this.capacity) this.#until.delete(this.#until.keys().next().value!);
    this.#until.set(key, now + this.durationMs);
  }

  /** When the cooldown of `key` ends, if it has not yet. */
  until(key: string): number | undefined {
    const until = this.#until.get(key);
    if (until === undefined) return undefined;
    if (this.clock.now() < until) return until;
    this.#until.delete(key);
    return undefined;
  }

  /** Whether `key` is cooling down now. */
  active(key: string): boolean {
    return this.until(key) !== undefined;
  }

  #forgetOver(now: number): void {
    for (const [key, until] of this.#until) {
      if (until > now) return;
      this.#until.delete(key);
    }
  }
}
