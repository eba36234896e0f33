import { assert, assertEquals } from "../support/assert.ts";
import {
  DEFAULT_RATE_LIMITS,
  RateLimiter,
  type RateLimits,
  summariseRefusals,
} from "../../lib/ssdp/rate_limit.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { FakeClock } from "../support/clock.ts";

const A = 0xc0a80114; // 192.168.1.20
const B = 0xc0a80115; // 192.168.1.21

// Refills happen exactly when the test says time passed.
function limiter(limits: Partial<RateLimits>, clock = new FakeClock(1_000_000)) {
  return {
    clock,
    limiter: new RateLimiter({ ...DEFAULT_RATE_LIMITS, globalRate: 0, ...limits }, clock),
  };
}

// How many of `n` takes for `source` succeed right now.
function granted(l: RateLimiter, source: number, n: number): number {
  let ok = 0;
  for (let i = 0; i < n; i++) if (l.take(source) === undefined) ok++;
  return ok;
}

Deno.test("RateLimiter", async (t) => {
  await t.step("the defaults", () => {
    assertEquals(DEFAULT_RATE_LIMITS, {
      sourceRate: 5,
      sourceBurst: 10,
      globalRate: 200,
      sourceTable: 4096,
    });
  });

  await t.step("a source gets its burst at once, then is refused with 'source'", () => {
    const { limiter: l } = limiter({ sourceRate: 5, sourceBurst: 10 });
    for (let i = 0; i < 10; i++) assertEquals(l.take(A), undefined, `take ${i + 1}`);
    assertEquals(l.take(A), "source");
    assertEquals(l.take(A), "source");
  });

  await t.step("a search answered with several datagrams costs one token each", () => {
    const { limiter: l } = limiter({ sourceRate: 5, sourceBurst: 10, globalRate: 7 });
    assertEquals(l.take(A, 3), undefined);
    assertEquals(l.take(A, 3), undefined);
    // The 6 shared of the 7 global tokens are spent: another ssdp:all does not fit, a single
    // answer does (from the one kept for quiet sources).
    assertEquals(l.take(B, 3), "global");
    assertEquals(l.take(B), undefined);
    assertEquals(l.take(A, 3), "global");
  });

  await t.step("limits smaller than a search's cost still let it through when full", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 1, sourceBurst: 2, globalRate: 0 });
    assertEquals(l.take(A, 3), undefined, "a full bucket of 2 pays for 3 answers");
    assertEquals(l.take(A, 3), "source");
    clock.advance(2000);
    assertEquals(l.take(A, 3), undefined, "and again once refilled");
    const g = limiter({ sourceRate: 0, globalRate: 1 }).limiter;
    assertEquals(g.take(A, 3), undefined);
    assertEquals(g.take(B, 3), "global");
  });

  await t.step("tokens refill at the rate, and no faster", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 5, sourceBurst: 10 });
    assertEquals(granted(l, A, 10), 10);
    clock.advance(199); // 0.995 tokens: not yet one
    assertEquals(l.take(A), "source");
    clock.advance(1); // 200 ms since the burst: one token at 5/s
    assertEquals(l.take(A), undefined);
    assertEquals(l.take(A), "source");
    clock.advance(1000); // one second: five tokens
    assertEquals(granted(l, A, 10), 5);
  });

  await t.step("a bucket never holds more than the burst", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 5, sourceBurst: 3 });
    assertEquals(granted(l, A, 1), 1);
    clock.advance(3_600_000);
    assertEquals(granted(l, A, 10), 3);
  });

  await t.step("a clock that steps back does not mint tokens", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 5, sourceBurst: 2 });
    assertEquals(granted(l, A, 2), 2);
    clock.advance(-10_000);
    assertEquals(l.take(A), "source");
  });

  await t.step("sources are isolated: a flooder does not starve another", () => {
    const { limiter: l } = limiter({ sourceRate: 5, sourceBurst: 10 });
    assertEquals(granted(l, A, 1000), 10);
    assertEquals(granted(l, B, 10), 10);
    assertEquals(l.take(B), "source");
  });

  await t.step("the global cap holds over all sources, refusing with 'global'", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 5, sourceBurst: 10, globalRate: 25 });
    let ok = 0;
    for (let source = 1; source <= 10; source++) ok += granted(l, source, 10);
    assertEquals(ok, 25);
    assertEquals(l.take(9999), "global");
    // 6 of the 25 a second are kept for quiet sources: the shared part refills at 19/s.
    clock.advance(60);
    assertEquals(l.take(9999), undefined);
    assertEquals(l.take(9998), "global");
  });

  await t.step("a global refusal does not spend the source's token", () => {
    const { limiter: l, clock } = limiter({ sourceRate: 1, sourceBurst: 1, globalRate: 1 });
    assertEquals(l.take(A), undefined); // spends A's only token and the global one
    assertEquals(l.take(B), "global"); // B's token stays
    clock.advance(1000);
    assertEquals(l.take(B), undefined);
  });

  await t.step("the source table is bounded, forgetting the least recently seen", () => {
    const { limiter: l } = limiter({ sourceRate: 1, sourceBurst: 1, sourceTable: 3 });
    assertEquals(l.take(1), undefined);
    assertEquals(l.take(2), undefined);
    assertEquals(l.take(3), undefined);
    assertEquals(l.trackedSources, 3);
    // Seeing 1 again makes 2 the least recently seen.
    assertEquals(l.take(1), "source");
    assertEquals(l.take(4), undefined);
    assertEquals(l.trackedSources, 3);
    // 1 and 3 are still remembered (and spent); 2 was forgotten and starts with a fresh burst.
    assertEquals(l.take(1), "source");
    assertEquals(l.take(3), "source");
    assertEquals(l.take(2), undefined);
    assertEquals(l.trackedSources, 3);
    // 2 came back and pushed out 4, the least recently seen by then.
    assertEquals(l.take(4), undefined);
  });

  await t.step("a flood of distinct sources never grows the table past its bound", () => {
    const { limiter: l } = limiter({ sourceTable: 100 });
    for (let source = 0; source < 10_000; source++) l.take(source);
    assertEquals(l.trackedSources, 100);
  });

  await t.step("drainRefusals counts each kind, then starts again from zero", () => {
    const { limiter: l } = limiter({ sourceRate: 1, sourceBurst: 1, globalRate: 2 });
    l.take(A); // ok
    l.take(A); // source
    l.take(A); // source
    l.take(B); // ok, global now spent
    l.take(3); // global
    assertEquals(l.drainRefusals(), { source: 2, global: 1 });
    assertEquals(l.drainRefusals(), { source: 0, global: 0 });
    l.take(A);
    assertEquals(l.drainRefusals(), { source: 1, global: 0 });
  });

  await t.step("a source rate of 0 turns the per-source limit off and tracks nothing", () => {
    const { limiter: l } = limiter({ sourceRate: 0, sourceBurst: 1 });
    assertEquals(granted(l, A, 1000), 1000);
    assertEquals(l.trackedSources, 0);
  });

  await t.step("a global rate of 0 turns the global limit off", () => {
    const { limiter: l } = limiter({ sourceRate: 0, globalRate: 0 });
    let ok = 0;
    for (let source = 0; source < 5000; source++) ok += granted(l, source, 2);
    assertEquals(ok, 10_000);
    assertEquals(l.drainRefusals(), { source: 0, global: 0 });
  });
  await t.step(
    "a camera asking twice a second is answered through a flood of 1,000 sources",
    () => {
      // 60 s simulated: 1,000 spoofed sources take turns at 4,000 searches a second in all (4/s each,
      // under their own limit), while the camera asks every 500 ms.
      const clock = new FakeClock(1_000_000);
      const l = new RateLimiter(DEFAULT_RATE_LIMITS, clock);
      const camera = 0x0a000002;
      let asked = 0;
      let answered = 0;
      let floodAnswered = 0;
      for (let tick = 0; tick < 60 * 4000; tick++) {
        if (tick > 0) clock.advance(0.25);
        if (l.take(0x0b000000 + (tick % 1000)) === undefined) floodAnswered++;
        if (tick % 2000 === 777) {
          asked++;
          if (l.take(camera) === undefined) answered++;
        }
      }
      assertEquals(asked, 120);
      assert(answered / asked >= 0.9, `camera answered ${answered} of ${asked}`);
      // The reflection limit still holds over everyone: at most the global rate, plus its first fill.
      assert(answered + floodAnswered <= 61 * DEFAULT_RATE_LIMITS.globalRate);
    },
  );
});

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
