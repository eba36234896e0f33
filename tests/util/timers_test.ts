// The program's clock on the runtime's timers: due order, cancellation (twice, or from inside the
// call), repetition, an error in one call not stopping the others, and what keeps the process
// alive: a pending timer does, a cancelled or finished one does not. Real time, short delays; every
// wait ends on the event it waits for.

import { assert, assertEquals } from "../support/assert.ts";
import { after, every, sleep, systemClock } from "../../lib/util/timers.ts";

const TIMERS = new URL("../../lib/util/timers.ts", import.meta.url).href;

Deno.test("calls run in due order, ties in the order scheduled; a cancelled one never", async () => {
  const ran: string[] = [];
  let last!: () => void;
  const done = new Promise<void>((resolve) => last = resolve);
  // A call is due its delay after it was scheduled, so the delays are 100 ms apart: a stall of the
  // test process between two lines (a loaded machine) must not make a later-scheduled call due first.
  after(300, () => {
    ran.push("300");
    last();
  });
  after(100, () => ran.push("100a"));
  after(100, () => ran.push("100b"));
  const dropped = after(200, () => ran.push("dropped"));
  after(0, () => ran.push("0"));
  dropped.cancel();
  dropped.cancel();
  await done;
  assertEquals(ran, ["0", "100a", "100b", "300"]);
});

Deno.test("a call is not made before its time, on the clock's own time", async () => {
  const start = systemClock.now();
  let at = 0;
  await new Promise<void>((resolve) =>
    after(25, () => {
      at = systemClock.now() - start;
      resolve();
    })
  );
  assert(at >= 24, `ran after ${at.toFixed(1)} ms`);
});

Deno.test("the clock's date is the runtime's", () => {
  const before = Date.now();
  const date = systemClock.wallNow();
  assert(date >= before && date <= Date.now(), `${date} against ${before}`);
});

Deno.test("every repeats until cancelled, also from inside its own call", async () => {
  let count = 0;
  await new Promise<void>((resolve) => {
    const timer = every(5, () => {
      count++;
      if (count === 3) {
        timer.cancel();
        timer.cancel();
        resolve();
      }
    });
  });
  // Long enough for two more periods, had the cancel not held.
  await sleep(20);
  assertEquals(count, 3);
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

Deno.test("a pending call keeps the process alive; cancelled and finished ones leave nothing behind", async () => {
  // In a process of its own: its exit is the proof that nothing was left scheduled. The timers
  // cancelled here are due after the deadline, so one left behind fails the test.
  const script = `
    import { after, every } from "${TIMERS}";
    const many = Array.from({ length: 1000 }, (_, i) => after(60_000 + (i % 7), () => {}));
    for (const timer of many.reverse()) timer.cancel();
    let count = 0;
    const repeating = every(1, () => {
      count++;
      if (count === 3) repeating.cancel();
      console.log("call", count);
    });
    const outside = every(60_000, () => {});
    after(5, () => outside.cancel());
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", script],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assertEquals(output.code, 0, stderr);
  // Three calls and no fourth, however late each came: the process then ends with nothing pending.
  assertEquals(new TextDecoder().decode(output.stdout), "call 1\ncall 2\ncall 3\n");
  assertEquals(stderr, "");
});
