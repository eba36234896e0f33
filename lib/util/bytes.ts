/**
 * Byte-array comparisons: Uint8Array has no equality or prefix test of its own, and the file code
 * compares raw bytes (a user's file may hold any encoding, so decoding first would not be faithful).
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
