/**
 * "A value or why not": the one shape for expected failures, so callers branch on `ok` instead of
 * catching.
 *
 * @module
 */

/** Either the value, or the reason there is none (a message by default). */
export type Result<T, E = string> = { ok: true; value: T } | { ok: false; error: E };

/** A successful {@linkcode Result}. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A failed {@linkcode Result}. */
export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
