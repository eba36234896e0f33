/**
 * The import bench: the fake PTP/IP camera of `lab/ptpip_camera.ts` in the "cam" namespace, and in
 * the "pc" namespace our `import` and Debian's `gphoto2 -P --skip-existing`, each into a fresh empty
 * folder with its own temporary HOME, interleaved run by run on the same card. Every copy is checked
 * byte for byte against the card's seeded content, so a fast but wrong import cannot win. Then our import's memory while it streams the large file, sampled from outside, and
 * an import of a card of 1,000 small photos done again (it must copy nothing, in under 1 s).
 *
 *     deno run --allow-all bench/import.ts [--runs N] [--quick]
 *
 * `deno task bench` runs it after the SSDP bench (`--only import` for this alone). Nothing here
 * touches the machine's default network namespace: the camera and both clients run in the lab's
 * namespaces (`lab/netns.ts`); only `deno cache` runs outside, and it uses no network.
 *
 * @module
 */

import { join } from "node:path";
import { RUNTIME_FLAGS } from "../scripts/permissions.ts";
import { denoCacheDir, namespaceSupport, type Netns, NetnsLab } from "../lab/netns.ts";
import type { DeviceProcess } from "../lab/device_process.ts";
import { checkBytes, ptpipCamera } from "../lab/ptpip_camera_process.ts";
import { succeeds } from "../lab/commands.ts";
import {
  type ImportResults,
  type ImportRun,
  importSections,
  importTargets,
  type ImportTool,
  type ReimportRun,
  type RssRun,
} from "./import_stats.ts";
import { targetTable } from "./stats.ts";
import { findPid, memoryOf } from "./proc.ts";
import { sleep } from "../lib/util/timers.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const SUBNET = "10.78.0";
const CAM_IP = `${SUBNET}.2`;
/** A fixed UUID, so `import` never creates or reads the user's UUID file. */
const BENCH_UUID = "00000000-0000-4000-8000-000000000000";
/** No import may take longer than this; a stuck one is killed and the bench says so. */
const IMPORT_DEADLINE_MS = 300_000;
/** How often a running import's /proc/PID/status is read. */
const SAMPLE_MS = 20;
const TRANSFERS = new Set(["GetObject", "GetPartialObject"]);

/** What the import bench measures. */
export interface ImportBenchConfig {
  /** Interleaved runs of each tool on the large card, and RSS runs. */
  runs: number;
  /** Small files on the throughput card and their size, bytes. */
  smallFiles: number;
  smallBytes: number;
  /** The large file, bytes. */
  largeBytes: number;
  /** Photos on the card imported again. */
  photos: number;
  /** Their size, bytes. */
  photoBytes: number;
  /** Imports again of that card, each timed. */
  again: number;
  /** Which parts to run (all by default; `--phases` picks some, to work on the bench itself). */
  phases: readonly Phase[];
}

/** The bench's three parts. */
export type Phase = "throughput" | "rss" | "again";
const PHASES: readonly Phase[] = ["throughput", "rss", "again"];

/** The bench's card: 20 files of 5 MB and one of 300 MB; 1,000 photos of 20 kB imported again. */
export const DEFAULT_IMPORT_CONFIG: ImportBenchConfig = {
  runs: 3,
  smallFiles: 20,
  smallBytes: 5_000_000,
  largeBytes: 300_000_000,
  photos: 1000,
  photoBytes: 20_000,
  again: 3,
  phases: PHASES,
};

/** One file of a card: where it is, and its seeded content. */
interface CardFile {
  path: string;
  name: string;
  seed: number;
  size: number;
}

const decoder = new TextDecoder();

function progress(message: string): void {
  console.error(`bench import: ${message}`);
}

/** Every visible file under `dir` (hidden names, the importer's record and partials, left out). */
async function visibleFiles(dir: string, depth = 0): Promise<string[]> {
  if (depth > 8) return [];
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory) files.push(...await visibleFiles(path, depth + 1));
    else files.push(path);
  }
  return files;
}

/**
 * Checks that `dir` holds exactly the card's files (by name, anywhere below it), each byte for byte
 * the card's; returns their count and bytes, or throws saying what is wrong.
 */
async function verify(
  dir: string,
  card: readonly CardFile[],
): Promise<{ files: number; bytes: number }> {
  const found = await visibleFiles(dir);
  const byName = new Map(found.map((p) => [p.slice(p.lastIndexOf("/") + 1), p]));
  const missing = card.filter((f) => !byName.has(f.name)).map((f) => f.name);
  const extra = [...byName.keys()].filter((n) => !card.some((f) => f.name === n));
  if (missing.length || extra.length || byName.size !== found.length) {
    throw new Error(
      `${dir}: ${missing.length} missing (${missing.slice(0, 3)}), ${extra.length} unexpected ` +
        `(${extra.slice(0, 3)}), ${found.length - byName.size} duplicate names`,
    );
  }
  let bytes = 0;
  for (const f of card) {
    await checkBytes(byName.get(f.name)!, f.seed, f.size);
    bytes += f.size;
  }
  return { files: card.length, bytes };
}

/** One reading of a process's memory; `events` is how many camera events had arrived by then. */
interface Sample {
  ms: number;
  rssKiB: number;
  hwmKiB: number;
  events: number;
}

/** A finished process: wall time, output and the memory samples taken while it ran. */
interface Finished {
  seconds: number;
  success: boolean;
  output: string;
  samples: Sample[];
  /** Camera events before it started. */
  eventsBefore: number;
}

/**
 * Runs `argv` in `ns` to its end (killed after IMPORT_DEADLINE_MS), timing it from spawn to exit
 * and reading VmRSS/VmHWM of the process named `comm` under it every SAMPLE_MS.
 */
async function runSampled(
  ns: Netns,
  argv: string[],
  options: { comm: string; cwd: string; env: Record<string, string>; camera: DeviceProcess },
): Promise<Finished> {
  const eventsBefore = options.camera.events.length;
  const began = performance.now();
  const child = ns.spawn(argv, { cwd: options.cwd, env: options.env });
  let endedAt = 0;
  const status = child.status.then((s) => {
    endedAt = performance.now();
    return s;
  });
  const output = child.output();
  const samples: Sample[] = [];
  let ended = false;
  status.finally(() => ended = true);
  const sampler = (async () => {
    let pid: number | undefined;
    while (!ended && pid === undefined && performance.now() - began < 5000) {
      pid = await findPid(child.pid, options.comm);
      if (pid === undefined) await sleep(2);
    }
    while (!ended && pid !== undefined) {
      const { rssKiB, hwmKiB } = await memoryOf(pid);
      if (Number.isFinite(rssKiB)) {
        samples.push({
          ms: performance.now() - began,
          rssKiB,
          hwmKiB,
          events: options.camera.events.length,
        });
      }
      await sleep(SAMPLE_MS);
    }
  })();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* ended */ }
  }, IMPORT_DEADLINE_MS);
  try {
    const out = await output;
    await status;
    await sampler;
    return {
      seconds: (endedAt - began) / 1000,
      success: out.success,
      output: `${decoder.decode(out.stdout)}\n${decoder.decode(out.stderr)}`.slice(-4000),
      samples,
      eventsBefore,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** What a run of the camera answered since `from`: its requests by name. */
function requestsSince(camera: DeviceProcess, from: number): string[] {
  return camera.events.slice(from).filter((e) => e.event === "request").map((e) => String(e.name));
}

/** The camera program in the "cam" namespace with `files` on its card. */
async function startCamera(ns: Netns, files: readonly CardFile[]): Promise<DeviceProcess> {
  const camera = ptpipCamera(ns, CAM_IP, {
    files: files.map((f) => ({ path: f.path, content: { seed: f.seed, size: f.size } })),
  });
  await camera.waitFor("listening");
  return camera;
}

/** Where a lab run keeps things, and the two namespaces. */
interface Lab {
  pc: Netns;
  cam: Netns;
  tmp: string;
}

let folders = 0;

/** A fresh empty folder under the bench's temp dir. */
async function fresh(lab: Lab, what: string): Promise<string> {
  const dir = join(lab.tmp, `${what}-${++folders}`);
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

/** Imports the camera's card into `dest` with `tool`, in the "pc" namespace, with a fresh HOME. */
async function importWith(
  lab: Lab,
  tool: ImportTool,
  dest: string,
  camera: DeviceProcess,
): Promise<Finished> {
  const home = await fresh(lab, `home-${tool}`);
  const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config"), LANG: "C", NO_COLOR: "1" };
  const cache = denoCacheDir();
  if (tool === "gphoto2") {
    return await runSampled(
      lab.pc,
      ["gphoto2", "--port", `ptpip:${CAM_IP}`, "-P", "--skip-existing"],
      { comm: "gphoto2", cwd: dest, env: { ...env, LC_ALL: "C" }, camera },
    );
  }
  return await runSampled(
    lab.pc,
    [
      Deno.execPath(),
      "run",
      ...RUNTIME_FLAGS,
      "--config",
      join(ROOT, "deno.json"),
      join(ROOT, "main.ts"),
      "import",
      CAM_IP,
      "--to",
      dest,
      "--uuid",
      BENCH_UUID,
    ],
    {
      comm: "deno",
      cwd: home,
      // The module cache stays the user's: with the fresh HOME alone, Deno would look for its npm
      // packages in an empty cache and try the registry from a namespace with no way out.
      env: { ...env, ...(cache ? { DENO_DIR: cache } : {}) },
      camera,
    },
  );
}

function failure(tool: ImportTool, what: string, f: Finished): Error {
  return new Error(`${tool} ${what} failed after ${f.seconds.toFixed(1)} s:\n${f.output.trim()}`);
}

/** The throughput card: `smallFiles` JPEGs and one large movie, each with its own seed. */
function throughputCard(config: ImportBenchConfig): CardFile[] {
  const card: CardFile[] = [];
  for (let i = 1; i <= config.smallFiles; i++) {
    const name = `IMG_${String(i).padStart(4, "0")}.JPG`;
    card.push({ path: `DCIM/100CANON/${name}`, name, seed: i, size: config.smallBytes });
  }
  const n = config.smallFiles + 1;
  const name = `MVI_${String(n).padStart(4, "0")}.MP4`;
  card.push({ path: `DCIM/100CANON/${name}`, name, seed: n, size: config.largeBytes });
  return card;
}

/** Interleaved imports of the large card by each tool, each checked byte for byte. */
async function throughputRuns(
  lab: Lab,
  config: ImportBenchConfig,
  tools: ImportTool[],
  notMeasured: Record<string, string>,
): Promise<ImportRun[]> {
  const card = throughputCard(config);
  await using camera = await startCamera(lab.cam, card);
  // One untimed import each: caches warm, and a tool that cannot import is left out, said why.
  const working: ImportTool[] = [];
  for (const tool of tools) {
    const dest = await fresh(lab, `warm-${tool}`);
    const f = await importWith(lab, tool, dest, camera);
    try {
      if (!f.success) throw failure(tool, "warm-up import", f);
      await verify(dest, card);
      working.push(tool);
    } catch (error) {
      notMeasured[tool] = (error as Error).message;
      progress(`${tool} left out: ${notMeasured[tool]}`);
    } finally {
      await Deno.remove(dest, { recursive: true });
    }
  }
  const runs: ImportRun[] = [];
  for (let run = 0; run < config.runs; run++) {
    // Alternating who goes first spreads a slow spell of the machine over both.
    const order = run % 2 ? [...working].reverse() : working;
    for (const tool of order) {
      const dest = await fresh(lab, `run-${tool}`);
      try {
        const f = await importWith(lab, tool, dest, camera);
        if (!f.success) throw failure(tool, `run ${run + 1}`, f);
        const { files, bytes } = await verify(dest, card);
        const last = f.samples.at(-1);
        runs.push({ tool, run, seconds: f.seconds, bytes, files, peakKiB: last?.hwmKiB });
        progress(
          `run ${run + 1}: ${tool}: ${(bytes / 1e6 / f.seconds).toFixed(1)} MB/s ` +
            `(${f.seconds.toFixed(2)} s), byte-identical`,
        );
      } catch (error) {
        progress(`run ${run + 1}: ${tool} failed: ${(error as Error).message}`);
      } finally {
        await Deno.remove(dest, { recursive: true });
      }
    }
  }
  return runs;
}

/**
 * Our import's memory: a card of the large file alone, imported into an empty folder while sampled
 * (the transfer is the time between the camera answering the request before GetObject and its
 * answer to GetObject), then imported again into the same folder (idle: all of it but the copy).
 */
async function rssRuns(lab: Lab, config: ImportBenchConfig): Promise<RssRun[]> {
  const name = "MVI_0001.MP4";
  const card = [{ path: `DCIM/100CANON/${name}`, name, seed: 7, size: config.largeBytes }];
  await using camera = await startCamera(lab.cam, card);
  const runs: RssRun[] = [];
  for (let run = 0; run < config.runs; run++) {
    const dest = await fresh(lab, "rss");
    try {
      const f = await importWith(lab, "ours", dest, camera);
      if (!f.success) throw failure("ours", "import of the large file", f);
      await verify(dest, card);
      const events = camera.events;
      const get = events.findIndex((e, i) =>
        i >= f.eventsBefore && e.event === "request" && TRANSFERS.has(String(e.name))
      );
      let previous = get - 1;
      while (previous >= f.eventsBefore && events[previous].event !== "request") previous--;
      if (get < 0 || previous < f.eventsBefore) throw new Error("no transfer seen by the camera");
      // Samples that saw the request before the transfer answered and not yet the transfer's.
      const during = f.samples.filter((s) => s.events > previous && s.events <= get);
      const before = f.samples.filter((s) => s.events <= previous).at(-1);
      const again = await importWith(lab, "ours", dest, camera);
      if (!again.success) throw failure("ours", "import again", again);
      const copied = requestsSince(camera, again.eventsBefore).filter((n) => TRANSFERS.has(n));
      if (copied.length) throw new Error(`import again transferred ${copied.length} objects`);
      runs.push({
        run,
        fileBytes: config.largeBytes,
        idleHwmKiB: again.samples.at(-1)?.hwmKiB ?? NaN,
        beforeTransferKiB: before?.rssKiB ?? NaN,
        transferPeakKiB: Math.max(...during.map((s) => s.rssKiB)),
        hwmKiB: f.samples.at(-1)?.hwmKiB ?? NaN,
        transferSamples: during.length,
      });
      const r = runs.at(-1)!;
      progress(
        `rss ${run + 1}: idle ${(r.idleHwmKiB / 1024).toFixed(1)} MiB HWM, before ` +
          `${(r.beforeTransferKiB / 1024).toFixed(1)}, transfer peak ` +
          `${(r.transferPeakKiB / 1024).toFixed(1)} (${during.length} samples), HWM ` +
          `${(r.hwmKiB / 1024).toFixed(1)}`,
      );
    } catch (error) {
      progress(`rss ${run + 1} failed: ${(error as Error).message}`);
    } finally {
      await Deno.remove(dest, { recursive: true });
    }
  }
  return runs;
}

/** A card of many small photos: imported once, then again `again` times into the same folder. */
async function reimportRuns(
  lab: Lab,
  config: ImportBenchConfig,
  tools: ImportTool[],
): Promise<ReimportRun[]> {
  const card: CardFile[] = [];
  for (let i = 1; i <= config.photos; i++) {
    const name = `IMG_${String(i).padStart(4, "0")}.JPG`;
    const folder = `${100 + Math.floor((i - 1) / 500)}CANON`;
    card.push({ path: `DCIM/${folder}/${name}`, name, seed: 1000 + i, size: config.photoBytes });
  }
  await using camera = await startCamera(lab.cam, card);
  const results: ReimportRun[] = [];
  for (const tool of tools) {
    const dest = await fresh(lab, `again-${tool}`);
    try {
      const first = await importWith(lab, tool, dest, camera);
      if (!first.success) throw failure(tool, `first import of ${config.photos} photos`, first);
      await verify(dest, card);
      const againSeconds: number[] = [];
      let transfersAgain = 0;
      let requestsAgain = 0;
      for (let i = 0; i < config.again; i++) {
        const f = await importWith(lab, tool, dest, camera);
        if (!f.success) throw failure(tool, "import again", f);
        const requests = requestsSince(camera, f.eventsBefore);
        transfersAgain += requests.filter((n) => TRANSFERS.has(n)).length;
        requestsAgain = requests.length;
        if (i === 0) {
          const counts = new Map<string, number>();
          for (const n of requests) counts.set(n, (counts.get(n) ?? 0) + 1);
          progress(`again: ${tool} asked ${[...counts].map(([n, c]) => `${c} ${n}`).join(", ")}`);
        }
        againSeconds.push(f.seconds);
      }
      // Nothing added, renamed or overwritten by the imports again.
      await verify(dest, card);
      results.push({
        tool,
        photos: config.photos,
        firstSeconds: first.seconds,
        againSeconds,
        transfersAgain,
        requestsAgain,
      });
      progress(
        `again: ${tool}: first ${first.seconds.toFixed(2)} s, again ${
          againSeconds.map((s) => s.toFixed(2)).join(", ")
        } s, ${transfersAgain} transfers`,
      );
    } catch (error) {
      progress(`again: ${tool} failed: ${(error as Error).message}`);
    } finally {
      await Deno.remove(dest, { recursive: true });
    }
  }
  return results;
}

/** Measures everything in a fresh lab; the namespaces and temp files are gone when it returns. */
export async function importBench(config: ImportBenchConfig): Promise<ImportResults> {
  const support = await namespaceSupport();
  if (!support.available) throw new Error(`cannot run the import bench: ${support.reason}`);
  const notMeasured: Record<string, string> = {};
  const tools: ImportTool[] = ["ours"];
  if (await succeeds("gphoto2", ["--version"])) tools.push("gphoto2");
  else notMeasured.gphoto2 = "gphoto2 is not installed (apt-get install gphoto2)";
  // Modules cached beforehand, so a timed import measures importing, not downloading.
  await new Deno.Command(Deno.execPath(), {
    args: ["cache", "--config", join(ROOT, "deno.json"), join(ROOT, "main.ts")],
    stdout: "null",
    stderr: "null",
  }).output();
  const tmp = await Deno.makeTempDir({ prefix: "ptpip-bench-import-" });
  try {
    await using netlab = await NetnsLab.create();
    let stopping: Promise<void> | undefined;
    const interrupted = () => {
      stopping ??= netlab[Symbol.asyncDispose]().finally(() => {
        Deno.removeSync(tmp, { recursive: true });
        Deno.exit(130);
      });
    };
    Deno.addSignalListener("SIGINT", interrupted);
    Deno.addSignalListener("SIGTERM", interrupted);
    try {
      const { pc, camera: cam } = await netlab.pcAndCamera(SUBNET);
      const lab: Lab = { pc, cam, tmp };
      const card = throughputCard(config);
      const runs = config.phases.includes("throughput")
        ? await throughputRuns(lab, config, tools, notMeasured)
        : [];
      const rss = config.phases.includes("rss") && !notMeasured.ours
        ? await rssRuns(lab, config)
        : [];
      const reimport = config.phases.includes("again")
        ? await reimportRuns(lab, config, tools.filter((t) => !notMeasured[t]))
        : [];
      return {
        card: {
          files: card.length,
          bytes: card.reduce((sum, f) => sum + f.size, 0),
          largest: config.largeBytes,
        },
        runs,
        rss,
        reimport,
        notMeasured,
      };
    } finally {
      Deno.removeSignalListener("SIGINT", interrupted);
      Deno.removeSignalListener("SIGTERM", interrupted);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** The import bench's part of the report, Markdown. */
export function renderImportReport(r: ImportResults): string {
  const out: string[] = ["## Import beside gphoto2"];
  for (const [tool, why] of Object.entries(r.notMeasured)) {
    out.push("", `**${tool} not measured:** ${why.split("\n")[0]}`);
  }
  for (const section of importSections(r)) out.push("", `### ${section.title}`, "", section.table);
  out.push("", "### Import targets", "", targetTable(importTargets(r)));
  return out.join("\n");
}

/**
 * `--runs N`, `--quick` (1 run, again twice) and `--phases throughput,rss,again`; anything else is
 * refused.
 */
export function parseImportArgs(argv: readonly string[]): ImportBenchConfig {
  const config = { ...DEFAULT_IMPORT_CONFIG };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--runs") config.runs = Math.max(1, Number(argv[++i]) || 1);
    else if (argv[i] === "--quick") Object.assign(config, { runs: 1, again: 2 });
    else if (argv[i] === "--phases") {
      const phases = (argv[++i] ?? "").split(",") as Phase[];
      if (!phases.every((p) => PHASES.includes(p))) throw new Error(`--phases: ${PHASES}`);
      config.phases = phases;
    } else if (argv[i] !== "--") {
      throw new Error(`unknown argument ${argv[i]} (see bench/README.md)`);
    }
  }
  return config;
}

if (import.meta.main) {
  const results = await importBench(parseImportArgs(Deno.args));
  console.log(renderImportReport(results));
}
