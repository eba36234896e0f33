// The README's JSON log example is what the logger writes: each line, parsed, against the line the
// helper makes for the same event, so the example cannot drift from the code (a new field of the
// event fails to type-check below until it is added here, and then fails here until the README has it).

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { logEvent, setupLogging } from "../../lib/terminal/log.ts";

const README = new URL("../../README.md", import.meta.url);

/** The events of the README's example, as the serving parts report them (from a run on a test LAN). */
const EXAMPLE_EVENTS: readonly ServeEvent[] = [
  {
    event: "camera-ready",
    camera: "192.168.50.2 (Canon camera)",
    ip: "192.168.50.2",
    name: "Canon camera",
    model: null,
    flow: "search",
    usn: "uuid:00000000-0000-0000-0001-a0b1c2d3e4f5::" +
      "urn:schemas-canon-com:service:ICPO-SmartPhoneEOSSystemService:1",
    via: "alive",
    chdkptp: 'chdkptp -e"connect -h=192.168.50.2"',
    gphoto2: "gphoto2 --port ptpip:192.168.50.2 --summary",
  },
  { event: "hook-exit", ip: "192.168.50.2", code: 0, signal: null },
];

/** The one ```json block of the README, one object a line. */
async function readmeJsonLines(): Promise<Record<string, unknown>[]> {
  const readme = await Deno.readTextFile(README);
  const blocks = [...readme.matchAll(/^```json\n([\s\S]*?)^```$/gm)];
  assertEquals(blocks.length, 1, "the README has one JSON log example");
  return blocks[0][1].trim().split("\n").map((line) => JSON.parse(line));
}

/** What the helper writes for `event` with `--log-format json`, parsed. */
function loggedLine(event: ServeEvent): Record<string, unknown> {
  const lines: string[] = [];
  setupLogging("normal", "json", (line) => lines.push(line));
  logEvent(event);
  assertEquals(lines.length, 1, `one line for ${event.event}`);
  return JSON.parse(lines[0]);
}

/** Each value's JSON type, key by key and in order: what a reader of the log relies on. */
function shape(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, shape(v)]);
  }
  return typeof value;
}

Deno.test("the README's JSON log lines are what the logger writes for those events", async (t) => {
  const example = await readmeJsonLines();
  assertEquals(example.length, EXAMPLE_EVENTS.length, "one README line per example event");
  for (const [i, event] of EXAMPLE_EVENTS.entries()) {
    await t.step(event.event, () => {
      const shown = example[i];
      const logged = loggedLine(event);
      assertEquals(shape(shown), shape(logged), "the same keys, in order, with the same types");
      const { "@timestamp": shownTime, ...shownRest } = shown;
      const { "@timestamp": _loggedTime, ...loggedRest } = logged;
      assertEquals(shownRest, loggedRest, "the same level, message, logger and properties");
      assertMatch(String(shownTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
  }
});

Deno.test("the README says what the JSON lines hold, as they are", async () => {
  const readme = await Deno.readTextFile(README);
  // Words, not line breaks: the formatter may wrap the paragraph anywhere.
  const section = (/^### Logs\n([\s\S]*?)^```json$/m.exec(readme)?.[1] ?? "").replace(/\s+/g, " ");
  assert(section !== "", "the README has a Logs section before its JSON example");
  for (const key of ["@timestamp", "level", "message", "logger", "properties"]) {
    assert(section.includes(`\`${key}\``), `the README names the field ${key}`);
  }
  assert(section.includes("nothing is quoted"), "the README says message values are not quoted");
  // Every event the README names is one the helper reports.
  const events = await Deno.readTextFile(new URL("../../lib/events.ts", import.meta.url));
  const named = /`event` names the kind of line \(([^)]*)\)/.exec(section)?.[1] ?? "";
  const names = [...named.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]);
  assert(names.length >= 5, `the README lists event names: ${named}`);
  for (const name of names) {
    assert(events.includes(`event: "${name}"`), `${name} is an event of lib/events.ts`);
  }
});
