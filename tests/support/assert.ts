/**
 * The assertions every test uses, on `node:assert` (JSR's @std/assert cannot be fetched here), named
 * as in the Deno standard library so the tests read familiarly.
 *
 * @module
 */

import nodeAssert from "node:assert/strict";

/** Fails unless `condition` holds. */
export function assert(condition: unknown, message?: string): asserts condition {
  nodeAssert.ok(condition, message);
}

/** Fails unless `actual` deeply equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, message);
}

/** Fails unless `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  nodeAssert.match(text, pattern, message);
}

/** Fails if `actual` deeply equals `expected`. */
export function assertNotEquals<T>(actual: T, expected: T, message?: string): void {
  nodeAssert.notDeepStrictEqual(actual, expected, message);
}

/** Fails if `text` matches `pattern`. */
export function assertNotMatch(text: string, pattern: RegExp, message?: string): void {
  nodeAssert.doesNotMatch(text, pattern, message);
}

/** Fails unless `promise` (or the one a function given instead returns) rejects; returns the reason. */
export async function assertRejects(
  promise: Promise<unknown> | (() => Promise<unknown>),
  message?: string,
): Promise<unknown> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error;
  }
  return fail(message ?? "expected a rejection");
}

/** Fails unless `fn` throws an `ErrorClass`; returns it, for checks on its message. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  ErrorClass: new (...args: never[]) => E,
  message?: string,
): E {
  try {
    fn();
  } catch (error) {
    if (error instanceof ErrorClass) return error;
    return fail(message ?? `expected ${ErrorClass.name}, got ${error}`);
  }
  return fail(message ?? `expected ${ErrorClass.name} to be thrown`);
}

/** Fails the test here, with `message`. */
export function fail(message: string): never {
  nodeAssert.fail(message);
}
