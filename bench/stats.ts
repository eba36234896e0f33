/**
 * The benchmark's arithmetic and presentation, kept pure so it is unit-tested
 * (`tests/bench/stats_test.ts`) apart from the slow system bench that feeds it: percentiles of latency
 * samples, medians over runs, ratios of the helper to each peer paired run by run, the target checks
 * and the tables printed and copied into the README.
 *
 * @module
 */

/**
 * Who is measured: the helper in three settings and the peers it is compared with. `ours` is `-q`
 * with the limits off (the id predates the others, and earlier results.json files use it);
 * `ours-defaults` is what users run: INFO logging and the abuse limits on.
 */
export type SubjectId =
  | "c-ceiling"
  | "deno-bare"
  | "node-ssdp"
  | "python-ssdpy"
  | "ours"
  | "ours-info"
  | "ours-defaults";

/** Human names of the subjects, as the tables show them. */
export const SUBJECT_LABELS: Record<SubjectId, string> = {
  "c-ceiling": "C ceiling",
  "deno-bare": "bare Deno",
  "node-ssdp": "node-ssdp",
  "python-ssdpy": "Python (ssdpy 0.4.1)",
  "ours": "ours (-q, limits off)",
  "ours-info": "ours (INFO, limits off)",
  "ours-defaults": "ours (defaults: INFO, limits on)",
};

/** The helper's settings, in table order. */
export const OURS: readonly SubjectId[] = ["ours-defaults", "ours-info", "ours"];

/** Short names of the helper's settings, for cells that list them. */
const SETTING: Partial<Record<SubjectId, string>> = {
  "ours-defaults": "defaults",
  "ours-info": "INFO",
  "ours": "-q",
};

/** The peers the helper is compared with, in table order. */
export const PEERS: readonly SubjectId[] = ["c-ceiling", "deno-bare", "node-ssdp", "python-ssdpy"];

/** Latency percentiles of one measurement, in microseconds. */
export interface LatencySummary {
  count: number;
  p50Us: number;
  p99Us: number;
  maxUs: number;
}

/** One closed-loop level: N clients, each waiting for its answer before the next search. */
export interface ClosedResult extends LatencySummary {
  clients: number;
  /** Answers per second over the measured window. */
  rate: number;
  /** Searches not answered within the loop's timeout. */
  timeouts: number;
}

/** Open-loop traffic: only qualifying searches, or 5% of them among 95% chatter. */
export type Mix = "qualifying" | "chatter";

/** One open-loop step at a fixed offered rate. */
export interface OpenResult {
  /** Offered datagrams per second (qualifying and chatter together). */
  offered: number;
  mix: Mix;
  /** What the generator managed to send, per second. */
  achievedRate: number;
  qualifyingSent: number;
  qualifyingAnswered: number;
  chatterSent: number;
  /** Answers to chatter: 0 for anything that parses, all of it for the bare responders. */
  chatterAnswered: number;
  /** Datagrams the kernel dropped because the responder's receive buffer was full (RcvbufErrors). */
  responderDrops?: number;
  /** CPU time (user + system, all threads) the subject spent during the step, ms. */
  cpuMs?: number;
  /** Lines the subject logged during the step. */
  logLines?: number;
}

/** Searches paced like a camera's (one every `intervalMs`), their latency and what was logged. */
export interface PacedResult extends LatencySummary {
  intervalMs: number;
  answers: number;
  timeouts: number;
  /** Lines the subject logged meanwhile: one per answered search is what a user relies on. */
  logLines: number;
}

/** One description-server level: N connections, each a fresh TCP connection per request. */
export interface HttpResult extends LatencySummary {
  conns: number;
  /** Responses per second. */
  rate: number;
  errors: number;
  timeouts: number;
}

/** Everything measured of one subject in one run (one process start). */
export interface SubjectRun {
  subject: SubjectId;
  run: number;
  /** From process start (fork) to the first answer and the first description, µs. */
  firstAnswerUs: number;
  firstDescriptionUs?: number;
  /** VmRSS of the program process right after start-up, KiB. */
  rssAfterStartKiB?: number;
  closed: ClosedResult[];
  open: OpenResult[];
  http: HttpResult[];
  /** VmRSS after every load phase of the run, KiB. */
  rssAfterLoadKiB?: number;
  /** Log lines written while chatter was offered, and what was offered meanwhile. */
  chatterLog?: { lines: number; chatterSent: number; qualifyingSent: number };
  /** At a camera's rate (the defaults, whose limits make a closed loop meaningless). */
  paced?: PacedResult;
  /** A flood of qualifying searches from one source, mostly refused by the limits (the defaults). */
  refusals?: OpenResult[];
}

/** The memory test of one subject: RSS before and after a million datagrams. */
export interface MemoryResult {
  subject: SubjectId;
  rssAfterStartKiB: number;
  /** After the warm-up traffic, right before the million datagrams. */
  rssBeforeKiB: number;
  rssAfterKiB: number;
  /** VmHWM at the end: the peak. */
  peakKiB: number;
  datagrams: number;
  seconds: number;
  qualifyingSent: number;
  qualifyingAnswered: number;
}

/** Nearest-rank percentile of ascending `sorted` (`p` in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50, p99 and max of latency samples given in nanoseconds (the generator's unit), in µs. */
export function latencySummary(samplesNs: Uint32Array): LatencySummary {
  const sorted = samplesNs.slice().sort();
  const us = (ns: number) => ns / 1000;
  return {
    count: sorted.length,
    p50Us: us(percentile(sorted, 50)),
    p99Us: us(percentile(sorted, 99)),
    maxUs: us(sorted.length ? sorted[sorted.length - 1] : NaN),
  };
}

/** Median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Picks one number out of a subject's run; `undefined` when that run did not measure it. */
export type Pick = (run: SubjectRun) => number | undefined;

/** Median over runs of one subject's metric. */
export function medianOf(runs: readonly SubjectRun[], subject: SubjectId, pick: Pick): number {
  return median(
    runs.filter((r) => r.subject === subject).map(pick).filter((v) => v !== undefined),
  );
}

/**
 * Median over runs of `a`'s metric divided by `b`'s, each ratio taken within one run, so that a noisy
 * moment of the machine weighs on both sides of a ratio rather than on one subject alone.
 */
export function pairedRatio(
  runs: readonly SubjectRun[],
  a: SubjectId,
  b: SubjectId,
  pick: Pick,
): number {
  const ratios: number[] = [];
  for (const ra of runs.filter((r) => r.subject === a)) {
    const rb = runs.find((r) => r.subject === b && r.run === ra.run);
    if (!rb) continue;
    const va = pick(ra);
    const vb = pick(rb);
    if (va === undefined || vb === undefined || !(vb > 0)) continue;
    ratios.push(va / vb);
  }
  return median(ratios);
}

/** CPU µs the subject spent per datagram offered in one step; NaN when not measured. */
export function cpuUsPerDatagram(step: OpenResult): number {
  const sent = step.qualifyingSent + step.chatterSent;
  return step.cpuMs !== undefined && sent > 0 ? (step.cpuMs * 1000) / sent : NaN;
}

/** Fraction of qualifying searches answered in one open-loop step. */
export function answeredFraction(step: OpenResult): number {
  return step.qualifyingSent > 0 ? step.qualifyingAnswered / step.qualifyingSent : NaN;
}

/** A pick for the closed-loop answers/s at `clients`. */
export const closedRate = (clients: number): Pick => (r) =>
  r.closed.find((c) => c.clients === clients)?.rate;

/** A pick for the closed-loop p99 at `clients`. */
export const closedP99 = (clients: number): Pick => (r) =>
  r.closed.find((c) => c.clients === clients)?.p99Us;

/** A pick for the open-loop answered fraction at an offered rate and mix. */
export const openFraction = (offered: number, mix: Mix): Pick => (r) => {
  const step = r.open.find((o) => o.offered === offered && o.mix === mix);
  return step ? answeredFraction(step) : undefined;
};

/** The thresholds, named once so the checks and bench/README.md agree. */
export const TARGETS = {
  /** The concurrency the rate and p99 targets are judged at. */
  loadClients: 16,
  rateVsBareDeno: 1.5,
  rateVsCeiling: 0.25,
  p99VsCeiling: 4,
  rateVsNode: 2,
  p99VsNode: 0.5,
  /** "Fully answered" for the C ceiling: what a responder that keeps up gets over UDP. */
  fully: 0.999,
  openLoopAnswered: 0.99,
  openLoopMaxRate: 40_000,
  /** "All answered" among chatter, allowing one in a thousand for UDP on a noisy 2-core machine. */
  chatterAnswered: 0.999,
  /** 50 MB, decimal: the stricter reading. */
  rssAfterLoadBytes: 50_000_000,
  growthMiB: 2,
  startupVsBareDeno: 1.2,
  /** Logging at INFO: answers/s at 16 clients against -q's, and p99 at 1 client. */
  infoRateVsQuiet: 0.8,
  infoP99VsQuiet: 1.5,
  /** Start-up at the defaults: start → first answer against the bare responder's and Python's. */
  defaultsStartVsBareDeno: 1.1,
  defaultsStartVsPython: 1,
  /** Memory at the defaults: decimal MB, idle and after the load phases of a run. */
  idleRssBytes: 40_000_000,
  loadedRssBytes: 45_000_000,
} as const;

/** One target: what was measured and whether it passed; `pass: undefined` when it could not be judged. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean | undefined;
}

/** The offered rates of a mix the C ceiling answered fully (median over runs), ascending. */
export function ceilingFullRates(runs: readonly SubjectRun[], mix: Mix, maxRate: number): number[] {
  const offered = [
    ...new Set(
      runs.filter((r) => r.subject === "c-ceiling").flatMap((r) =>
        r.open.filter((o) => o.mix === mix).map((o) => o.offered)
      ),
    ),
  ].sort((a, b) => a - b);
  return offered.filter((rate) =>
    rate <= maxRate && medianOf(runs, "c-ceiling", openFraction(rate, mix)) >= TARGETS.fully
  );
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "n/a";

/** `1.53×`, or `n/a`; targets use 3 digits so that a 1.497× never shows as a failing `1.50×`. */
export function formatRatio(value: number, digits = 2): string {
  return Number.isFinite(value) ? `${value.toFixed(digits)}×` : "n/a";
}

/** `99.95%`, or `n/a`. */
export function formatPercent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(2)}%` : "n/a";
}

/** Rates with thousands separators: `27 310`. */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

/** µs with sensible precision: `12.3`, `845`, `3 310`. */
export function formatUs(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return value < 100 ? value.toFixed(1) : formatRate(value);
}

function judge(value: number, ok: (v: number) => boolean): boolean | undefined {
  return Number.isFinite(value) ? ok(value) : undefined;
}

/**
 * Every target, judged on medians (and medians of paired ratios) over the runs: first the
 * responder's under load (-q, limits off), then those of the settings users run (`logging`,
 * `start-up` and `memory`, at INFO and at the defaults).
 */
export function evaluateTargets(
  runs: readonly SubjectRun[],
  memory: readonly MemoryResult[],
): TargetCheck[] {
  const t = TARGETS;
  const n = t.loadClients;
  const checks: TargetCheck[] = [];
  const ratioCheck = (
    target: string,
    peer: SubjectId,
    pick: Pick,
    ok: (v: number) => boolean,
    subject: SubjectId = "ours",
  ) => {
    const value = pairedRatio(runs, subject, peer, pick);
    checks.push({ target, measured: formatRatio(value, 3), pass: judge(value, ok) });
  };
  ratioCheck(
    `answers/s at ${n} clients ≥ ${t.rateVsBareDeno}× bare Deno`,
    "deno-bare",
    closedRate(n),
    (v) => v >= t.rateVsBareDeno,
  );
  ratioCheck(
    `answers/s at ${n} clients ≥ ${t.rateVsCeiling}× C ceiling`,
    "c-ceiling",
    closedRate(n),
    (v) => v >= t.rateVsCeiling,
  );
  ratioCheck(
    `p99 at ${n} clients ≤ ${t.p99VsCeiling}× C ceiling`,
    "c-ceiling",
    closedP99(n),
    (v) => v <= t.p99VsCeiling,
  );
  ratioCheck(
    `answers/s at ${n} clients ≥ ${t.rateVsNode}× node-ssdp`,
    "node-ssdp",
    closedRate(n),
    (v) => v >= t.rateVsNode,
  );
  ratioCheck(
    `p99 at ${n} clients ≤ ${t.p99VsNode}× node-ssdp`,
    "node-ssdp",
    closedP99(n),
    (v) => v <= t.p99VsNode,
  );

  checks.push(openLoopCheck(
    runs,
    "ours",
    "qualifying",
    t.openLoopMaxRate,
    t.openLoopAnswered,
    `open loop ≥ ${t.openLoopAnswered * 100}% answered at every rate ≤ ${
      t.openLoopMaxRate / 1000
    }k/s the C ceiling answers fully`,
  ));
  checks.push(openLoopCheck(
    runs,
    "ours",
    "chatter",
    Infinity,
    t.chatterAnswered,
    `under 95% chatter, qualifying searches all (≥ ${
      t.chatterAnswered * 100
    }%) answered at every rate the C ceiling answers fully`,
  ));

  const mem = memory.find((m) => m.subject === "ours");
  const rssMB = mem ? (mem.rssAfterKiB * 1024) / 1e6 : NaN;
  checks.push({
    target: `RSS after load ≤ ${t.rssAfterLoadBytes / 1e6} MB`,
    measured: `${fixed(rssMB, 1)} MB`,
    pass: judge(rssMB, (v) => v <= t.rssAfterLoadBytes / 1e6),
  });
  const growth = mem ? (mem.rssAfterKiB - mem.rssBeforeKiB) / 1024 : NaN;
  checks.push({
    target: `RSS growth over ${
      mem ? formatRate(mem.datagrams) : "1 000 000"
    } datagrams ≤ ${t.growthMiB} MiB`,
    measured: `${fixed(growth, 2)} MiB`,
    pass: judge(growth, (v) => v <= t.growthMiB),
  });
  ratioCheck(
    `start-up to first answer ≤ ${t.startupVsBareDeno}× bare Deno`,
    "deno-bare",
    (r) => r.firstAnswerUs,
    (v) => v <= t.startupVsBareDeno,
  );

  if (runs.some((r) => r.subject === "ours-info")) {
    checks.push(openLoopCheck(
      runs,
      "ours-info",
      "chatter",
      Infinity,
      t.chatterAnswered,
      "at INFO: under 95% chatter, qualifying searches all answered (same rule as -q)",
    ));
    checks.push(chatterLoggingCheck(runs));
  }

  // The settings users run. Each judged only where its subjects ran, n/a otherwise.
  ratioCheck(
    `logging, at INFO: answers/s at ${n} clients ≥ ${t.infoRateVsQuiet}× -q`,
    "ours",
    closedRate(n),
    (v) => v >= t.infoRateVsQuiet,
    "ours-info",
  );
  ratioCheck(
    `logging, at INFO: p99 at 1 client ≤ ${t.infoP99VsQuiet}× -q`,
    "ours",
    closedP99(1),
    (v) => v <= t.infoP99VsQuiet,
    "ours-info",
  );
  checks.push(openLoopCheck(
    runs,
    "ours-info",
    "qualifying",
    t.openLoopMaxRate,
    t.openLoopAnswered,
    `logging, at INFO: open loop ≥ ${t.openLoopAnswered * 100}% answered at every rate ≤ ${
      t.openLoopMaxRate / 1000
    }k/s the C ceiling answers fully`,
  ));
  checks.push(answerLoggingCheck(runs));
  ratioCheck(
    `start-up, defaults: first answer ≤ ${t.defaultsStartVsBareDeno}× bare Deno`,
    "deno-bare",
    (r) => r.firstAnswerUs,
    (v) => v <= t.defaultsStartVsBareDeno,
    "ours-defaults",
  );
  ratioCheck(
    `start-up, defaults: first answer ≤ ${t.defaultsStartVsPython}× Python (ssdpy)`,
    "python-ssdpy",
    (r) => r.firstAnswerUs,
    (v) => v <= t.defaultsStartVsPython,
    "ours-defaults",
  );
  const idle = medianOf(runs, "ours-defaults", (r) => r.rssAfterStartKiB) * 1024 / 1e6;
  checks.push({
    target: `memory, defaults: idle RSS ≤ ${t.idleRssBytes / 1e6} MB`,
    measured: `${fixed(idle, 1)} MB`,
    pass: judge(idle, (v) => v <= t.idleRssBytes / 1e6),
  });
  checks.push(loadedRssCheck(runs));
  return checks;
}

/**
 * RSS after a run's load phases, for every setting of the helper that ran: the worst median is
 * judged, since a user may run any of them.
 */
export function loadedRssCheck(runs: readonly SubjectRun[]): TargetCheck {
  const limit = TARGETS.loadedRssBytes / 1e6;
  const target = `memory: RSS after the load phases ≤ ${limit} MB (each setting of ours)`;
  const measured = OURS.map((s) => ({
    s,
    mb: medianOf(runs, s, (r) => r.rssAfterLoadKiB) * 1024 / 1e6,
  })).filter((m) => Number.isFinite(m.mb));
  if (measured.length === 0) return { target, measured: "n/a", pass: undefined };
  const worst = Math.max(...measured.map((m) => m.mb));
  return {
    target,
    measured: measured.map((m) => `${SETTING[m.s]} ${fixed(m.mb, 1)}`).join(", ") + " MB",
    pass: worst <= limit,
  };
}

/**
 * The defaults must still log one line per answered search at a camera's rate (the line a user
 * watches for); fewer lines than answers means a line was dropped.
 */
export function answerLoggingCheck(runs: readonly SubjectRun[]): TargetCheck {
  const target = "logging, defaults: one log line per answered search at a camera's rate";
  const paced = runs.filter((r) => r.subject === "ours-defaults" && r.paced).map((r) => r.paced!);
  const perAnswer = median(paced.filter((p) => p.answers > 0).map((p) => p.logLines / p.answers));
  return {
    target,
    measured: `${fixed(perAnswer, 2)} search lines per answer`,
    pass: judge(perAnswer, (v) => v === 1),
  };
}

function openLoopCheck(
  runs: readonly SubjectRun[],
  subject: SubjectId,
  mix: Mix,
  maxRate: number,
  threshold: number,
  target: string,
): TargetCheck {
  const rates = ceilingFullRates(runs, mix, maxRate);
  if (rates.length === 0 || !runs.some((r) => r.subject === subject)) {
    return { target, measured: "n/a (no rate to judge)", pass: undefined };
  }
  const fractions = rates.map((rate) => medianOf(runs, subject, openFraction(rate, mix)));
  const worst = Math.min(...fractions);
  const worstRate = rates[fractions.indexOf(worst)];
  return {
    target,
    measured: `worst ${formatPercent(worst)} at ${formatRate(worstRate)}/s (judged at ${
      rates.map((r) => `${r / 1000}k`).join(", ")
    })`,
    pass: judge(worst, (v) => v >= threshold),
  };
}

/**
 * Chatter must not be logged per packet at INFO: the log may grow by at most one line per qualifying
 * search (the per-answer line, if the helper writes one) plus a handful, never with the chatter.
 */
export function chatterLoggingCheck(runs: readonly SubjectRun[]): TargetCheck {
  const target = "at INFO: chatter is not logged per packet";
  const logs = runs.filter((r) => r.subject === "ours-info" && r.chatterLog).map((r) =>
    r.chatterLog!
  );
  if (logs.length === 0) return { target, measured: "n/a", pass: undefined };
  const excess = median(logs.map((l) => Math.max(0, l.lines - l.qualifyingSent)));
  const perThousand = median(logs.map((l) => (l.lines / Math.max(1, l.chatterSent)) * 1000));
  return {
    target,
    measured: `${fixed(perThousand, 2)} lines per 1000 chatter datagrams`,
    pass: excess <= 10,
  };
}

/** A Markdown table with columns padded to line up in a terminal too. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  // Mapped over the headers, so a short row still gets every column.
  const line = (cells: readonly string[]) =>
    `| ${widths.map((w, i) => (cells[i] ?? "").padEnd(w)).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)]
    .join("\n");
}

/** One titled table of the report. */
export interface Section {
  title: string;
  table: string;
}

function subjectsIn(runs: readonly SubjectRun[]): SubjectId[] {
  const order: SubjectId[] = [...PEERS, ...OURS];
  return order.filter((s) => runs.some((r) => r.subject === s));
}

/** The report's tables: medians over runs, and the helper's paired ratios to each peer. */
export function reportSections(
  runs: readonly SubjectRun[],
  memory: readonly MemoryResult[],
): Section[] {
  const subjects = subjectsIn(runs);
  const sections: Section[] = [];
  if (subjects.some((s) => OURS.includes(s))) {
    sections.push({
      title: "What users run: the helper's settings beside the peers (medians over runs)",
      table: summaryTable(runs, subjects),
    });
  }
  const levels = [...new Set(runs.flatMap((r) => r.closed.map((c) => c.clients)))].sort((a, b) =>
    a - b
  );

  const closedRows: string[][] = [];
  for (const s of subjects) {
    for (const n of levels) {
      const pick = (f: (c: ClosedResult) => number): Pick => (r) =>
        ((x) => x ? f(x) : undefined)(r.closed.find((c) => c.clients === n));
      if (!runs.some((r) => r.subject === s && r.closed.some((c) => c.clients === n))) continue;
      closedRows.push([
        SUBJECT_LABELS[s],
        String(n),
        formatRate(medianOf(runs, s, pick((c) => c.rate))),
        formatUs(medianOf(runs, s, pick((c) => c.p50Us))),
        formatUs(medianOf(runs, s, pick((c) => c.p99Us))),
        formatUs(medianOf(runs, s, pick((c) => c.maxUs))),
        formatRate(medianOf(runs, s, pick((c) => c.timeouts))),
      ]);
    }
  }
  sections.push({
    title: "Closed loop: unicast M-SEARCH → 200 OK (medians over runs)",
    table: formatTable(
      ["subject", "clients", "answers/s", "p50 µs", "p99 µs", "max µs", "timeouts"],
      closedRows,
    ),
  });

  const others = [...PEERS, "ours-info" as const].filter((p) => subjects.includes(p));
  if (subjects.includes("ours")) {
    const ratioRows: string[][] = [];
    for (const peer of others) {
      for (const n of levels) {
        const rate = pairedRatio(runs, "ours", peer, closedRate(n));
        // A level the peer never ran (INFO runs only 16 clients) is left out, not shown as n/a.
        if (!Number.isFinite(rate)) continue;
        ratioRows.push([
          SUBJECT_LABELS[peer],
          String(n),
          formatRatio(rate),
          formatRatio(pairedRatio(runs, "ours", peer, closedP99(n))),
        ]);
      }
      ratioRows.push([
        SUBJECT_LABELS[peer],
        "start-up",
        formatRatio(pairedRatio(runs, "ours", peer, (r) => r.firstAnswerUs)),
        "",
      ]);
    }
    sections.push({
      title: "Ours ÷ peer, paired within each run (median of the runs' ratios)",
      table: formatTable(["peer", "clients", "answers/s ratio", "p99 ratio"], ratioRows),
    });
  }

  for (const mix of ["qualifying", "chatter"] as const) {
    const rates = [
      ...new Set(runs.flatMap((r) => r.open.filter((o) => o.mix === mix).map((o) => o.offered))),
    ].sort((a, b) => a - b);
    if (rates.length === 0) continue;
    // Drops at the responder's socket say a loss was the responder falling behind.
    const drops = (s: SubjectId) =>
      medianOf(runs, s, (r) => {
        const steps = r.open.filter((o) => o.mix === mix && o.responderDrops !== undefined);
        return steps.length ? steps.reduce((sum, o) => sum + o.responderDrops!, 0) : undefined;
      });
    const rows = subjects.filter((s) =>
      runs.some((r) => r.subject === s && r.open.some((o) => o.mix === mix))
    )
      .map((s) => [
        SUBJECT_LABELS[s],
        ...rates.map((rate) => formatPercent(medianOf(runs, s, openFraction(rate, mix)))),
        formatRate(drops(s)),
      ]);
    sections.push({
      title: mix === "qualifying"
        ? "Open loop: fraction of M-SEARCHes answered at each offered rate (datagrams/s)"
        : "Open loop, 95% chatter: fraction of the qualifying 5% answered at each offered rate",
      table: formatTable(
        ["subject", ...rates.map((r) => `${formatRate(r)}/s`), "rcvbuf drops (all rates)"],
        rows,
      ),
    });
  }

  const httpRows: string[][] = [];
  for (const s of subjects) {
    const conns = [
      ...new Set(runs.filter((r) => r.subject === s).flatMap((r) => r.http.map((h) => h.conns))),
    ]
      .sort((a, b) => a - b);
    for (const n of conns) {
      const pick = (f: (h: HttpResult) => number): Pick => (r) =>
        ((x) => x ? f(x) : undefined)(r.http.find((h) => h.conns === n));
      httpRows.push([
        SUBJECT_LABELS[s],
        String(n),
        formatRate(medianOf(runs, s, pick((h) => h.rate))),
        formatUs(medianOf(runs, s, pick((h) => h.p50Us))),
        formatUs(medianOf(runs, s, pick((h) => h.p99Us))),
        formatRate(medianOf(runs, s, pick((h) => h.errors + h.timeouts))),
      ]);
    }
  }
  if (httpRows.length) {
    sections.push({
      title: "Description server: one TCP connection per GET, read to close",
      table: formatTable(
        ["subject", "connections", "requests/s", "p50 µs", "p99 µs", "errors"],
        httpRows,
      ),
    });
  }

  const startRows = subjects.map((s) => {
    const desc = medianOf(runs, s, (r) => r.firstDescriptionUs);
    return [
      SUBJECT_LABELS[s],
      fixed(medianOf(runs, s, (r) => r.firstAnswerUs) / 1000, 1),
      Number.isFinite(desc) ? fixed(desc / 1000, 1) : "–",
      fixed(medianOf(runs, s, (r) => r.rssAfterStartKiB) / 1024, 1),
      fixed(medianOf(runs, s, (r) => r.rssAfterLoadKiB) / 1024, 1),
    ];
  });
  sections.push({
    title: "Start-up (process start → first answer / first description) and memory after start",
    table: formatTable(
      [
        "subject",
        "first answer ms",
        "first description ms",
        "RSS after start MiB",
        "RSS after load MiB",
      ],
      startRows,
    ),
  });

  sections.push(...defaultsSections(runs));

  if (memory.length) {
    sections.push({
      title: "Memory under load (VmRSS of the program process)",
      table: formatTable(
        [
          "subject",
          "after start MiB",
          "before MiB",
          "after MiB",
          "growth MiB",
          "peak MiB",
          "datagrams",
          "datagrams/s",
          "qualifying answered",
        ],
        memory.map((m) => [
          SUBJECT_LABELS[m.subject],
          fixed(m.rssAfterStartKiB / 1024, 1),
          fixed(m.rssBeforeKiB / 1024, 1),
          fixed(m.rssAfterKiB / 1024, 1),
          fixed((m.rssAfterKiB - m.rssBeforeKiB) / 1024, 2),
          fixed(m.peakKiB / 1024, 1),
          formatRate(m.datagrams),
          formatRate(m.datagrams / m.seconds),
          formatPercent(m.qualifyingSent ? m.qualifyingAnswered / m.qualifyingSent : NaN),
        ]),
      ),
    });
  }
  return sections;
}

/** The target checks as a table. */
export function targetTable(checks: readonly TargetCheck[]): string {
  return formatTable(
    ["target", "measured", "result"],
    checks.map((
      c,
    ) => [c.target, c.measured, c.pass === undefined ? "n/a" : c.pass ? "PASS" : "FAIL"]),
  );
}

const mb = (kib: number) => fixed((kib * 1024) / 1e6, 1);

/**
 * One row per subject, in the targets' terms: start-up (and its ratio to the bare responder, paired),
 * c=1 p99, c=16 answers/s, the open loop at the fastest rate, idle and loaded RSS in decimal MB.
 * The defaults' limits cap a closed loop and an open loop at a few answers a second, so those cells
 * say so instead of showing the cap as a speed.
 */
export function summaryTable(runs: readonly SubjectRun[], subjects: readonly SubjectId[]): string {
  const rates = [
    ...new Set(
      runs.flatMap((r) => r.open.filter((o) => o.mix === "qualifying").map((o) => o.offered)),
    ),
  ];
  const top = Math.max(...rates);
  const rows = subjects.map((s) => {
    const limited = s === "ours-defaults";
    const cell = (value: string) => limited ? "(limited)" : value;
    return [
      SUBJECT_LABELS[s],
      fixed(medianOf(runs, s, (r) => r.firstAnswerUs) / 1000, 1),
      formatRatio(pairedRatio(runs, s, "deno-bare", (r) => r.firstAnswerUs)),
      cell(formatUs(medianOf(runs, s, closedP99(1)))),
      cell(formatRate(medianOf(runs, s, closedRate(16)))),
      cell(
        rates.length ? formatPercent(medianOf(runs, s, openFraction(top, "qualifying"))) : "n/a",
      ),
      `${mb(medianOf(runs, s, (r) => r.rssAfterStartKiB))} / ${
        mb(medianOf(runs, s, (r) => r.rssAfterLoadKiB))
      }`,
    ];
  });
  return formatTable(
    [
      "subject",
      "start → first answer ms",
      "÷ bare Deno",
      "c=1 p99 µs",
      "c=16 answers/s",
      `open ${rates.length ? formatRate(top) : "?"}/s answered`,
      "idle / after load RSS MB",
    ],
    rows,
  );
}

/** The defaults' own measurements: latency at a camera's rate, and what refusing a flood costs. */
function defaultsSections(runs: readonly SubjectRun[]): Section[] {
  const sections: Section[] = [];
  const d = runs.filter((r) => r.subject === "ours-defaults");
  const paced = d.filter((r) => r.paced).map((r) => r.paced!);
  if (paced.length) {
    const m = (f: (p: PacedResult) => number) => median(paced.map(f));
    sections.push({
      title: "Defaults at a camera's rate: one search every interval, send → answer",
      table: formatTable(
        [
          "interval ms",
          "answers",
          "timeouts",
          "p50 µs",
          "p99 µs",
          "max µs",
          "search lines / answer",
        ],
        [[
          fixed(m((p) => p.intervalMs), 0),
          fixed(m((p) => p.answers), 0),
          fixed(m((p) => p.timeouts), 0),
          formatUs(m((p) => p.p50Us)),
          formatUs(m((p) => p.p99Us)),
          formatUs(m((p) => p.maxUs)),
          fixed(m((p) => (p.answers ? p.logLines / p.answers : NaN)), 2),
        ]],
      ),
    });
  }
  const offered = [...new Set(d.flatMap((r) => (r.refusals ?? []).map((o) => o.offered)))].sort((
    a,
    b,
  ) => a - b);
  if (offered.length) {
    const step = (rate: number) => (r: SubjectRun) => r.refusals?.find((o) => o.offered === rate);
    const pick = (rate: number, f: (o: OpenResult) => number | undefined): Pick => (r) =>
      ((o) => o ? f(o) : undefined)(step(rate)(r));
    const quietCpu = (rate: number): Pick => (r) => {
      const o = r.open.find((x) => x.offered === rate && x.mix === "qualifying");
      return o ? cpuUsPerDatagram(o) : undefined;
    };
    sections.push({
      title:
        "Defaults under a flood from one source: what refusing costs (-q answers the same flood)",
      table: formatTable(
        [
          "offered/s",
          "answered",
          "rcvbuf drops",
          "CPU µs / datagram",
          "-q CPU µs / datagram",
          "log lines",
        ],
        offered.map((rate) => [
          `${formatRate(rate)}/s`,
          formatRate(medianOf(runs, "ours-defaults", pick(rate, (o) => o.qualifyingAnswered))),
          formatRate(medianOf(runs, "ours-defaults", pick(rate, (o) => o.responderDrops))),
          fixed(medianOf(runs, "ours-defaults", pick(rate, cpuUsPerDatagram)), 2),
          fixed(medianOf(runs, "ours", quietCpu(rate)), 2),
          formatRate(medianOf(runs, "ours-defaults", pick(rate, (o) => o.logLines))),
        ]),
      ),
    });
  }
  return sections;
}
