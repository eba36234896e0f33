import { assertEquals } from "../support/assert.ts";
import { summariseRefusals } from "../../lib/ssdp/refusal_summary.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { FakeClock } from "../support/clock.ts";

/** A limiter whose refusals the test sets. */
function fakeLimiter() {
  const limiter = {
    refused: { source: 0, global: 0 },
    trackedSources: 7,
    drainRefusals() {
      const refused = limiter.refused;
      limiter.refused = { source: 0, global: 0 };
      return refused;
    },
  };
  return limiter;
}

Deno.test("summariseRefusals: one line per interval with refusals, none for a quiet one", () => {
  const clock = new FakeClock();
  const events: ServeEvent[] = [];
  const limiter = fakeLimiter();
  const timer = summariseRefusals({
    limiter,
    intervalMs: 10_000,
    clock,
    emit: (e) => events.push(e),
  });
  limiter.refused = { source: 40, global: 2 };
  clock.advance(9_999);
  assertEquals(events, [], "nothing before the interval ends");
  clock.advance(1);
  assertEquals(events, [
    { event: "rate-limited", total: 42, seconds: 10, source: 40, global: 2, tracked: 7 },
  ]);
  clock.advance(10_000);
  assertEquals(events.length, 1, "an interval without refusals says nothing");
  timer.cancel();
  limiter.refused = { source: 1, global: 0 };
  clock.advance(10_000);
  assertEquals(events.length, 1, "a cancelled summary says nothing");
  assertEquals(clock.pending, 0);
});
