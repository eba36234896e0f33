// The one wait the tests and the lab share: it resolves on the wake that makes its condition true,
// fails with its name at its deadline or once the state has ended, and leaves no timer behind.

import { assert, assertEquals } from "../support/assert.ts";
import { Waiters } from "../../lab/waiters.ts";

Deno.test("a wait resolves on the wake that makes it true, with the probe's value", async () => {
  const waiters = new Waiters();
  const lines: string[] = [];
  const third = waiters.until(() => lines[2], "three lines", 1000);
  lines.push("a", "b");
  waiters.wake();
  lines.push("c");
  waiters.wake();
  assertEquals(await third, "c");
  assertEquals(await waiters.until(() => lines.length === 3, "already true", 1000), true);
});

Deno.test("a wait that is never met fails with its name at its deadline", async () => {
  const waiters = new Waiters();
  const failure = await waiters.until(() => false, () => "the camera's answer", 10).then(
    () => undefined,
    (error: Error) => error.message,
  );
  assertEquals(failure, "not within 10 ms: the camera's answer");
});

Deno.test("after end, a pending wait and a new one fail at once; one already met still resolves", async () => {
  const waiters = new Waiters();
  let done = false;
  const pending = waiters.until(() => done, "the exit line", 60_000);
  waiters.end("the helper ended");
  const why = await pending.then(() => "", (error: Error) => error.message);
  assertEquals(why, "the helper ended before: the exit line");
  done = true;
  assert(await waiters.until(() => done, "the exit line", 60_000));
});

Deno.test("a probe that throws fails its wait with that error", async () => {
  const waiters = new Waiters();
  const error = new Error("bad line");
  const got = await waiters.until(() => {
    throw error;
  }, "x").then(() => undefined, (e) => e);
  assertEquals(got, error);
});
