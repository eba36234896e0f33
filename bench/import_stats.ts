/**
 * The import bench's arithmetic and report, pure: throughput of each tool per run, the paired ratio
 * ours ÷ gphoto2, the memory of our import while it streams a large file against its idle, and the
 * time of an import that finds nothing new. `bench/import.ts` measures; this judges and prints.
 *
 * @module
 */

import { formatRatio, formatTable, median, type Section, type TargetCheck } from "./stats.ts";

/** The two importers measured. */
export type ImportTool = "ours" | "gphoto2";

/** How each tool is named in the report. */
export const IMPORT_TOOL_LABELS: Record<ImportTool, string> = {
  ours: "ours (import)",
  gphoto2: "gphoto2 -P --skip-existing",
};

/** One import of the whole card into an empty folder. */
export interface ImportRun {
  tool: ImportTool;
  /** 0-based run index: the two tools' imports of one run are paired. */
  run: number;
  /** Wall time from the start of the process to its exit, seconds. */
  seconds: number;
  /** Bytes copied (checked byte for byte against the card). */
  bytes: number;
  /** Files copied. */
  files: number;
  /** The process's VmHWM in its last sample before it ended, KiB. */
  peakKiB?: number;
}

/** Our import's memory around the large file, one run. */
export interface RssRun {
  run: number;
  /** The large file's size, bytes. */
  fileBytes: number;
  /**
   * Idle: VmHWM of the same command importing the same card again (connects, lists, finds
   * nothing new, copies nothing), KiB.
   */
  idleHwmKiB: number;
  /** VmRSS sampled after the session opened and the card was listed, before the transfer, KiB. */
  beforeTransferKiB: number;
  /** The largest VmRSS sampled while the large file was transferred, KiB. */
  transferPeakKiB: number;
  /** VmHWM in the last sample of the importing process, KiB. */
  hwmKiB: number;
  /** How many samples fell in the transfer. */
  transferSamples: number;
}

/** An import of a card of many small photos, then imports again that must copy nothing. */
export interface ReimportRun {
  tool: ImportTool;
  /** Photos on the card. */
  photos: number;
  /** The first import into an empty folder, seconds. */
  firstSeconds: number;
  /** Each import again, seconds. */
  againSeconds: number[];
  /** Object transfers (GetObject, GetPartialObject) the camera served during the imports again. */
  transfersAgain: number;
  /** Operations the camera answered in the last import again (round trips over the network). */
  requestsAgain: number;
}

/** Everything the import bench measured. */
export interface ImportResults {
  /** The card of the throughput runs. */
  card: { files: number; bytes: number; largest: number };
  runs: ImportRun[];
  rss: RssRun[];
  reimport: ReimportRun[];
  /** Tools or phases left out, with why. */
  notMeasured: Record<string, string>;
}

/** The import targets: throughput beside gphoto2's, memory, importing again. */
export const IMPORT_TARGETS = {
  /** Our throughput ÷ gphoto2's, paired within a run. */
  throughputVsGphoto2: 1.0,
  /** RSS while importing the large file minus idle, bytes (16 MB, decimal). */
  rssOverIdleBytes: 16_000_000,
  /** An import that finds everything imported, 1,000 photos on the card, seconds. */
  reimportSeconds: 1.0,
} as const;

/** Decimal megabytes per second of one import. */
export function throughput(run: ImportRun): number {
  return run.bytes / 1e6 / run.seconds;
}

/** Median throughput of one tool over its runs, MB/s. */
export function medianThroughput(runs: readonly ImportRun[], tool: ImportTool): number {
  return median(runs.filter((r) => r.tool === tool).map(throughput));
}

/** Median over runs of ours' throughput ÷ gphoto2's within the same run. */
export function pairedThroughputRatio(runs: readonly ImportRun[]): number {
  const ratios: number[] = [];
  for (const ours of runs.filter((r) => r.tool === "ours")) {
    const peer = runs.find((r) => r.tool === "gphoto2" && r.run === ours.run);
    if (peer) ratios.push(throughput(ours) / throughput(peer));
  }
  return median(ratios);
}

/**
 * What streaming the large file cost in memory, KiB: the worse of the peak RSS sampled during the
 * transfer over the RSS sampled just before it, and the process's VmHWM over the idle import's.
 */
export function rssOverIdleKiB(r: RssRun): number {
  return Math.max(r.transferPeakKiB - r.beforeTransferKiB, r.hwmKiB - r.idleHwmKiB);
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a";
/** KiB as decimal MB, the unit of the rest of the report. */
const mb = (kib: number) => fixed((kib * 1024) / 1e6, 1);

/** PASS/FAIL of the import targets; `pass: undefined` where a side was not measured. */
export function importTargets(r: ImportResults): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = pairedThroughputRatio(r.runs);
  checks.push({
    target: `import throughput ≥ ${IMPORT_TARGETS.throughputVsGphoto2}× gphoto2's (same card)`,
    measured: formatRatio(ratio, 3),
    pass: Number.isFinite(ratio) ? ratio >= IMPORT_TARGETS.throughputVsGphoto2 : undefined,
  });
  const over = median(r.rss.map(rssOverIdleKiB));
  checks.push({
    target: "RSS importing the large file ≤ idle + 16 MB",
    measured: Number.isFinite(over) ? `+${mb(over)} MB` : "n/a",
    pass: Number.isFinite(over) ? over * 1024 <= IMPORT_TARGETS.rssOverIdleBytes : undefined,
  });
  const ours = r.reimport.find((x) => x.tool === "ours");
  const slowest = ours && ours.againSeconds.length ? Math.max(...ours.againSeconds) : NaN;
  checks.push({
    target: `importing again copies nothing, < 1 s for ${ours?.photos ?? "1 000"} photos`,
    measured: ours ? `${ours.transfersAgain} transfers, slowest ${fixed(slowest, 2)} s` : "n/a",
    pass: ours && Number.isFinite(slowest)
      ? ours.transfersAgain === 0 && slowest < IMPORT_TARGETS.reimportSeconds
      : undefined,
  });
  return checks;
}

/** The import bench's tables: throughput, memory, importing again. */
export function importSections(r: ImportResults): Section[] {
  const sections: Section[] = [];
  const tools = (["ours", "gphoto2"] as const).filter((t) => r.runs.some((x) => x.tool === t));
  if (tools.length) {
    const runsOf = (t: ImportTool) => r.runs.filter((x) => x.tool === t);
    sections.push({
      title: `Import of ${r.card.files} files, ${fixed(r.card.bytes / 1e6, 0)} MB (largest ${
        fixed(r.card.largest / 1e6, 0)
      } MB), into an empty folder: medians`,
      table: formatTable(
        ["tool", "runs", "seconds", "MB/s", "MB/s per run", "peak RSS MB"],
        tools.map((t) => [
          IMPORT_TOOL_LABELS[t],
          String(runsOf(t).length),
          fixed(median(runsOf(t).map((x) => x.seconds)), 2),
          fixed(medianThroughput(r.runs, t), 1),
          runsOf(t).map((x) => fixed(throughput(x), 1)).join(", "),
          mb(median(runsOf(t).map((x) => x.peakKiB ?? NaN))),
        ]),
      ),
    });
    if (tools.length === 2) {
      sections.push({
        title: "Import: ours ÷ gphoto2, throughput paired within each run",
        table: formatTable(["ratio (median)", "per run"], [[
          formatRatio(pairedThroughputRatio(r.runs), 3),
          r.runs.filter((x) => x.tool === "ours").map((o) => {
            const g = r.runs.find((x) => x.tool === "gphoto2" && x.run === o.run);
            return g ? formatRatio(throughput(o) / throughput(g), 3) : "n/a";
          }).join(", "),
        ]]),
      });
    }
  }
  if (r.rss.length) {
    const m = (f: (x: RssRun) => number) => median(r.rss.map(f));
    sections.push({
      title: `Import: our RSS while streaming a ${
        fixed(r.rss[0].fileBytes / 1e6, 0)
      } MB file, MB (medians of ${r.rss.length} runs; sampled every 20 ms)`,
      table: formatTable(
        [
          "idle: VmHWM importing again",
          "VmRSS before the transfer",
          "VmRSS peak in the transfer",
          "VmHWM at the end",
          "over idle (worse of the two)",
          "samples in transfer",
        ],
        [[
          mb(m((x) => x.idleHwmKiB)),
          mb(m((x) => x.beforeTransferKiB)),
          mb(m((x) => x.transferPeakKiB)),
          mb(m((x) => x.hwmKiB)),
          `+${mb(m(rssOverIdleKiB))}`,
          fixed(m((x) => x.transferSamples), 0),
        ]],
      ),
    });
  }
  if (r.reimport.length) {
    sections.push({
      title: "Import again: a card of many small photos, all already imported",
      table: formatTable(
        [
          "tool",
          "photos",
          "first import s",
          "again: median s",
          "again: slowest s",
          "transfers",
          "operations",
        ],
        r.reimport.map((x) => [
          IMPORT_TOOL_LABELS[x.tool],
          String(x.photos),
          fixed(x.firstSeconds, 2),
          fixed(median(x.againSeconds), 2),
          fixed(x.againSeconds.length ? Math.max(...x.againSeconds) : NaN, 2),
          String(x.transfersAgain),
          String(x.requestsAgain),
        ]),
      ),
    });
  }
  return sections;
}
