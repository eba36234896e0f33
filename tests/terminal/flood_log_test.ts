import { assertEquals } from "../support/assert.ts";
import { type Flood, FloodLog, MAX_COUNTED_SOURCES } from "../../lib/terminal/flood_log.ts";
import { FakeClock } from "../support/clock.ts";

/** A FloodLog on a clock the test moves, summing up 1000 ms after the first request past the budget. */
function floodLog(budget = { perSecond: 10, burst: 5 }) {
  const clock = new FakeClock(5_000);
  const lines: string[] = [];
  const summaries: Flood[] = [];
  const log = new FloodLog({
    budget,
    clock,
    summaryMs: 1000,
    summarise: (flood) => summaries.push(flood),
  });
  const report = (source: string, n = 1) => {
    for (let i = 0; i < n; i++) log.report(source, () => lines.push(source));
  };
  return { clock, lines, summaries, log, report };
}

Deno.test("FloodLog: a line each within the burst, then one summary naming the count and sources", () => {
  const f = floodLog();
  f.report("10.0.0.1", 3);
  f.report("10.0.0.2", 2);
  assertEquals(f.lines.length, 5);
  assertEquals(f.clock.pending, 0, "nothing is scheduled while the budget holds");

  f.report("10.0.0.1", 4);
  f.clock.advance(200);
  f.report("10.0.0.3", 3);
  assertEquals(f.lines.length, 7, "200 ms at 10 a second earn two more lines");
  assertEquals(f.clock.pending, 1, "one summary is scheduled, however many are counted");
  f.clock.advance(799);
  assertEquals(
    f.summaries,
    [],
    "the summary is due 1000 ms after the first request past the budget",
  );
  f.clock.advance(1);
  assertEquals(f.summaries, [{ count: 5, sources: 2, seconds: 1 }]);
});

Deno.test("FloodLog: the budget refills at its rate and never past its burst", () => {
  const f = floodLog();
  f.report("a", 5);
  f.clock.advance(60_000);
  f.report("a", 8);
  assertEquals(f.lines.length, 10, "a long quiet time gives back the burst, not more");
  f.clock.advance(1000);
  assertEquals(f.summaries, [{ count: 3, sources: 1, seconds: 1 }]);
  // The second's wait refilled the burst: the sixth request is past it.
  f.report("a", 6);
  assertEquals(f.clock.pending, 1, "a new flood schedules a new summary");
});

Deno.test("FloodLog: close writes what was counted, once, and cancels the timer", () => {
  const f = floodLog();
  f.log.close();
  assertEquals(f.summaries, [], "nothing counted, nothing said");
  f.report("a", 7);
  f.log.close();
  f.log.close();
  assertEquals(f.clock.pending, 0);
  f.clock.advance(1000);
  assertEquals(f.summaries, [{ count: 2, sources: 1, seconds: 0 }]);
});

Deno.test("FloodLog: distinct sources are counted up to their bound", () => {
  const f = floodLog({ perSecond: 1, burst: 1 });
  for (let i = 0; i <= MAX_COUNTED_SOURCES + 10; i++) f.report(`s${i}`);
  f.clock.advance(1000);
  assertEquals(f.summaries[0].count, MAX_COUNTED_SOURCES + 10);
  assertEquals(f.summaries[0].sources, MAX_COUNTED_SOURCES);
});
