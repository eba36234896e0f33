// The import as the user reads it: sizes, times, the live line, the event lines and the summary.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  formatBytes,
  formatRate,
  formatSeconds,
  ImportReporter,
  progressBar,
  progressText,
  safeName,
} from "../../lib/terminal/import_progress.ts";
import { logEvent, setupLogging } from "../../lib/terminal/log.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { FakeClock } from "../support/clock.ts";

Deno.test("import progress formatting", async (t) => {
  await t.step("sizes in decimal units, rounded without reading 1000.0", () => {
    assertEquals(formatBytes(0), "0 B");
    assertEquals(formatBytes(999), "999 B");
    assertEquals(formatBytes(1000), "1.0 kB");
    assertEquals(formatBytes(84_100_000), "84.1 MB");
    assertEquals(formatBytes(999_960), "1.0 MB");
    assertEquals(formatBytes(2_300_000_000), "2.30 GB");
    assertEquals(formatBytes(-1), "? B");
    assertEquals(formatBytes(NaN), "? B");
  });

  await t.step("seconds: one decimal under a minute, whole above", () => {
    assertEquals(formatSeconds(9_300), "9.3");
    assertEquals(formatSeconds(49), "0.0");
    assertEquals(formatSeconds(125_400), "125");
    assertEquals(formatSeconds(-5), "0.0");
  });

  await t.step("rate: nothing to say before there is something to measure", () => {
    assertEquals(formatRate(0, 1000), "…");
    assertEquals(formatRate(1000, 10), "…");
    assertEquals(formatRate(4_200_000, 1000), "4.2 MB/s");
  });

  await t.step("names from the camera cannot steer the terminal, and are cut from the left", () => {
    assertEquals(safeName("IMG_0001.JPG"), "IMG_0001.JPG");
    assertEquals(safeName("a\x1b[2Jb\r\n\u202eGPJ.exe"), "a?[2Jb???GPJ.exe");
    assertEquals(safeName("\u009b31m\u200b"), "?31m?");
    assertEquals(safeName("a\u2066b\u{e0041}c\u00add"), "a?b?c?d");
    const long = safeName(`${"x".repeat(100)}IMG_0001.JPG`, 20);
    assertEquals([...long].length, 20);
    assert(long.startsWith("…") && long.endsWith("IMG_0001.JPG"), long);
  });

  await t.step("the bar fills with the file, clamped", () => {
    assertEquals(progressBar(0, 4), "[----]");
    assertEquals(progressBar(0.5, 4), "[##--]");
    assertEquals(progressBar(2, 4), "[####]");
    assertEquals(progressBar(NaN, 4), "[----]");
  });

  await t.step("the live line: count, bar, name, bytes of the file, rate of the run", () => {
    assertEquals(
      progressText({
        name: "IMG_0003.JPG",
        index: 3,
        total: 12,
        fileBytes: 2_100_000,
        fileSize: 5_300_000,
        copiedBytes: 8_400_000,
        elapsedMs: 2000,
      }),
      "3/12 [#######-------------] IMG_0003.JPG 2.1 MB of 5.3 MB, 4.2 MB/s",
    );
    const hostile = progressText({
      name: "\x1b]0;x\x07.JPG",
      index: 1,
      total: 1,
      fileBytes: 0,
      fileSize: 0,
      copiedBytes: 0,
      elapsedMs: 0,
    });
    // deno-lint-ignore no-control-regex
    assert(!/[\x00-\x1f]/.test(hostile), JSON.stringify(hostile));
  });
});

Deno.test("import events as log lines", async (t) => {
  const summary = {
    event: "import-summary" as const,
    camera: "10.0.0.2",
    imported: 12,
    bytes: 84_100_000,
    size: "84.1 MB",
    seconds: "9.3",
    skipped: 230,
  };

  await t.step("the summary reads as one sentence, and survives -q", () => {
    const lines: string[] = [];
    setupLogging("quiet", "text", (line) => lines.push(line));
    logEvent({ event: "photo-imported", path: "/p/a.jpg", bytes: 1, ms: 2, size: "1 B" });
    logEvent(summary);
    assertEquals(lines.length, 1);
    assertMatch(
      lines[0],
      / INF imported 12 new photos, 84\.1 MB in 9\.3 s; 230 already imported\n$/,
    );
  });

  await t.step("one photo is singular; nothing skipped says nothing about it", () => {
    const lines: string[] = [];
    setupLogging("normal", "text", (line) => lines.push(line));
    logEvent({ ...summary, imported: 1, size: "5.0 MB", skipped: 0 });
    assertMatch(lines[0], / imported 1 new photo, 5\.0 MB in 9\.3 s\n$/);
  });

  await t.step("with --log-format json every line is one object with the exact numbers", () => {
    const lines: string[] = [];
    setupLogging("normal", "json", (line) => lines.push(line));
    logEvent({ event: "import-start", camera: "10.0.0.2", model: "Canon EOS M50", to: "/p" });
    logEvent({ event: "photo-imported", path: "/p/a.jpg", bytes: 1234, ms: 56, size: "1.2 kB" });
    logEvent(summary);
    const records = lines.map((line) => JSON.parse(line));
    assertEquals(records.map((r) => r.properties.event), [
      "import-start",
      "photo-imported",
      "import-summary",
    ]);
    assertEquals(records[1].properties.bytes, 1234);
    assertEquals(records[1].message, "imported /p/a.jpg (1.2 kB in 56 ms)");
    assertEquals(records[2].properties.imported, 12);
    assertEquals(
      records[2].message,
      "imported 12 new photos, 84.1 MB in 9.3 s; 230 already imported",
    );
    assertEquals(records[0].message, "importing from Canon EOS M50 at 10.0.0.2 into /p");
  });
});

Deno.test("ImportReporter", async (t) => {
  const run = (terminal: boolean) => {
    const events: ServeEvent[] = [];
    const shown: string[] = [];
    const clock = new FakeClock(1000);
    const reporter = new ImportReporter({
      emit: (e) => events.push(e),
      status: terminal ? (text) => shown.push(text) : undefined,
      clock,
    });
    const tick = (ms: number) => clock.advance(ms);
    return { events, shown, reporter, tick };
  };

  await t.step("off a terminal: a line per photo with its size and time, none per chunk", () => {
    const { events, reporter, tick } = run(false);
    reporter.handle({ kind: "listing" });
    reporter.handle({ kind: "listed", objects: 5, toImport: 2 });
    reporter.handle({
      kind: "file-start",
      name: "IMG_0001.JPG",
      path: "/p/IMG_0001.JPG",
      size: 2000,
      offset: 0,
      index: 1,
      total: 2,
    });
    tick(40);
    reporter.handle({ kind: "bytes", name: "IMG_0001.JPG", done: 2000, size: 2000 });
    reporter.handle({ kind: "file-done", name: "IMG_0001.JPG", path: "/p/a.jpg", size: 2000 });
    reporter.handle({ kind: "file-failed", name: "IMG_0002.JPG", reason: "deleted" });
    assertEquals(events, [
      { event: "import-listed", objects: 5, toImport: 2 },
      { event: "photo-imported", path: "/p/a.jpg", bytes: 2000, ms: 40, size: "2.0 kB" },
      { event: "photo-failed", name: "IMG_0002.JPG", reason: "deleted" },
    ]);
    assertEquals(reporter.copiedBytes, 2000);
  });

  await t.step("on a terminal: one line redrawn at most every 100 ms, no line per photo", () => {
    const { events, shown, reporter, tick } = run(true);
    reporter.handle({ kind: "listing" });
    assertEquals(shown, ["listing the photos on the camera…"]);
    // Listing a big card takes a while: the rate counts from the first file, not from here.
    tick(5000);
    // A resumed file: the bar starts where the partial file ends, the rate counts only new bytes.
    reporter.handle({
      kind: "file-start",
      name: "IMG_0003.JPG",
      path: "/p/IMG_0003.JPG",
      size: 4_000_000,
      offset: 1_000_000,
      index: 3,
      total: 12,
    });
    assertEquals(shown.length, 2);
    assertMatch(shown[1], /^3\/12 \[#####-+\] IMG_0003\.JPG 1\.0 MB of 4\.0 MB, …$/);
    tick(50);
    reporter.handle({ kind: "bytes", name: "IMG_0003.JPG", done: 2_000_000, size: 4_000_000 });
    assertEquals(shown.length, 2, "no redraw within 100 ms");
    tick(950);
    reporter.handle({ kind: "bytes", name: "IMG_0003.JPG", done: 3_000_000, size: 4_000_000 });
    assertEquals(shown[2], "3/12 [###############-----] IMG_0003.JPG 3.0 MB of 4.0 MB, 2.0 MB/s");
    reporter.handle({ kind: "file-done", name: "IMG_0003.JPG", path: "/p/c.jpg", size: 4_000_000 });
    assertEquals(events, []);
    assertEquals(reporter.copiedBytes, 2_000_000);
  });
});
