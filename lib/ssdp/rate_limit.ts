/**
 * Limits on how many answers we send, so the helper cannot be used to reflect or amplify traffic at a
 * victim, and a flood costs bounded memory: a token bucket per source address in a table of bounded
 * size (least recently seen sources are forgotten first) and a global bucket over all answers.
 *
 * @module
 */

import { RecentMap } from "../util/recent_map.ts";

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

interface Bucket {
  tokens: number;
  updated: number;
}

/** Why an answer was refused, for the periodic summary. */
export type Refusal = "source" | "global";

/** Per-source and global token buckets over an injected clock (milliseconds). */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #now: () => number;
  readonly #sources: RecentMap<number, Bucket>;
  readonly #global: Bucket;
  #refused = { source: 0, global: 0 };

  /** @param limits the limits; @param now the clock, in milliseconds */
  constructor(limits: RateLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
    this.#sources = new RecentMap(limits.sourceTable);
    this.#global = { tokens: Math.max(limits.globalRate, 1), updated: now() };
  }

  /**
   * Takes `cost` tokens (one per answer datagram: `ssdp:all` costs three) for `source`, an IPv4
   * address as a number; returns why not, or `undefined` when the answers may go.
   */
  take(source: number, cost = 1): Refusal | undefined {
    const now = this.#now();
    const { sourceRate, sourceBurst, globalRate } = this.#limits;
    let bucket: Bucket | undefined;
    if (sourceRate > 0) {
      const entry = this.#sources.use(source, () => ({ tokens: sourceBurst, updated: now }));
      bucket = entry.value;
      if (!entry.created) refill(bucket, now, sourceRate, sourceBurst);
      // A bucket smaller than the cost takes a full bucket instead: ssdp:all stays answerable
      // with a burst of 1 or 2.
      if (bucket.tokens < Math.min(cost, sourceBurst)) {
        this.#refused.source++;
        return "source";
      }
    }
    if (globalRate > 0) {
      refill(this.#global, now, globalRate, globalRate);
      if (this.#global.tokens < Math.min(cost, globalRate)) {
        this.#refused.global++;
        return "global";
      }
      this.#global.tokens = Math.max(0, this.#global.tokens - cost);
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

function refill(bucket: Bucket, now: number, rate: number, capacity: number): void {
  const elapsed = Math.max(0, now - bucket.updated);
  bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed * rate) / 1000);
  bucket.updated = now;
}
