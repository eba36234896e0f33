/**
 * Limits on how many answers we send, so the helper cannot be used to reflect or amplify traffic at a
 * victim, and a flood costs bounded memory: a token bucket per source address in a table of bounded
 * size (least recently seen sources are forgotten first) and a global bucket over all answers.
 *
 * The global bucket alone would be a switch for an attacker: many spoofed sources, each under its own
 * limit, would spend it all and leave a real camera unanswered. So a share of it is kept for quiet
 * sources, those that asked at most {@linkcode QUIET_RATE} times a second lately (a camera asks about
 * once a second); a source that asks more often only draws from the rest. Every answer still comes out
 * of the same total, so the reflection limit is unchanged.
 *
 * What the limits refused is summed up in one `rate-limited` line per interval in which any was
 * refused ({@linkcode summariseRefusals}), never a line per refusal, which a flood would turn into a
 * flood of lines.
 *
 * @module
 */

import { RecentMap } from "../util/recent_map.ts";
import type { Emit } from "../events.ts";
import type { Clock, Timer } from "../util/timers.ts";
import { refill, type TokenBucket } from "../util/token_bucket.ts";

/** Limits; a rate of 0 turns that limit off. */
export interface RateLimits {
  /** Answers per second each source may get once its burst is spent. */
  sourceRate: number;
  /** Answers a source may get at once. */
  sourceBurst: number;
  /** Answers per second over all sources. */
  globalRate: number;
  /** How many sources are remembered. */
  sourceTable: number;
}

/** The defaults: ample for cameras (one search every few seconds), tiny for an attacker. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  sourceRate: 5,
  sourceBurst: 10,
  globalRate: 200,
  sourceTable: 4096,
};

/** The share of the global rate kept for quiet sources. */
const QUIET_SHARE = 0.25;

/** Searches a second up to which a source counts as quiet; a camera asks about once a second. */
const QUIET_RATE = 3;

/** How long a source's past asking weighs in its rate, in milliseconds (an exponential average). */
const RATE_WINDOW_MS = 2000;

interface Source extends TokenBucket {
  /** How often it asked lately, in searches a second, as of `asked`. */
  rate: number;
  asked: number;
}

/** Why an answer was refused, for the periodic summary. */
export type Refusal = "source" | "global";

/** Per-source and global token buckets over an injected clock. */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #clock: Pick<Clock, "now">;
  readonly #sources: RecentMap<number, Source>;
  /** The part of the global rate any source may use. */
  readonly #shared: TokenBucket;
  /** The part only quiet sources may use. */
  readonly #quiet: TokenBucket;
  #refused = { source: 0, global: 0 };

  /** Keeps its settings; starts nothing. */
  constructor(limits: RateLimits, clock: Pick<Clock, "now">) {
    this.#limits = limits;
    this.#clock = clock;
    this.#sources = new RecentMap(limits.sourceTable);
    const quietRate = quietShare(limits.globalRate);
    const now = clock.now();
    this.#shared = { tokens: Math.max(limits.globalRate - quietRate, 1), updated: now };
    this.#quiet = { tokens: quietRate, updated: now };
  }

  /**
   * Takes `cost` tokens (one per answer datagram: `ssdp:all` costs three) for `source`, an IPv4
   * address as a number; returns why not, or `undefined` when the answers may go.
   */
  take(source: number, cost = 1): Refusal | undefined {
    const now = this.#clock.now();
    const { sourceRate, sourceBurst, globalRate } = this.#limits;
    // With no per-source limit nothing is tracked, and every source counts as quiet.
    let bucket: Source | undefined;
    if (sourceRate > 0) {
      const entry = this.#sources.use(
        source,
        () => ({ tokens: sourceBurst, updated: now, rate: 0, asked: now }),
      );
      bucket = entry.value;
      // Every search counts, answered or not: a flooder cannot look quiet by being refused.
      bucket.rate = bucket.rate * Math.exp(-Math.max(0, now - bucket.asked) / RATE_WINDOW_MS) +
        1000 / RATE_WINDOW_MS;
      bucket.asked = now;
      if (!entry.created) refill(bucket, now, sourceRate, sourceBurst);
      // A bucket smaller than the cost takes a full bucket instead: ssdp:all stays answerable
      // with a burst of 1 or 2.
      if (bucket.tokens < Math.min(cost, sourceBurst)) {
        this.#refused.source++;
        return "source";
      }
    }
    if (globalRate > 0) {
      const quietRate = quietShare(globalRate);
      const sharedRate = globalRate - quietRate;
      refill(this.#shared, now, sharedRate, sharedRate);
      refill(this.#quiet, now, quietRate, quietRate);
      // Only the shared part pays for a search dearer than its capacity; the reserve pays in full.
      const from = this.#shared.tokens >= Math.min(cost, sharedRate)
        ? this.#shared
        : (bucket === undefined || bucket.rate <= QUIET_RATE) && this.#quiet.tokens >= cost
        ? this.#quiet
        : undefined;
      if (from === undefined) {
        this.#refused.global++;
        return "global";
      }
      from.tokens = Math.max(0, from.tokens - cost);
    }
    if (bucket) bucket.tokens = Math.max(0, bucket.tokens - cost);
    return undefined;
  }

  /** How many sources are remembered now. */
  get trackedSources(): number {
    return this.#sources.size;
  }

  /** The refusals since the last call, then zeroes them: one summary line per interval. */
  drainRefusals(): { source: number; global: number } {
    const refused = this.#refused;
    this.#refused = { source: 0, global: 0 };
    return refused;
  }
}

// Whole answers only: a global rate of a few answers a second keeps no reserve.
function quietShare(globalRate: number): number {
  return Math.floor(globalRate * QUIET_SHARE);
}

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
