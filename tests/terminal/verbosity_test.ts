// The quiet filter: -q keeps warnings and the lines a user runs the helper for.

import { assert, assertEquals } from "../support/assert.ts";
import { verbosityFilter } from "../../lib/terminal/verbosity.ts";

Deno.test("each verbosity keeps its levels; only -q filters", () => {
  assertEquals(verbosityFilter("verbose"), { lowestLevel: "debug", filter: undefined });
  assertEquals(verbosityFilter("normal"), { lowestLevel: "info", filter: undefined });
  assertEquals(verbosityFilter("quiet").lowestLevel, "info");
});

Deno.test("-q passes warnings and worse, and the ready and summary lines at any level", () => {
  const filter = verbosityFilter("quiet").filter;
  assert(filter !== undefined);
  const passes = (level: "info" | "warning" | "error" | "fatal", event?: string) =>
    filter({ level, template: "", properties: event ? { event } : {}, timestamp: 0 });
  assert(!passes("info"));
  assert(!passes("info", "camera-pairing"));
  assert(passes("info", "camera-ready"));
  assert(passes("info", "import-summary"));
  for (const level of ["warning", "error", "fatal"] as const) assert(passes(level));
});
