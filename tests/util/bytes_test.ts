// Byte equality and prefix tests, including the empty and length-mismatch edges.

import { assert, assertEquals } from "../support/assert.ts";
import { equalBytes, joinBytes, startsWithBytes } from "../../lib/util/bytes.ts";

const b = (...values: number[]) => new Uint8Array(values);

Deno.test("equalBytes: same length and same bytes, nothing less", () => {
  assert(equalBytes(b(), b()));
  assert(equalBytes(b(1, 2, 3), b(1, 2, 3)));
  assert(equalBytes(b(1, 2, 3).subarray(1), b(2, 3)));
  assert(!equalBytes(b(1, 2, 3), b(1, 2)));
  assert(!equalBytes(b(1, 2), b(1, 2, 3)));
  assert(!equalBytes(b(1, 2, 3), b(1, 2, 4)));
  assert(!equalBytes(b(0), b()));
});

Deno.test("startsWithBytes: the prefix's bytes at the start", () => {
  assert(startsWithBytes(b(1, 2, 3), b()));
  assert(startsWithBytes(b(1, 2, 3), b(1, 2)));
  assert(startsWithBytes(b(1, 2, 3), b(1, 2, 3)));
  assert(!startsWithBytes(b(1, 2, 3), b(2, 3)));
  assert(!startsWithBytes(b(1, 2), b(1, 2, 3)));
  assert(!startsWithBytes(b(), b(0)));
});

Deno.test("joinBytes puts the parts one after another, and hands back a lone part itself", () => {
  const one = new Uint8Array([1, 2]);
  assert(joinBytes([one]) === one, "one part is not copied");
  assertEquals(joinBytes([]), new Uint8Array(0));
  assertEquals(
    joinBytes([one, new Uint8Array(0), new Uint8Array([3])]),
    new Uint8Array([1, 2, 3]),
  );
});
