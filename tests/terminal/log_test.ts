// The log sink as the user sees it: text from the network is escaped, JSON lines parse.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { escapeControls, log, setupLogging } from "../../lib/terminal/log.ts";

Deno.test("log lines", async (t) => {
  await t.step("control characters from the network are shown escaped in text lines", async () => {
    const lines: string[] = [];
    await setupLogging("normal", "text", (line) => lines.push(line));
    log.info("HTTP GET {path}", { path: "/\x1b]0;pwned\x07\x1b[2J\r\nFAKE" });
    assertEquals(lines.length, 1);
    const line = lines[0];
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x09\x0b-\x1f\x7f]/.test(line), JSON.stringify(line));
    assertMatch(line, /HTTP GET \/\\x1b\]0;pwned\\x07\\x1b\[2J\\x0d\\x0aFAKE\n$/);
  });

  await t.step("JSON lines keep the exact value in properties", async () => {
    const lines: string[] = [];
    await setupLogging("normal", "json", (line) => lines.push(line));
    log.info("M-SEARCH from {from}", { event: "search", from: "10.0.0.2:5000" });
    const record = JSON.parse(lines[0]);
    assertEquals(record.level, "INFO");
    assertEquals(record.properties, { event: "search", from: "10.0.0.2:5000" });
  });

  await t.step("-q keeps warnings only, -v adds debug", async () => {
    const quiet: string[] = [];
    await setupLogging("quiet", "text", (line) => quiet.push(line));
    log.info("info");
    log.warn("warn");
    assertEquals(quiet.length, 1);
    const verbose: string[] = [];
    await setupLogging("verbose", "text", (line) => verbose.push(line));
    log.debug("debug");
    assertEquals(verbose.length, 1);
  });

  await t.step("escapeControls leaves printable text alone", () => {
    assertEquals(escapeControls("Canon EOS R6 – ü ✓"), "Canon EOS R6 – ü ✓");
    assertEquals(escapeControls("\u0085\u009b"), "\\x85\\x9b");
  });
});
