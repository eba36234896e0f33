// The bounded map that keeps per-source state from growing under spoofed traffic: it never holds
// more than its capacity, and what it forgets is the entry used longest ago, not the oldest created.

import { assertEquals } from "../support/assert.ts";
import { RecentMap } from "../../lib/util/recent_map.ts";

Deno.test("use creates a missing entry once and returns the kept one after", () => {
  const map = new RecentMap<string, { n: number }>(4);
  let made = 0;
  const first = map.use("10.0.0.2", () => ({ n: ++made }));
  const again = map.use("10.0.0.2", () => ({ n: ++made }));
  assertEquals(first, { value: { n: 1 }, created: true });
  assertEquals(again.created, false);
  assertEquals(again.value === first.value, true, "the same object, not a new one");
  assertEquals(made, 1);
  assertEquals(map.size, 1);
});

Deno.test("a full map forgets the least recently used entry, and only one", () => {
  const map = new RecentMap<string, string>(3);
  for (const ip of ["a", "b", "c"]) map.use(ip, () => ip);
  map.use("a", () => "new a"); // a is used again: b is now the stalest
  assertEquals(map.use("d", () => "d").created, true);
  assertEquals(map.size, 3);
  assertEquals(map.peek("b"), undefined, "b went");
  assertEquals([...map.values()], ["c", "a", "d"], "stalest first");
});

Deno.test("peek does not count as a use; delete frees a place", () => {
  const map = new RecentMap<string, number>(2);
  map.use("x", () => 1);
  map.use("y", () => 2);
  assertEquals(map.peek("x"), 1);
  map.use("z", () => 3); // x is still the stalest: peeking it did not refresh it
  assertEquals(map.peek("x"), undefined);
  assertEquals(map.delete("y"), true);
  assertEquals(map.delete("y"), false);
  map.use("w", () => 4);
  assertEquals([...map.values()], [3, 4], "nothing else was forgotten");
});

Deno.test("20,000 sources through a map of 64 keep it at 64", () => {
  const map = new RecentMap<number, number>(64);
  for (let i = 0; i < 20_000; i++) map.use(i, () => i);
  assertEquals(map.size, 64);
  assertEquals([...map.values()][0], 20_000 - 64);
});
