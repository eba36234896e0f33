// The program's timers: due order, cancellation, repetition, and an error in one call not stopping
// the others. Real time, short delays; every wait ends on the event it waits for.

import { assert, assertEquals } from "../support/assert.ts";
import { after, every, scheduledCount, sleep } from "../../lib/util/timers.ts";

Deno.test("calls run in due order, ties in the order scheduled; a cancelled one never", async () => {
  const ran: string[] = [];
  let last!: () => void;
  const done = new Promise<void>((resolve) => last = resolve);
  after(30, () => {
    ran.push("30");
    last();
  });
  after(10, () => ran.push("10a"));
  after(10, () => ran.push("10b"));
  const dropped = after(20, () => ran.push("dropped"));
  // Scheduled later but due earlier than every wait armed so far.
  after(0, () => ran.push("0"));
  dropped.cancel();
  dropped.cancel();
  await done;
  assertEquals(ran, ["0", "10a", "10b", "30"]);
  assertEquals(scheduledCount(), 0);
});

Deno.test("a call is not made before its time", async () => {
  const start = performance.now();
  let at = 0;
  await new Promise<void>((resolve) =>
    after(25, () => {
      at = performance.now() - start;
      resolve();
    })
  );
  assert(at >= 24, `ran after ${at.toFixed(1)} ms`);
});

Deno.test("every repeats until cancelled, also from inside its own call", async () => {
  let count = 0;
  await new Promise<void>((resolve) => {
    const timer = every(5, () => {
      count++;
      if (count === 3) {
        timer.cancel();
        resolve();
      }
    });
  });
  // Long enough for two more periods, had the cancel not held.
  await sleep(20);
  assertEquals(count, 3);
  assertEquals(scheduledCount(), 0);
});

Deno.test("many timers cancelled at once leave nothing queued", () => {
  const timers = Array.from({ length: 1000 }, (_, i) => after(10_000 + (i % 7), () => {}));
  assertEquals(scheduledCount(), 1000);
  for (const timer of timers.reverse()) timer.cancel();
  assertEquals(scheduledCount(), 0);
});

Deno.test("an error in one call is uncaught, as from setTimeout, and the next still runs", async () => {
  const ran: string[] = [];
  const uncaught = new Promise<unknown>((resolve) => {
    const listener = (event: ErrorEvent) => {
      event.preventDefault();
      globalThis.removeEventListener("error", listener);
      resolve(event.error);
    };
    globalThis.addEventListener("error", listener);
  });
  after(1, () => {
    throw new Error("boom");
  });
  const next = new Promise<void>((resolve) =>
    after(1, () => {
      ran.push("next");
      resolve();
    })
  );
  assertEquals(((await uncaught) as Error).message, "boom");
  await next;
  assertEquals(ran, ["next"]);
});

Deno.test("after a repeating timer is cancelled from its own call, later timers still run", async () => {
  // The wait armed for a repeating entry must be forgotten by its own due time, not the entry's
  // next one: else a stale wait blocks every later arm and the queue stalls.
  for (let round = 0; round < 50; round++) {
    let count = 0;
    await new Promise<void>((resolve) => {
      const timer = every(1, () => {
        if (++count === 3) {
          timer.cancel();
          resolve();
        }
      });
    });
  }
  await new Promise<void>((resolve) => after(1, resolve));
  assertEquals(scheduledCount(), 0);
});
