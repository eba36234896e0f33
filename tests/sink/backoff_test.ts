// The reconnect backoff: doubling from the first wait to the cap, whatever count it is given.

import { assertEquals } from "../support/assert.ts";
import { backoffDelay, RECONNECT_BACKOFF } from "../../lib/sink/backoff.ts";

Deno.test("the backoff doubles from 1 s and stops at 30 s", () => {
  assertEquals(
    [0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
});

Deno.test("a count that is not a whole positive number waits the first wait; a huge one the cap", () => {
  assertEquals(
    [-1, NaN, Infinity, 0.9, 1.5, 2 ** 40].map((n) => backoffDelay(n)),
    [1000, 1000, 1000, 1000, 2000, 30000],
  );
});

Deno.test("the production waits are 1 s and 30 s", () => {
  assertEquals(RECONNECT_BACKOFF, { firstMs: 1000, maxMs: 30_000 });
});
