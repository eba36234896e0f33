import { assertEquals } from "../support/assert.ts";
import {
  LAB_TIMING_VARIABLE,
  parseLabTiming,
  readLabTiming,
} from "../../lib/commands/lab_timing.ts";
import { RUNTIME_FLAGS } from "../../scripts/permissions.ts";

Deno.test("parseLabTiming reads any subset of the intervals", () => {
  assertEquals(parseLabTiming("presence=300,refusals=1000,find=500"), {
    ok: true,
    value: { presenceSearchDelayMs: 300, refusalSummaryMs: 1000, findWindowMs: 500 },
  });
  assertEquals(parseLabTiming(" find=250 "), { ok: true, value: { findWindowMs: 250 } });
  assertEquals(parseLabTiming(""), { ok: true, value: {} });
});

Deno.test("parseLabTiming names what is wrong", () => {
  for (
    const [text, why] of [
      ["presense=300", 'unknown interval "presense"'],
      ["constructor=5", 'unknown interval "constructor"'],
      ["presence=0", "presence must be a whole number of milliseconds from 1 to 600000"],
      ["find=1.5", "find must be a whole number of milliseconds from 1 to 600000"],
      ["refusals", "refusals must be a whole number of milliseconds from 1 to 600000"],
      ["find=-1", "find must be a whole number of milliseconds from 1 to 600000"],
    ]
  ) {
    const parsed = parseLabTiming(text);
    assertEquals(parsed.ok, false, text);
    if (!parsed.ok) assertEquals(parsed.error.startsWith(why), true, `${text}: ${parsed.error}`);
  }
});

Deno.test("readLabTiming reads nothing without the permission, even when the variable is set", () => {
  const set = (name: string) => name === LAB_TIMING_VARIABLE ? "presence=300" : undefined;
  assertEquals(readLabTiming({ granted: () => false, get: set }), { ok: true, value: undefined });
  assertEquals(readLabTiming({ granted: () => true, get: set }), {
    ok: true,
    value: { presenceSearchDelayMs: 300 },
  });
  assertEquals(readLabTiming({ granted: () => true, get: () => undefined }), {
    ok: true,
    value: undefined,
  });
  assertEquals(readLabTiming({ granted: () => true, get: () => "find=x" }), {
    ok: false,
    error: `${LAB_TIMING_VARIABLE}: find must be a whole number of milliseconds from 1 to 600000`,
  });
});

Deno.test("the shipped permissions never grant the lab's variable", () => {
  const env = RUNTIME_FLAGS.filter((flag) => flag.startsWith("--allow-env"));
  assertEquals(env.length, 1);
  assertEquals(env[0].includes(LAB_TIMING_VARIABLE), false, env[0]);
  assertEquals(env[0].startsWith("--allow-env="), true, "an --allow-env without a list grants it");
});
