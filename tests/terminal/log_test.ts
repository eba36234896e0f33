// The log sink as the user sees it: text from the network is escaped, JSON lines parse; the quiet
// filter: -q keeps warnings and the lines a user runs the helper for.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { escapeControls, log } from "../../lib/terminal/logger.ts";
import { logEvent, setupLogging, verbosityFilter } from "../../lib/terminal/log.ts";

Deno.test("log lines", async (t) => {
  await t.step("control characters from the network are shown escaped in text lines", () => {
    const lines: string[] = [];
    setupLogging("normal", "text", (line) => lines.push(line));
    log.info("HTTP GET {path}", { path: "/\x1b]0;pwned\x07\x1b[2J\r\nFAKE" });
    assertEquals(lines.length, 1);
    const line = lines[0];
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(line), JSON.stringify(line));
    assertMatch(line, /HTTP GET \/\\x1b\]0;pwned\\x07\\x1b\[2J\\x0d\\x0aFAKE\n$/);
  });

  await t.step("JSON lines keep the exact value in properties", () => {
    const lines: string[] = [];
    setupLogging("normal", "json", (line) => lines.push(line));
    log.info("M-SEARCH from {from}", { event: "search", from: "10.0.0.2:5000" });
    const record = JSON.parse(lines[0]);
    assertEquals(record.level, "INFO");
    assertEquals(record.properties, { event: "search", from: "10.0.0.2:5000" });
  });

  await t.step("-q keeps warnings only, -v adds debug", () => {
    const quiet: string[] = [];
    setupLogging("quiet", "text", (line) => quiet.push(line));
    log.info("info");
    log.warn("warn");
    assertEquals(quiet.length, 1);
    // The one line a user runs the helper for survives -q.
    logEvent({
      event: "camera-ready",
      camera: "192.168.1.23",
      ip: "192.168.1.23",
      name: null,
      model: null,
      flow: "search",
      usn: null,
      via: "NOTIFY",
      chdkptp: "chdkptp -c -h=192.168.1.23",
      gphoto2: "gphoto2 --port ptpip:192.168.1.23",
    });
    logEvent({ event: "camera-pairing", ip: "192.168.1.23" });
    assertEquals(quiet.length, 2);
    assertMatch(quiet[1], /camera 192\.168\.1\.23 is ready/);
    // An EOS camera's line names only gphoto2: chdkptp speaks to PowerShots running CHDK.
    logEvent({
      event: "camera-ready",
      camera: "192.168.1.24 (Canon EOS 6D)",
      ip: "192.168.1.24",
      name: "Canon EOS 6D",
      model: "Canon EOS 6D",
      flow: "eos",
      usn: null,
      via: "eos-fetch",
      chdkptp: "chdkptp -c -h=192.168.1.24",
      gphoto2: "gphoto2 --port ptpip:192.168.1.24 --summary",
    });
    assertEquals(quiet.length, 3);
    assertMatch(quiet[2], /EOS camera 192\.168\.1\.24 \(Canon EOS 6D\) is ready/);
    assert(!quiet[2].includes("chdkptp"));
    const verbose: string[] = [];
    setupLogging("verbose", "text", (line) => verbose.push(line));
    log.debug("debug");
    assertEquals(verbose.length, 1);
  });

  await t.step("escapeControls leaves printable text alone", () => {
    assertEquals(escapeControls("Canon EOS R6 – ü ✓"), "Canon EOS R6 – ü ✓");
    assertEquals(escapeControls("\u0085\u009b"), "\\x85\\x9b");
  });
});

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
