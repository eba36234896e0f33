// raceDeadline and settlesWithin: the promise's value when it comes first, TIMED_OUT when the
// deadline does, a rejection passed through, and no timer left behind either way.

import { assert, assertEquals } from "../support/assert.ts";
import { raceDeadline, settlesWithin, TIMED_OUT } from "../../lib/util/timeout.ts";
import { scheduledCount } from "../../lib/util/timers.ts";

Deno.test("raceDeadline resolves with the value when it comes first and cancels its timer", async () => {
  assertEquals(await raceDeadline(Promise.resolve(7), 10_000), 7);
  assertEquals(scheduledCount(), 0);
});

Deno.test("raceDeadline resolves TIMED_OUT when the deadline comes first; the promise is left alone", async () => {
  let resolve!: (value: string) => void;
  const slow = new Promise<string>((r) => resolve = r);
  const start = performance.now();
  assertEquals(await raceDeadline(slow, 20), TIMED_OUT);
  const waited = performance.now() - start;
  assert(waited >= 19, `timed out after ${waited.toFixed(1)} ms`);
  assertEquals(scheduledCount(), 0);
  // The same promise can be raced again and still gives its value: nothing was consumed.
  resolve("late");
  assertEquals(await raceDeadline(slow, 10_000), "late");
  assertEquals(scheduledCount(), 0);
});

Deno.test("raceDeadline passes a rejection through and cancels its timer", async () => {
  let caught: unknown;
  try {
    await raceDeadline(Promise.reject(new Error("boom")), 10_000);
  } catch (error) {
    caught = error;
  }
  assert(caught instanceof Error && caught.message === "boom", `caught ${caught}`);
  assertEquals(scheduledCount(), 0);
});

Deno.test("settlesWithin: true for a settled or rejected promise, false for one still pending", async () => {
  assertEquals(await settlesWithin(Promise.resolve(), 10_000), true);
  assertEquals(await settlesWithin(Promise.reject(new Error("no")), 10_000), true);
  assertEquals(await settlesWithin(new Promise(() => {}), 10), false);
  assertEquals(scheduledCount(), 0);
});
