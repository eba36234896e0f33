/**
 * The searches the rate limits refused, summed up: one `rate-limited` line per interval in which any
 * was refused, never a line per refusal, which a flood would turn into a flood of lines.
 *
 * @module
 */

import type { Emit } from "../events.ts";
import type { Clock, Timer } from "../util/timers.ts";
import type { RateLimiter } from "./rate_limit.ts";

/** What the refusal summary needs. */
export interface RefusalSummaryOptions {
  /** The limiter whose refusals are counted. */
  limiter: Pick<RateLimiter, "drainRefusals" | "trackedSources">;
  /** How often the refusals are summed up, in milliseconds. */
  intervalMs: number;
  /** Schedules the summaries. */
  clock: Pick<Clock, "every">;
  /** Where the line goes. */
  emit: Emit;
}

/** Sums up the refusals every interval until the returned timer is cancelled. */
export function summariseRefusals(options: RefusalSummaryOptions): Timer {
  const { limiter, intervalMs, emit } = options;
  return options.clock.every(intervalMs, () => {
    const refused = limiter.drainRefusals();
    if (refused.source + refused.global > 0) {
      emit({
        event: "rate-limited",
        total: refused.source + refused.global,
        seconds: intervalMs / 1000,
        ...refused,
        tracked: limiter.trackedSources,
      });
    }
  });
}
