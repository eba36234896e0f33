import { assertEquals } from "../support/assert.ts";
import { refill } from "../../lib/util/token_bucket.ts";

Deno.test("refill adds what the rate earned, never past the capacity, never for time going back", () => {
  const bucket = { tokens: 0, updated: 1_000 };
  refill(bucket, 1_500, 10, 20);
  assertEquals(bucket, { tokens: 5, updated: 1_500 });
  refill(bucket, 60_000, 10, 20);
  assertEquals(bucket, { tokens: 20, updated: 60_000 });
  bucket.tokens = 3;
  refill(bucket, 59_000, 10, 20);
  assertEquals(bucket, { tokens: 3, updated: 59_000 }, "a clock that went back earns nothing");
});
