import { assertEquals } from "../support/assert.ts";
import { type Flood, FloodLog, MAX_COUNTED_SOURCES } from "../../lib/terminal/flood_log.ts";
import { REQUEST_LINES } from "../../lib/commands/serve.ts";
import { DEFAULT_RATE_LIMITS, RateLimiter } from "../../lib/ssdp/rate_limit.ts";
import type { Timer } from "../../lib/util/timers.ts";

/** A FloodLog on a hand-moved clock, whose summary timer the test fires. */
function floodLog(budget = { perSecond: 10, burst: 5 }) {
  const clock = { ms: 5_000 };
  const lines: string[] = [];
  const summaries: Flood[] = [];
  const pending: { ms: number; run: () => void; cancelled: boolean }[] = [];
  const log = new FloodLog({
    budget,
    now: () => clock.ms,
    summaryMs: 1000,
    summarise: (flood) => summaries.push(flood),
    schedule: (ms, run): Timer => {
      const entry = { ms, run, cancelled: false };
      pending.push(entry);
      return { cancel: () => entry.cancelled = true };
    },
  });
  const report = (source: string, n = 1) => {
    for (let i = 0; i < n; i++) log.report(source, () => lines.push(source));
  };
  const fire = () => {
    for (const p of pending.splice(0)) if (!p.cancelled) p.run();
  };
  return { clock, lines, summaries, pending, log, report, fire };
}

Deno.test("FloodLog: a line each within the burst, then one summary naming the count and sources", () => {
  const f = floodLog();
  f.report("10.0.0.1", 3);
  f.report("10.0.0.2", 2);
  assertEquals(f.lines.length, 5);
  assertEquals(f.pending.length, 0, "nothing is scheduled while the budget holds");

  f.report("10.0.0.1", 4);
  f.clock.ms += 200;
  f.report("10.0.0.3", 3);
  assertEquals(f.lines.length, 7, "200 ms at 10 a second earn two more lines");
  assertEquals(f.pending.length, 1, "one summary is scheduled, however many are counted");
  assertEquals(f.pending[0].ms, 1000);
  f.clock.ms += 300;
  f.fire();
  assertEquals(f.summaries, [{ count: 5, sources: 2, seconds: 0.5 }]);
});

Deno.test("FloodLog: the budget refills at its rate and never past its burst", () => {
  const f = floodLog();
  f.report("a", 5);
  f.clock.ms += 60_000;
  f.report("a", 8);
  assertEquals(f.lines.length, 10, "a long quiet time gives back the burst, not more");
  f.fire();
  assertEquals(f.summaries, [{ count: 3, sources: 1, seconds: 0 }]);
  f.report("a");
  assertEquals(f.pending.length, 1, "a new flood schedules a new summary");
});

Deno.test("FloodLog: close writes what was counted, once, and cancels the timer", () => {
  const f = floodLog();
  f.log.close();
  assertEquals(f.summaries, [], "nothing counted, nothing said");
  f.report("a", 7);
  f.log.close();
  f.log.close();
  f.fire();
  assertEquals(f.summaries, [{ count: 2, sources: 1, seconds: 0 }]);
});

Deno.test("FloodLog: distinct sources are counted up to their bound", () => {
  const f = floodLog({ perSecond: 1, burst: 1 });
  for (let i = 0; i <= MAX_COUNTED_SOURCES + 10; i++) f.report(`s${i}`);
  f.fire();
  assertEquals(f.summaries[0].count, MAX_COUNTED_SOURCES + 10);
  assertEquals(f.summaries[0].sources, MAX_COUNTED_SOURCES);
});

Deno.test("FloodLog at serve's budget: every search the default limits answer has its own line", () => {
  // Many sources flood at 2 000 searches a second for 30 s; whatever the default global limit lets
  // through must fit the log's budget, so nothing users rely on is summed up at the defaults.
  const clock = { ms: 1_000 };
  const limiter = new RateLimiter(DEFAULT_RATE_LIMITS, () => clock.ms);
  const f = floodLog(REQUEST_LINES);
  f.clock.ms = clock.ms;
  let answered = 0;
  for (let i = 0; i < 60_000; i++) {
    if (i % 2 === 0) clock.ms = f.clock.ms = clock.ms + 1;
    const source = 0x0a000000 + (i % 5000);
    if (limiter.take(source) === undefined) {
      answered++;
      f.report(String(source));
    }
  }
  assertEquals(f.lines.length, answered);
  assertEquals(f.pending.length, 0);
  assertEquals(answered > 30 * DEFAULT_RATE_LIMITS.globalRate * 0.9, true, `answered ${answered}`);
});
