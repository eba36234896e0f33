/**
 * Log lines that come once per request (an answered search, an HTTP request) under a budget: within
 * it every request has its line, past it requests are counted and summed up in one line per interval.
 * A line costs more than the answer it reports, so a flood logged line by line would slow the answers
 * and bury the lines that matter; summed up, it still shows how much came and from how many sources.
 *
 * @module
 */

import type { Clock, Timer } from "../util/timers.ts";
import { refill, type TokenBucket } from "../util/token_bucket.ts";

/** How many lines may go out: a token bucket. */
export interface LineBudget {
  /** Lines a second once the burst is spent. */
  perSecond: number;
  /** Lines that may go out at once. */
  burst: number;
}

/** The requests past the budget since the last summary. */
export interface Flood {
  /** How many there were. */
  count: number;
  /** From how many distinct sources, counted up to {@linkcode MAX_COUNTED_SOURCES}. */
  sources: number;
  /** Over how long, from the first of them to the summary, in seconds (one decimal). */
  seconds: number;
}

/** Distinct sources remembered for one summary: enough to tell one flooder from many. */
export const MAX_COUNTED_SOURCES = 4096;

/** What a {@linkcode FloodLog} needs. */
interface FloodLogOptions {
  /** How many of this kind's lines may go out before they are summed. */
  budget: LineBudget;
  /** Times the budget and schedules the summary. */
  clock: Pick<Clock, "now" | "after">;
  /** How long after the first request past the budget the summary goes out. */
  summaryMs: number;
  /** Writes the summary line. */
  summarise: (flood: Flood) => void;
}

/** One kind of per-request line, under a {@linkcode LineBudget}. */
export class FloodLog {
  readonly #options: FloodLogOptions;
  readonly #bucket: TokenBucket;
  #count = 0;
  #since = 0;
  readonly #sources = new Set<string>();
  #timer: Timer | undefined;

  /** Starts with a full budget; schedules nothing until the budget is spent. */
  constructor(options: FloodLogOptions) {
    this.#options = options;
    this.#bucket = { tokens: options.budget.burst, updated: options.clock.now() };
  }

  /**
   * Calls `line` when the budget allows; otherwise counts the request from `source` for the next
   * summary, which this schedules if none is pending.
   */
  report(source: string, line: () => void): void {
    const now = this.#options.clock.now();
    const { perSecond, burst } = this.#options.budget;
    refill(this.#bucket, now, perSecond, burst);
    if (this.#bucket.tokens >= 1) {
      this.#bucket.tokens--;
      line();
      return;
    }
    if (this.#count === 0) this.#since = now;
    this.#count++;
    if (this.#sources.size < MAX_COUNTED_SOURCES) this.#sources.add(source);
    this.#timer ??= this.#options.clock.after(this.#options.summaryMs, () => {
      this.#timer = undefined;
      this.#summarise();
    });
  }

  /** Writes the pending summary at once, so a stop loses no count. */
  close(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#summarise();
  }

  #summarise(): void {
    if (this.#count === 0) return;
    const flood = {
      count: this.#count,
      sources: this.#sources.size,
      seconds: Math.round((this.#options.clock.now() - this.#since) / 100) / 10,
    };
    this.#count = 0;
    this.#sources.clear();
    this.#options.summarise(flood);
  }
}
