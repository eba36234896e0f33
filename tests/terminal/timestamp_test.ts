import { assertEquals } from "../support/assert.ts";
import { isoTimestamp } from "../../lib/terminal/timestamp.ts";

Deno.test("isoTimestamp writes what toISOString writes", () => {
  const edges = [
    0,
    -1,
    951_782_400_000, // 2000-02-29, a leap day of a century divisible by 400
    4_107_542_400_000, // 2100-03-01, after a century that is no leap year
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z
    -62_167_219_200_000, // 0000-01-01
    Date.UTC(2026, 11, 3, 9, 5, 7, 45),
  ];
  for (const ms of edges) assertEquals(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
  // A fixed pseudo-random walk over the years 1970-2200, every part of a day included.
  let ms = 0;
  for (let i = 0; i < 20_000; i++) {
    ms = (ms * 1_103_515_245 + 12_345) % 7_258_118_400_000;
    assertEquals(isoTimestamp(ms), new Date(ms).toISOString(), String(ms));
  }
});
