/**
 * The system benchmark (`deno task bench`): the helper and its peers, each a real process on the
 * "computer" side of a veth pair in private network namespaces, loaded by a C generator on the
 * "camera" side. Prints the tables; writes the results as JSON only when asked (`--save` for
 * `bench/results.json`, which git ignores; `--out PATH` for any other file). See bench/README.md.
 *
 *     deno run --allow-all bench/run.ts [--runs N] [--quick] [--only ID,ID] [--no-micro] [--strict]
 *
 * Then the import bench (`bench/import.ts`: our `import` beside gphoto2 on the fake PTP/IP camera);
 * `--only import` runs it alone, an `--only` list without `import` leaves it out.
 *
 * Nothing here touches the machine's default network namespace: every process that sends or
 * receives a packet is started inside the lab's namespaces (`lab/netns.ts`).
 *
 * @module
 */

import { join } from "node:path";
import { RUNTIME_FLAGS } from "../scripts/permissions.ts";
import { namespaceSupport, type Netns, NetnsLab } from "../lab/netns.ts";
import { DEFAULT_IMPORT_CONFIG, importBench, renderImportReport } from "./import.ts";
import { type ImportResults, importTargets } from "./import_stats.ts";
import { findPid, memoryOf } from "./proc.ts";
import { readTextOrUndefined } from "../lib/util/file_probe.ts";
import {
  type ClosedResult,
  evaluateTargets,
  formatRate,
  formatTable,
  type HttpResult,
  latencySummary,
  type MemoryResult,
  type Mix,
  type OpenResult,
  OURS,
  type PacedResult,
  reportSections,
  SUBJECT_LABELS,
  type SubjectId,
  type SubjectRun,
  type TargetCheck,
  targetTable,
} from "./stats.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const BENCH = join(ROOT, "bench");
const CACHE = join(BENCH, ".cache");
const PC_IP = "10.77.0.1";
const CAM_IP = "10.77.0.2";
const DESC_PATH = "ptpip-canon-desc-helper.xml";
/** A fixed UUID, so the helper never creates or reads the user's UUID file. */
const BENCH_UUID = "00000000-0000-4000-8000-000000000000";

/** How much is measured; the defaults fit `deno task bench` in under five minutes on 2 cores. */
export interface Config {
  runs: number;
  subjects: SubjectId[];
  closedLevels: number[];
  closedMs: number;
  warmupMs: number;
  openRates: number[];
  openMs: number;
  drainMs: number;
  httpConns: number[];
  httpMs: number;
  floodWarmup: number;
  floodCount: number;
  /** The defaults at a camera's rate: one search every `pacedIntervalMs` for `pacedMs`. */
  pacedIntervalMs: number;
  pacedMs: number;
  /** Offered rates of the flood the defaults refuse. */
  refusalRates: number[];
  micro: boolean;
  strict: boolean;
  /** Whether the import bench (bench/import.ts) runs after the SSDP subjects. */
  importBench: boolean;
  /** Where to write the results; unset, nothing is written. */
  out?: string;
  /** Extra V8 flags for the helper only (`--ours-v8-flags=...`), to try settings before proposing them. */
  oursV8Flags?: string;
  /** Re-print the report of an earlier results.json instead of measuring. */
  from?: string;
}

/** Reads the bench's command line; exported for its test. */
export function parseArgs(argv: string[]): Config {
  // `--name=value` is split into `--name value` (at the first `=` only: V8 flags hold `=` too).
  const args = argv.flatMap((a) => {
    const m = /^(--[a-z0-9-]+)=(.*)$/s.exec(a);
    return m ? [m[1], m[2]] : [a];
  });
  const config: Config = {
    runs: 3,
    subjects: ["c-ceiling", "deno-bare", "node-ssdp", "ours", "ours-info", "ours-defaults"],
    closedLevels: [1, 8, 16, 64],
    closedMs: 600,
    warmupMs: 150,
    openRates: [1000, 5000, 20000, 40000, 50000],
    openMs: 700,
    drainMs: 150,
    httpConns: [1, 16, 128],
    httpMs: 600,
    floodWarmup: 100_000,
    floodCount: 1_000_000,
    pacedIntervalMs: 500,
    pacedMs: 5000,
    refusalRates: [5000, 20000, 50000],
    micro: true,
    strict: false,
    importBench: true,
  };
  for (let i = 0; i < args.length; i++) {
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${args[i - 1]} needs a value`);
      return v;
    };
    switch (args[i]) {
      case "--":
        // `deno task bench -- --quick` passes the separator through; it means nothing here.
        break;
      case "--runs":
        // 0 runs still does the memory test: a quick way to try V8 flags on memory alone.
        config.runs = Math.max(0, Number(value()));
        break;
      case "--flood-count":
        config.floodCount = Number(value());
        break;
      case "--quick":
        // One short pass: to check the bench itself, not to quote.
        Object.assign(config, {
          runs: 1,
          closedMs: 300,
          openMs: 300,
          httpMs: 300,
          floodCount: 200_000,
          pacedMs: 2500,
        });
        break;
      case "--open-ms":
        config.openMs = Number(value());
        break;
      case "--only":
        config.subjects = value().split(",") as SubjectId[];
        // The import bench is no SSDP subject: named, it runs; left out of the list, it does not.
        config.importBench = config.subjects.includes("import" as SubjectId);
        config.subjects = config.subjects.filter((s) => s !== ("import" as SubjectId));
        for (const s of config.subjects) {
          if (!(s in SUBJECT_LABELS)) throw new Error(`unknown subject ${s}`);
        }
        break;
      case "--no-micro":
        config.micro = false;
        break;
      case "--strict":
        config.strict = true;
        break;
      case "--out":
        config.out = value();
        break;
      case "--save":
        config.out = join(BENCH, "results.json");
        break;
      case "--ours-v8-flags":
        config.oursV8Flags = value();
        break;
      case "--from":
        config.from = value();
        break;
      default:
        throw new Error(`unknown argument ${args[i]} (see bench/README.md)`);
    }
  }
  return config;
}

const decoder = new TextDecoder();

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

/** Runs a command in the default namespace (build steps only: nothing here uses the network). */
async function host(cmd: string, args: string[], cwd = ROOT): Promise<string> {
  const out = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${decoder.decode(out.stderr)}`);
  }
  return decoder.decode(out.stdout);
}

/** Compiles the C programs into `dir`; build outputs never land in the repository. */
async function compile(dir: string): Promise<{ loadgen: string; ceiling: string }> {
  const loadgen = join(dir, "loadgen");
  const ceiling = join(dir, "ceiling");
  await host("gcc", ["-O2", "-Wall", "-pthread", "-o", loadgen, join(BENCH, "loadgen.c")]);
  await host("gcc", ["-O2", "-Wall", "-o", ceiling, join(BENCH, "ceiling.c")]);
  return { loadgen, ceiling };
}

/** Installs node-ssdp@4 once into bench/.cache (gitignored) with npm; returns its folder. */
async function installNodeSsdp(): Promise<string> {
  const dir = join(CACHE, "node-ssdp");
  try {
    const pkg = JSON.parse(
      await Deno.readTextFile(join(dir, "node_modules", "node-ssdp", "package.json")),
    );
    if (String(pkg.version).startsWith("4.")) return dir;
  } catch {
    // not installed yet
  }
  progress("installing node-ssdp@4 into bench/.cache (once)");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "package.json"),
    JSON.stringify({ private: true, description: "bench peer, installed by bench/run.ts" }),
  );
  await host(
    "npm",
    ["install", "--no-audit", "--no-fund", "--no-package-lock", "node-ssdp@4"],
    dir,
  );
  return dir;
}

async function machineInfo(): Promise<Record<string, unknown>> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  const cores = (cpuinfo.match(/^processor\s*:/gm) ?? []).length || navigator.hardwareConcurrency;
  const version = (cmd: string, args: string[]) =>
    host(cmd, args).then((s) => s.trim().split("\n")[0]).catch(() => "not found");
  return {
    cpu,
    cores,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    node: await version("node", ["--version"]),
    gcc: await version("gcc", ["-dumpfullversion"]),
    date: new Date().toISOString(),
  };
}

/** Whether the helper's entry point exists; the bench still runs its peers when it does not. */
async function oursPresent(): Promise<boolean> {
  try {
    await Deno.stat(join(ROOT, "main.ts"));
    return true;
  } catch {
    return false;
  }
}

// ---- processes in the lab ----

interface Lab {
  pc: Netns;
  cam: Netns;
  loadgen: string;
  ceiling: string;
  nodeSsdpDir: string;
  tmp: string;
  oursV8Flags?: string;
}

let portCounter = 0;

/** Fresh ports for every start, so no process ever meets a socket its predecessor left behind. */
function nextPorts(): { udp: number; desc: number } {
  portCounter++;
  return { udp: 20000 + portCounter, desc: 30000 + portCounter };
}

/** The command line of each subject, run inside the "computer" namespace. */
function subjectArgv(lab: Lab, subject: SubjectId, ports: { udp: number; desc: number }): string[] {
  const location = `http://${PC_IP}:${ports.desc}/${DESC_PATH}`;
  switch (subject) {
    case "c-ceiling":
      return [lab.ceiling, String(ports.udp), location];
    case "deno-bare":
      return [
        Deno.execPath(),
        "run",
        "--unstable-net",
        "--allow-net",
        join(BENCH, "bare_responder.ts"),
        String(ports.udp),
        location,
      ];
    case "node-ssdp":
      return [
        "node",
        join(BENCH, "node_ssdp_peer.mjs"),
        String(ports.udp),
        location,
        lab.nodeSsdpDir,
      ];
    case "python-ssdpy":
      throw new Error("the bench has no Python peer to start (see pythonSsdpyProblem)");
    case "ours":
    case "ours-info":
    case "ours-defaults":
      return [
        Deno.execPath(),
        "run",
        ...RUNTIME_FLAGS,
        ...(lab.oursV8Flags ? [`--v8-flags=${lab.oursV8Flags}`] : []),
        "--config",
        join(ROOT, "deno.json"),
        join(ROOT, "main.ts"),
        "--uuid",
        BENCH_UUID,
        "--port",
        String(ports.udp),
        "--desc-port",
        String(ports.desc),
        // The defaults keep the abuse limits; the others switch them off, which would otherwise
        // cap answers at 200/s.
        ...(subject === "ours-defaults" ? [] : ["--source-rate", "0", "--global-rate", "0"]),
        ...(subject === "ours" ? ["-q"] : []),
        PC_IP,
      ];
  }
}

/** The process name (`/proc/PID/comm`) of each subject's program. */
const COMM: Record<SubjectId, string> = {
  "c-ceiling": "ceiling",
  "deno-bare": "deno",
  "node-ssdp": "node",
  "python-ssdpy": "python3",
  "ours": "deno",
  "ours-info": "deno",
  "ours-defaults": "deno",
};

/**
 * Why the Python reference (the two Python scripts this program replaces, on ssdpy 0.4.1) is not
 * measured, shown in the report. Only the registries' ordinary clients may install it: Debian's
 * python3-ssdpy or pip.
 */
async function pythonSsdpyProblem(): Promise<string> {
  const out = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import ssdpy; print(ssdpy.__version__)"],
    stdout: "piped",
    stderr: "null",
  }).output().catch(() => undefined);
  if (!out?.success) {
    return "ssdpy is not installed for Debian's python3: Debian has no python3-ssdpy package " +
      "and pip cannot reach PyPI from here; its earlier 61 ms start (docs/performance.md) " +
      "is not re-measured";
  }
  return `ssdpy ${decoder.decode(out.stdout).trim()} is installed, but the bench has no ssdpy ` +
    "peer yet";
}

/** Clock ticks per second of /proc/PID/stat's CPU times. */
let clockTicks = 100;

/** User + system CPU time of a process and all its threads, ms. */
async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readTextOrUndefined(`/proc/${pid}/stat`) ?? "";
  // Fields after the parenthesised name, which may hold spaces: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

/**
 * The program's own pid under `root` (the process the generator forked): `ip netns exec` and any
 * wrapper may sit between them, so this walks down the process tree to the first `comm` match.
 */
async function findProgramPid(root: number, comm: string): Promise<number> {
  const pid = await findPid(root, comm);
  if (pid === undefined) throw new Error(`no process named ${comm} under pid ${root}`);
  return pid;
}

/**
 * The UDP counters of the namespace a process lives in (`/proc/PID/net/snmp` shows that process's
 * namespace): `RcvbufErrors` counts datagrams dropped because a socket's receive buffer was full, which
 * tells a responder too slow to keep up from a loss anywhere else.
 */
async function udpCounters(pid: number): Promise<Record<string, number>> {
  const text = await readTextOrUndefined(`/proc/${pid}/net/snmp`) ?? "";
  const [names, values] = text.split("\n").filter((l) => l.startsWith("Udp:")).map((l) =>
    l.split(/\s+/).slice(1)
  );
  return Object.fromEntries((names ?? []).map((n, i) => [n, Number(values?.[i])]));
}

/** Rejects after `ms`: every wait on a process in this bench is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function readFirstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.split("\n")[0];
}

async function logTail(path: string): Promise<string> {
  const text = await readTextOrUndefined(path) ?? "";
  return text.split("\n").slice(-15).join("\n");
}

/** The log's lines, or only those holding `containing`. */
async function countLines(path: string, containing = ""): Promise<number> {
  const text = await readTextOrUndefined(path) ?? "";
  return text === ""
    ? 0
    : text.split("\n").filter((l) => l !== "" && l.includes(containing)).length;
}

/**
 * The log's line count once it stopped growing (lines gather up to LOG_BATCH_MS before a write):
 * unchanged over three reads 25 ms apart, or after 2 s.
 */
async function settledLineCount(path: string, containing: string): Promise<number> {
  let count = await countLines(path, containing);
  for (let same = 0, waited = 0; same < 3 && waited < 2000; waited += 25) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    const now = await countLines(path, containing);
    same = now === count ? same + 1 : 0;
    count = now;
  }
  return count;
}

/** What the line of an answered search holds (lib/terminal/log.ts), and no other line. */
const SEARCH_LINE = " is looking for a computer (";

/** A subject started under the generator's start-up probe. */
interface Instance {
  subject: SubjectId;
  pid: number;
  ports: { udp: number; desc: number };
  firstAnswerUs: number;
  firstDescriptionUs?: number;
  log: string;
  stop(): Promise<void>;
}

const servesDescription = (s: SubjectId) => OURS.includes(s);

/**
 * Starts a subject: the generator (camera side) forks the program into the computer namespace,
 * probes with an M-SEARCH every 2 ms (and a GET, for the helper) for up to 5 s, and reports the
 * times from the fork. The generator stays the program's parent; stopping it stops the program.
 */
async function startSubject(lab: Lab, subject: SubjectId, tag: string): Promise<Instance> {
  const ports = nextPorts();
  const log = join(lab.tmp, `${subject}-${tag}.log`);
  const probeArgs = [
    lab.loadgen,
    "startup",
    "--udp",
    `${PC_IP}:${ports.udp}`,
    ...(servesDescription(subject)
      ? ["--http", `${PC_IP}:${ports.desc}`, "--path", `/${DESC_PATH}`]
      : []),
    "--interval-ms",
    "2",
    "--timeout-ms",
    "5000",
    "--log",
    log,
    "--",
    ...lab.pc.wrap(subjectArgv(lab, subject, ports)),
  ];
  const probe = lab.cam.spawn(probeArgs, {
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
    // The helper keeps its UUID under XDG_CONFIG_HOME; the bench passes --uuid, and this keeps the
    // user's folder out of reach all the same.
    env: { XDG_CONFIG_HOME: join(lab.tmp, "config"), NO_COLOR: "1" },
  });
  let stopped = false;
  const stopProbe = async (pid?: number) => {
    if (stopped) return;
    stopped = true;
    try {
      probe.kill("SIGTERM");
    } catch {
      // already gone
    }
    try {
      await within(probe.status, 3000, `${subject} stop`);
    } catch {
      if (pid) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch { /* gone */ }
      }
      probe.kill("SIGKILL");
      await probe.status;
    }
    await probe.stdout.cancel().catch(() => {});
  };
  try {
    const line = await within(readFirstLine(probe.stdout), 10_000, `${subject} start`);
    const result = JSON.parse(line || "{}");
    if (!result.ok) {
      throw new Error(
        `${
          SUBJECT_LABELS[subject]
        } did not answer within 5 s of its start (${line}); its log:\n${await logTail(
          log,
        )}`,
      );
    }
    const pid = await findProgramPid(result.pid, COMM[subject]);
    return {
      subject,
      pid,
      ports,
      firstAnswerUs: result.first_answer_us,
      firstDescriptionUs: result.first_description_us >= 0
        ? result.first_description_us
        : undefined,
      log,
      stop: () => stopProbe(pid),
    };
  } catch (error) {
    await stopProbe();
    throw error;
  }
}

/** Runs the generator in the camera namespace and returns its JSON report. */
async function loadgen(lab: Lab, args: string[]): Promise<Record<string, number>> {
  const out = await lab.cam.output([lab.loadgen, ...args]);
  if (!out.success) {
    throw new Error(`loadgen ${args.join(" ")} failed: ${decoder.decode(out.stderr)}`);
  }
  return JSON.parse(decoder.decode(out.stdout));
}

async function closedLoop(
  lab: Lab,
  config: Config,
  inst: Instance,
  clients: number,
): Promise<ClosedResult> {
  const samples = join(lab.tmp, "closed.bin");
  const r = await loadgen(lab, [
    "closed",
    "--target",
    `${PC_IP}:${inst.ports.udp}`,
    "--clients",
    String(clients),
    "--duration-ms",
    String(config.closedMs),
    "--warmup-ms",
    String(config.warmupMs),
    "--timeout-ms",
    "200",
    "--samples",
    samples,
  ]);
  const bytes = await Deno.readFile(samples);
  const ns = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { clients, rate: r.rate, timeouts: r.timeouts, ...latencySummary(ns) };
}

async function openLoop(
  lab: Lab,
  config: Config,
  inst: Instance,
  offered: number,
  mix: Mix,
): Promise<OpenResult> {
  const before = await udpCounters(inst.pid);
  const cpuBefore = await cpuMsOf(inst.pid);
  const linesBefore = await countLines(inst.log);
  const r = await loadgen(lab, [
    "open",
    "--target",
    `${PC_IP}:${inst.ports.udp}`,
    "--rate",
    String(offered),
    "--duration-ms",
    String(config.openMs),
    // 1 in 20 qualifying: 5% searches the helper must answer among 95% chatter.
    "--qualifying-every",
    mix === "chatter" ? "20" : "1",
    "--drain-ms",
    String(config.drainMs),
  ]);
  return {
    offered,
    mix,
    achievedRate: r.achieved_rate,
    qualifyingSent: r.q_sent,
    qualifyingAnswered: r.q_answers,
    chatterSent: r.c_sent,
    chatterAnswered: r.c_answers,
    responderDrops: (await udpCounters(inst.pid)).RcvbufErrors - before.RcvbufErrors,
    cpuMs: (await cpuMsOf(inst.pid)) - cpuBefore,
    logLines: (await countLines(inst.log)) - linesBefore,
  };
}

/**
 * One client searching at a camera's pace; the answered searches' lines are counted around it (not
 * the others: an earlier phase's refusal summary may fall in it).
 */
async function pacedLoop(lab: Lab, config: Config, inst: Instance): Promise<PacedResult> {
  const samples = join(lab.tmp, "paced.bin");
  // The lines of the phase before (the start-up's searches) may still be on their way.
  const linesBefore = await settledLineCount(inst.log, SEARCH_LINE);
  const r = await loadgen(lab, [
    "closed",
    "--target",
    `${PC_IP}:${inst.ports.udp}`,
    "--clients",
    "1",
    "--pace-ms",
    String(config.pacedIntervalMs),
    "--duration-ms",
    String(config.pacedMs),
    "--timeout-ms",
    "1000",
    "--samples",
    samples,
  ]);
  const bytes = await Deno.readFile(samples);
  const ns = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  // The last answer's line may still be on its way through the log's buffer.
  const linesAfter = await settledLineCount(inst.log, SEARCH_LINE);
  return {
    intervalMs: config.pacedIntervalMs,
    answers: r.answers,
    timeouts: r.timeouts,
    logLines: linesAfter - linesBefore,
    ...latencySummary(ns),
  };
}

async function httpLoad(
  lab: Lab,
  config: Config,
  inst: Instance,
  conns: number,
): Promise<HttpResult> {
  const samples = join(lab.tmp, "http.bin");
  const r = await loadgen(lab, [
    "http",
    "--target",
    `${PC_IP}:${inst.ports.desc}`,
    "--path",
    `/${DESC_PATH}`,
    "--conns",
    String(conns),
    "--duration-ms",
    String(config.httpMs),
    "--warmup-ms",
    String(config.warmupMs),
    "--timeout-ms",
    "2000",
    "--samples",
    samples,
  ]);
  const bytes = await Deno.readFile(samples);
  const ns = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return { conns, rate: r.rate, errors: r.errors, timeouts: r.timeouts, ...latencySummary(ns) };
}

/** One subject, one run: start, every load, stop. */
async function measure(
  lab: Lab,
  config: Config,
  subject: SubjectId,
  run: number,
): Promise<SubjectRun> {
  const inst = await startSubject(lab, subject, `run${run}`);
  try {
    const result: SubjectRun = {
      subject,
      run,
      firstAnswerUs: inst.firstAnswerUs,
      firstDescriptionUs: inst.firstDescriptionUs,
      rssAfterStartKiB: (await memoryOf(inst.pid)).rssKiB,
      closed: [],
      open: [],
      http: [],
    };
    if (subject === "ours-defaults") {
      // The limits cap any loop at a few answers a second: what matters is a camera's latency and
      // what a flood costs to refuse.
      result.paced = await pacedLoop(lab, config, inst);
      result.refusals = [];
      for (const rate of config.refusalRates) {
        result.refusals.push(await openLoop(lab, config, inst, rate, "qualifying"));
      }
      result.rssAfterLoadKiB = (await memoryOf(inst.pid)).rssKiB;
      progress(
        `run ${run + 1}: ${SUBJECT_LABELS[subject]}: first answer ${
          (inst.firstAnswerUs / 1000).toFixed(1)
        } ms, camera-rate p50 ${result.paced.p50Us.toFixed(0)} µs`,
      );
      return result;
    }
    for (const n of config.closedLevels) result.closed.push(await closedLoop(lab, config, inst, n));
    for (const rate of config.openRates) {
      result.open.push(await openLoop(lab, config, inst, rate, "qualifying"));
    }
    for (const rate of config.openRates) {
      result.open.push(await openLoop(lab, config, inst, rate, "chatter"));
    }
    if (subject === "ours-info") {
      // At INFO, chatter must not be logged per packet: the log counted around the chatter steps.
      const chatter = result.open.filter((o) => o.mix === "chatter");
      result.chatterLog = {
        lines: chatter.reduce((sum, o) => sum + (o.logLines ?? 0), 0),
        chatterSent: chatter.reduce((sum, o) => sum + o.chatterSent, 0),
        qualifyingSent: chatter.reduce((sum, o) => sum + o.qualifyingSent, 0),
      };
    }
    if (servesDescription(subject)) {
      for (const n of config.httpConns) result.http.push(await httpLoad(lab, config, inst, n));
    }
    result.rssAfterLoadKiB = (await memoryOf(inst.pid)).rssKiB;
    const c16 = result.closed.find((c) => c.clients === 16);
    progress(
      `run ${run + 1}: ${SUBJECT_LABELS[subject]}: ${
        formatRate(c16?.rate ?? NaN)
      } answers/s at 16 clients, ` +
        `first answer ${(inst.firstAnswerUs / 1000).toFixed(1)} ms`,
    );
    return result;
  } finally {
    await inst.stop();
  }
}

/** A million datagrams (5% qualifying) after a warm-up, RSS read around them. */
async function memoryTest(lab: Lab, config: Config, subject: SubjectId): Promise<MemoryResult> {
  const inst = await startSubject(lab, subject, "memory");
  try {
    const afterStart = await memoryOf(inst.pid);
    const flood = (count: number) =>
      loadgen(lab, [
        "flood",
        "--target",
        `${PC_IP}:${inst.ports.udp}`,
        "--count",
        String(count),
        "--qualifying-every",
        "20",
        "--window",
        "4",
        "--timeout-ms",
        "100",
        "--max-ms",
        "60000",
      ]);
    // The warm-up lets the JIT and the heap reach their working size: growth after it is what stays.
    await flood(config.floodWarmup);
    const before = await memoryOf(inst.pid);
    const r = await flood(config.floodCount);
    const after = await memoryOf(inst.pid);
    return {
      subject,
      rssAfterStartKiB: afterStart.rssKiB,
      rssBeforeKiB: before.rssKiB,
      rssAfterKiB: after.rssKiB,
      peakKiB: after.hwmKiB,
      datagrams: r.sent,
      seconds: r.seconds,
      qualifyingSent: r.q_sent,
      qualifyingAnswered: r.q_answers,
    };
  } finally {
    await inst.stop();
  }
}

/** The micro benchmarks, run with `deno bench --json` (pure code: no namespace needed). */
async function microBench(): Promise<{ name: string; avgNs: number; p99Ns: number }[]> {
  const text = await host(Deno.execPath(), [
    "bench",
    "--json",
    "--no-check",
    join(BENCH, "hot_path_bench.ts"),
  ]);
  const report = JSON.parse(text);
  return report.benches.map((
    b: { name: string; results: { ok?: { avg: number; p99: number } }[] },
  ) => ({
    name: b.name,
    avgNs: b.results[0]?.ok?.avg ?? NaN,
    p99Ns: b.results[0]?.ok?.p99 ?? NaN,
  }));
}

/** Everything a bench run produces; `bench/results.json` holds it. */
interface Results {
  machine: Record<string, unknown>;
  config: Config;
  seconds: number;
  notMeasured: Record<string, string>;
  runs: SubjectRun[];
  memory: MemoryResult[];
  micro: { name: string; avgNs: number; p99Ns: number }[];
  targets: TargetCheck[];
  /** The import bench's results, when it ran. */
  import?: ImportResults;
}

/** The report printed on stdout: Markdown, to be pasted into the README as it is. */
function renderReport(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# ptpip-canon-helper benchmark — ${m.date}`);
  out.push("");
  out.push(
    `${m.cpu}, ${m.cores} cores, Linux ${m.kernel}; Deno ${m.deno}, Node ${m.node}, gcc ${m.gcc}; ` +
      `${r.config.runs} runs, ${r.seconds.toFixed(0)} s` +
      (r.config.oursV8Flags ? `; ours with --v8-flags=${r.config.oursV8Flags}` : ""),
  );
  for (const [s, why] of Object.entries(r.notMeasured)) {
    out.push("", `**${SUBJECT_LABELS[s as SubjectId]} not measured:** ${why.split("\n")[0]}`);
  }
  for (const section of reportSections(r.runs, r.memory)) {
    out.push("", `## ${section.title}`, "", section.table);
  }
  if (r.micro.length) {
    out.push("", "## Micro: hot path, pure code (deno bench)", "");
    out.push(formatTable(
      ["step", "avg ns", "p99 ns"],
      r.micro.map((b) => [b.name, b.avgNs.toFixed(0), b.p99Ns.toFixed(0)]),
    ));
  }
  if (r.targets.length) {
    out.push(
      "",
      "## Targets (under load at -q, then the settings users run)",
      "",
      targetTable(r.targets),
    );
  }
  return out.join("\n");
}

/** Measures everything the config asks for, inside a fresh lab. */
async function measureAll(config: Config, began: number): Promise<Results> {
  const tmp = await Deno.makeTempDir({ prefix: "ptpip-bench-" });
  try {
    const machine = await machineInfo();
    clockTicks = Number((await host("getconf", ["CLK_TCK"]).catch(() => "100")).trim()) || 100;
    const micro = config.micro ? await microBench() : [];
    const { loadgen: loadgenPath, ceiling } = await compile(tmp);
    const nodeSsdpDir = config.subjects.includes("node-ssdp") ? await installNodeSsdp() : "";
    if (config.subjects.some((s) => s.startsWith("ours"))) {
      // Modules cached beforehand, so start-up measures starting, not downloading.
      await host(Deno.execPath(), [
        "cache",
        "--config",
        join(ROOT, "deno.json"),
        join(ROOT, "main.ts"),
      ]);
    }

    await using netlab = await NetnsLab.create();
    // Ctrl+C would skip the disposal above and leave the namespaces behind: remove them, then exit.
    let stopping: Promise<void> | undefined;
    const interrupted = () => {
      // A second signal (e.g. from a wrapper passing it on) waits for the same clean-up.
      stopping ??= netlab[Symbol.asyncDispose]().finally(() => Deno.exit(130));
    };
    Deno.addSignalListener("SIGINT", interrupted);
    Deno.addSignalListener("SIGTERM", interrupted);
    const pc = await netlab.host("pc");
    const cam = await netlab.host("cam");
    await netlab.link(pc, `${PC_IP}/24`, cam, `${CAM_IP}/24`);
    const lab: Lab = {
      pc,
      cam,
      loadgen: loadgenPath,
      ceiling,
      nodeSsdpDir,
      tmp,
      oursV8Flags: config.oursV8Flags,
    };

    // One untimed start of each, so the first timed start does not pay for cold caches.
    const broken = new Map<SubjectId, string>();
    for (const s of config.subjects) {
      try {
        await (await startSubject(lab, s, "warm")).stop();
      } catch (error) {
        broken.set(s, error instanceof Error ? error.message : String(error));
        progress(`${SUBJECT_LABELS[s]} left out: ${broken.get(s)}`);
      }
    }
    const subjects = config.subjects.filter((s) => !broken.has(s));
    // The Python reference: measured when its registries could install it, else said so.
    broken.set("python-ssdpy", await pythonSsdpyProblem());
    progress(`${SUBJECT_LABELS["python-ssdpy"]} left out: ${broken.get("python-ssdpy")}`);

    const runs: SubjectRun[] = [];
    for (let run = 0; run < config.runs; run++) {
      // Rotating the order spreads slow drifts of the machine over every subject.
      const order = subjects.map((_, i) => subjects[(i + run) % subjects.length]);
      for (const s of order) {
        try {
          runs.push(await measure(lab, config, s, run));
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          progress(`run ${run + 1}: ${SUBJECT_LABELS[s]} failed: ${why}`);
        }
      }
    }
    const memory: MemoryResult[] = [];
    if (subjects.includes("ours")) {
      progress(`memory: ours under ${formatRate(config.floodCount)} datagrams`);
      memory.push(await memoryTest(lab, config, "ours"));
    }
    return {
      machine,
      config,
      seconds: (performance.now() - began) / 1000,
      notMeasured: Object.fromEntries(broken),
      runs,
      memory,
      micro,
      targets: subjects.includes("ours") ? evaluateTargets(runs, memory) : [],
    };
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

async function main(): Promise<number> {
  const config = parseArgs(Deno.args);
  if (config.from) {
    const earlier: Results = JSON.parse(await Deno.readTextFile(config.from));
    // Re-judged with today's thresholds, so a changed target shows on old numbers too.
    earlier.targets = earlier.runs.some((r) => r.subject === "ours")
      ? evaluateTargets(earlier.runs, earlier.memory)
      : [];
    console.log(renderReport(earlier));
    if (earlier.import) console.log(`\n${renderImportReport(earlier.import)}`);
    return 0;
  }
  const began = performance.now();
  const support = await namespaceSupport();
  if (!support.available) {
    console.error(`bench: cannot run the system bench here: ${support.reason}`);
    return 2;
  }
  if (config.subjects.some((s) => s.startsWith("ours")) && !(await oursPresent())) {
    progress("main.ts does not exist yet: measuring the peers only");
    config.subjects = config.subjects.filter((s) => !s.startsWith("ours"));
  }
  const ssdp = config.subjects.length > 0;
  const results: Results = ssdp ? await measureAll(config, began) : {
    machine: await machineInfo(),
    config,
    seconds: 0,
    notMeasured: {},
    runs: [],
    memory: [],
    micro: [],
    targets: [],
  };
  if (ssdp) console.log(renderReport(results));
  if (config.importBench && config.runs > 0) {
    progress("import: our import beside gphoto2 on the fake PTP/IP camera (bench/import.ts)");
    results.import = await importBench({
      ...DEFAULT_IMPORT_CONFIG,
      runs: config.runs,
      // --quick checks the bench: fewer imports again as well.
      again: config.runs === 1 ? 2 : DEFAULT_IMPORT_CONFIG.again,
    });
    console.log(`${ssdp ? "\n" : ""}${renderImportReport(results.import)}`);
    results.targets.push(...importTargets(results.import));
  }
  results.seconds = (performance.now() - began) / 1000;
  if (config.out !== undefined) {
    await Deno.writeTextFile(config.out, JSON.stringify(results, null, 2) + "\n");
    progress(`wrote ${config.out}`);
  }
  progress(`${results.seconds.toFixed(0)} s in all`);
  return config.strict && results.targets.some((t) => t.pass === false) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());
