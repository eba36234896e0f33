/**
 * The token bucket shared by the answer limits and the log's line budget: tokens that refill at a
 * rate up to a capacity, spent one use at a time.
 *
 * @module
 */

/** A bucket's state: its tokens as of `updated` (milliseconds on the caller's clock). */
export interface TokenBucket {
  /** What is left to spend; fractional between refills. */
  tokens: number;
  /** When `tokens` was last brought up to date. */
  updated: number;
}

/** Adds what `rate` (tokens a second) earned since the bucket's last update, up to `capacity`. */
export function refill(bucket: TokenBucket, now: number, rate: number, capacity: number): void {
  const elapsed = Math.max(0, now - bucket.updated);
  bucket.tokens = Math.min(capacity, bucket.tokens + (elapsed * rate) / 1000);
  bucket.updated = now;
}
