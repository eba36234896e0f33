/**
 * Byte-array comparisons and joins: Uint8Array has no equality, prefix test or concatenation of its
 * own, and the file code compares raw bytes (a user's file may hold any encoding, so decoding first
 * would not be faithful).
 *
 * @module
 */

/** Whether `bytes` begins with every byte of `prefix` (an empty prefix always matches). */
export function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

/** Whether `a` and `b` hold the same bytes in the same order. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && startsWithBytes(a, b);
}

/**
 * The parts one after another: the part itself when there is only one (most reads and datasets fit
 * one chunk, and a copy of it would be garbage at once), else one new array.
 */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
