// Per-address cooldowns kept apart from the tracker's entries: they end on time and the table is
// bounded however many addresses leave.

import { Cooldowns } from "../../lib/cameras/cooldowns.ts";
import { assert, assertEquals } from "../support/assert.ts";
import { FakeClock } from "../support/clock.ts";

Deno.test("a cooldown lasts its duration, and starting it again starts it over", () => {
  const clock = new FakeClock();
  const cooldowns = new Cooldowns(4, 30_000, clock);
  cooldowns.start("10.0.0.2");
  assertEquals(cooldowns.until("10.0.0.2"), 30_000);
  clock.advance(29_999);
  assert(cooldowns.active("10.0.0.2"));
  assert(!cooldowns.active("10.0.0.3"));
  cooldowns.start("10.0.0.2");
  assertEquals(cooldowns.until("10.0.0.2"), 59_999);
  clock.advance(1);
  assertEquals(cooldowns.until("10.0.0.2"), 59_999);
  clock.advance(29_999);
  assert(!cooldowns.active("10.0.0.2"));
  assertEquals(cooldowns.size, 0, "an ended cooldown is forgotten");
});

Deno.test("the table is bounded: ended cooldowns go first, then the one ending first", () => {
  const clock = new FakeClock();
  const cooldowns = new Cooldowns(3, 30_000, clock);
  for (let i = 1; i <= 3; i++) {
    cooldowns.start(`10.0.0.${i}`);
    clock.advance(10_000);
  }
  // 10.0.0.1 ended at 30 s: it makes room, the others stay.
  cooldowns.start("10.0.0.4");
  assertEquals(cooldowns.size, 3);
  assert(cooldowns.active("10.0.0.2") && cooldowns.active("10.0.0.3"));
  // Full of running cooldowns: the one ending first goes.
  cooldowns.start("10.0.0.5");
  assertEquals(cooldowns.size, 3);
  assert(!cooldowns.active("10.0.0.2"));
  assert(cooldowns.active("10.0.0.3") && cooldowns.active("10.0.0.4"));
  for (let i = 0; i < 10_000; i++) cooldowns.start(`10.1.${i >> 8}.${i & 255}`);
  assertEquals(cooldowns.size, 3);
});
