// raceDeadline, withTimeout and settlesWithin: the promise's value when it comes first, the deadline
// (as TIMED_OUT, a rejection or false) when it does and not before, a rejection passed through, and
// no timer left behind either way. A fake clock moves the time; one race runs on the real one.

import { assert, assertEquals } from "../support/assert.ts";
import { FakeClock } from "../support/clock.ts";
import { raceDeadline, settlesWithin, TIMED_OUT, withTimeout } from "../../lib/util/timeout.ts";

Deno.test("raceDeadline resolves with the value when it comes first and cancels its timer", async () => {
  const clock = new FakeClock();
  assertEquals(await raceDeadline(Promise.resolve(7), 10_000, clock), 7);
  assertEquals(clock.pending, 0);
});

Deno.test("raceDeadline resolves TIMED_OUT when the deadline comes first; the promise is left alone", async () => {
  const clock = new FakeClock();
  let resolve!: (value: string) => void;
  const slow = new Promise<string>((r) => resolve = r);
  const race = raceDeadline(slow, 20, clock);
  clock.advance(19);
  assertEquals(clock.pending, 1, "not timed out before its time");
  clock.advance(1);
  assertEquals(await race, TIMED_OUT);
  assertEquals(clock.pending, 0);
  // The same promise can be raced again and still gives its value: nothing was consumed.
  resolve("late");
  assertEquals(await raceDeadline(slow, 10_000, clock), "late");
  assertEquals(clock.pending, 0);
});

Deno.test("raceDeadline passes a rejection through and cancels its timer", async () => {
  const clock = new FakeClock();
  let caught: unknown;
  try {
    await raceDeadline(Promise.reject(new Error("boom")), 10_000, clock);
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof Error && caught.message === "boom", `caught ${caught}`);
  assertEquals(clock.pending, 0);
});

Deno.test("withTimeout: the value in time, else 'no WHAT within MS ms'", async () => {
  const clock = new FakeClock();
  assertEquals(await withTimeout(Promise.resolve("yes"), 50, "answer", clock), "yes");
  const late = withTimeout(new Promise(() => {}), 50, "answer", clock);
  clock.advance(50);
  let caught: unknown;
  try {
    await late;
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof Error, `caught ${caught}`);
  assertEquals(caught.message, "no answer within 50 ms");
  assertEquals(clock.pending, 0);
});

Deno.test("settlesWithin: true for a settled or rejected promise, false for one still pending", async () => {
  const clock = new FakeClock();
  assertEquals(await settlesWithin(Promise.resolve(), 10_000, clock), true);
  assertEquals(await settlesWithin(Promise.reject(new Error("no")), 10_000, clock), true);
  const pending = settlesWithin(new Promise(() => {}), 10, clock);
  clock.advance(10);
  assertEquals(await pending, false);
  assertEquals(clock.pending, 0);
});

Deno.test("on the real clock by default: a deadline passes no earlier than its time", async () => {
  const start = performance.now();
  assertEquals(await raceDeadline(new Promise(() => {}), 20), TIMED_OUT);
  const waited = performance.now() - start;
  assert(waited >= 19, `timed out after ${waited.toFixed(1)} ms`);
});
