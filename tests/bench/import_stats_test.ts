import { assert, assertEquals } from "../support/assert.ts";
import {
  type ImportResults,
  type ImportRun,
  importSections,
  importTargets,
  medianThroughput,
  pairedThroughputRatio,
  rssOverIdleKiB,
  type RssRun,
  throughput,
} from "../../bench/import_stats.ts";

const run = (tool: ImportRun["tool"], r: number, seconds: number): ImportRun => ({
  tool,
  run: r,
  seconds,
  bytes: 400_000_000,
  files: 21,
});

const rss = (over: Partial<RssRun> = {}): RssRun => ({
  run: 0,
  fileBytes: 300_000_000,
  idleHwmKiB: 45_000,
  beforeTransferKiB: 44_000,
  transferPeakKiB: 50_000,
  hwmKiB: 51_000,
  transferSamples: 60,
  ...over,
});

function results(over: Partial<ImportResults> = {}): ImportResults {
  return {
    card: { files: 21, bytes: 400_000_000, largest: 300_000_000 },
    runs: [run("ours", 0, 4), run("gphoto2", 0, 8), run("ours", 1, 5), run("gphoto2", 1, 4)],
    rss: [rss()],
    reimport: [{
      tool: "ours",
      photos: 1000,
      firstSeconds: 5,
      againSeconds: [0.6, 0.7, 0.8],
      transfersAgain: 0,
      requestsAgain: 1008,
    }],
    notMeasured: {},
    ...over,
  };
}

Deno.test("throughput is decimal MB per second of wall time", () => {
  assertEquals(throughput(run("ours", 0, 4)), 100);
  assertEquals(medianThroughput(results().runs, "gphoto2"), 75);
});

Deno.test("the ratio pairs the two tools within a run, then takes the median", () => {
  // Run 0: 100 / 50 = 2; run 1: 80 / 100 = 0.8; the median of the two is 1.4, not the ratio of
  // the medians (90 / 75 = 1.2).
  assertEquals(pairedThroughputRatio(results().runs), 1.4);
  assert(Number.isNaN(pairedThroughputRatio([run("ours", 0, 4)])), "no peer, no ratio");
});

Deno.test("RSS over idle is the worse of sampled peak over before and HWM over idle HWM", () => {
  assertEquals(rssOverIdleKiB(rss()), 6_000);
  assertEquals(rssOverIdleKiB(rss({ hwmKiB: 70_000 })), 25_000);
});

Deno.test("the targets pass and fail on their thresholds", async (t) => {
  await t.step("all met", () => {
    assertEquals(importTargets(results()).map((c) => c.pass), [true, true, true]);
  });
  await t.step("slower than gphoto2, 16 MB over idle, a re-import that copies", () => {
    const checks = importTargets(results({
      runs: [run("ours", 0, 9), run("gphoto2", 0, 8)],
      // 15 626 KiB = 16.000 MB + a little: over the line.
      rss: [rss({ transferPeakKiB: 44_000 + 15_626, hwmKiB: 45_000 })],
      reimport: [{ ...results().reimport[0], transfersAgain: 1 }],
    }));
    assertEquals(checks.map((c) => c.pass), [false, false, false]);
  });
  await t.step("a re-import over 1 s fails even when nothing was copied", () => {
    const checks = importTargets(results({
      reimport: [{ ...results().reimport[0], againSeconds: [0.5, 1.2] }],
    }));
    assertEquals(checks[2].pass, false);
  });
  await t.step("a side not measured cannot be judged", () => {
    const checks = importTargets(results({ runs: [run("gphoto2", 0, 8)], rss: [], reimport: [] }));
    assertEquals(checks.map((c) => c.pass), [undefined, undefined, undefined]);
  });
});

Deno.test("the report has a table per part that ran", () => {
  const titles = importSections(results()).map((s) => s.title);
  assertEquals(titles.length, 4);
  assert(titles[1].includes("paired"), titles[1]);
  assertEquals(importSections(results({ runs: [], rss: [], reimport: [] })), []);
});
