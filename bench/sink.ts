/**
 * The photo sink bench: `serve --import-to DIR` in a "pc" namespace, and in a "cam" namespace a
 * camera's two sides, the pairing fake (a PowerShot that searches, `lab/fake_camera.ts`, or an
 * EOS 6D that announces, `lab/fake_device.ts`) and the fake PTP/IP camera on 15740
 * (`lab/ptpip_camera_main.ts`, in eos mode for the 6D). It measures:
 *
 * - latency: from the camera's `add` to the file renamed into place in DEST (polled every 2 ms),
 *   10 photos of 1 MB per flow, each checked byte for byte; a random 0-1 s pause before each add,
 *   as a photo is taken at any point of the EOS poll's second;
 * - ssdp: the c=1 answer latency of bench/loadgen.c (closed loop, compiled into bench/.cache) in
 *   windows of 300 ms while idle, and in the windows that lie wholly inside the import of a 300 MB
 *   file, same helper, same run: once with the camera paced at a Wi-Fi-like rate (`--wifi-rate`,
 *   10 MB/s by default, generous: Canon bodies are reported at 1-1.5 MB/s, see bench/README.md),
 *   then 3 times unpaced (the fake camera as fast as it can make the bytes: the worst case);
 * - rss: the helper's VmRSS (/proc) idle after start, pairing and the card's import, then after
 *   1,000 photos of 300 kB added in batches of 50, each batch in DEST before the next;
 * - silence (`--silence-minutes M`, off by default): both flows left alone M minutes at once, then
 *   one photo; the session must be the first one, never closed, and the keep-alives are counted.
 *
 *     deno run --allow-all bench/sink.ts [--phases latency,ssdp,rss,silence] [--flows powershot,eos]
 *         [--photos N] [--silence-minutes M] [--wifi-rate BYTES_PER_SECOND] [--big-runs N]
 *
 * Prints Markdown on stdout, progress on stderr. Every process that sends a packet runs in the
 * lab's namespaces (`lab/netns.ts`); only gcc runs outside, and it uses no network.
 *
 * @module
 */

import { join } from "node:path";
import { denoCacheDir, namespaceSupport, type Netns, NetnsLab } from "../lab/netns.ts";
import type { DeviceProcess } from "../lab/device_process.ts";
import { helperArgv, type HelperProcess, homeEnv, startHelper } from "../lab/helper_process.ts";
import {
  eos6dPairing,
  PHOTO_DATE as DATE,
  PHOTO_DAY as DAY,
  powershotPairing,
} from "../lab/photo_sink_lab.ts";
import { checkBytes, ptpipCamera } from "../lab/ptpip_camera_process.ts";
import { exists } from "../lib/util/file_probe.ts";
import { sleep } from "../lib/util/timers.ts";
import { findPid, memoryOf } from "./proc.ts";
import { type LatencySummary, latencySummary, median } from "./stats.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CACHE = join(ROOT, "bench", ".cache");
const UUID = "00000000-0000-4000-8000-000000000000";
const decoder = new TextDecoder();

/** The two ways a camera comes to the helper. */
export type Flow = "powershot" | "eos";
/** The bench's parts. */
export type Phase = "latency" | "ssdp" | "rss" | "silence";

/** What to measure. */
export interface SinkBenchConfig {
  /** The parts to run. */
  phases: Phase[];
  /** The flows of the latency, RSS and silence parts. */
  flows: Flow[];
  /** Photos added one at a time, each timed. */
  adds: number;
  /** Size of each timed photo. */
  addBytes: number;
  /** The large file imported while SSDP is measured. */
  bigBytes: number;
  /** How many times it is added with the camera unpaced. */
  bigRuns: number;
  /** The camera's pace for one more import of it, bytes a second (0: left out). */
  wifiBytesPerSecond: number;
  /** Idle loadgen windows before each large import. */
  idleWindows: number;
  /** A loadgen window's length. */
  windowMs: number;
  /** Photos added for the RSS figure. */
  photos: number;
  /** Their size. */
  photoBytes: number;
  /** How many are added before waiting for them. */
  batch: number;
  /** Minutes of camera silence; 0 leaves the phase out. */
  silenceMinutes: number;
}

const DEFAULTS: SinkBenchConfig = {
  phases: ["latency", "ssdp", "rss"],
  flows: ["powershot", "eos"],
  adds: 10,
  addBytes: 1_000_000,
  bigBytes: 300_000_000,
  bigRuns: 3,
  wifiBytesPerSecond: 10_000_000,
  idleWindows: 8,
  windowMs: 300,
  photos: 1000,
  photoBytes: 300_000,
  batch: 50,
  silenceMinutes: 0,
};

function progress(message: string): void {
  console.error(`bench sink: ${message}`);
}

/** The first process under `root` (itself included) named `comm`, looked for again every 20 ms for 5 s. */
async function waitForPid(root: number, comm: string): Promise<number> {
  for (let tries = 0; tries < 250; tries++) {
    const pid = await findPid(root, comm);
    if (pid !== undefined) return pid;
    await sleep(20);
  }
  throw new Error(`no process named ${comm} under ${root}`);
}

/** The median VmRSS of `count` readings 200 ms apart, KiB. */
async function steadyRss(pid: number, count = 5): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i) await sleep(200);
    readings.push((await memoryOf(pid)).rssKiB);
  }
  return median(readings);
}

/** Resolves with performance.now() once `path` exists, polled every `everyMs`; throws after `ms`. */
async function fileAppears(path: string, ms: number, everyMs = 2): Promise<number> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    if (await exists(path)) return performance.now();
    await sleep(everyMs);
  }
  throw new Error(`${path} not there within ${ms} ms`);
}

/** One camera and the helper that imports from it. */
interface Pair extends AsyncDisposable {
  flow: Flow;
  /** The camera's and the helper's namespaces, and the helper's address. */
  cam: Netns;
  pc: Netns;
  pcIp: string;
  camIp: string;
  camera: DeviceProcess;
  helper: HelperProcess;
  /** The helper's own process (under `ip netns exec`). */
  pid: number;
  dest: string;
  /** Adds a photo of seeded content to the card. */
  add(name: string, size: number, seed: number): Promise<void>;
}

/** UDP 1900 and TCP 8043 (listening) as `/proc/net` writes them: port in hex after the address. */
const SSDP_SOCKET = /^\s*\d+: [0-9A-F]+:076C /m;
const DESCRIPTION_LISTENER = /^\s*\d+: [0-9A-F]+:1F6B [0-9A-F]+:0000 0A /m;

/**
 * Waits until process `pid` has its SSDP socket and description listener open, read from its own
 * network namespace's socket tables, polled every 50 ms for up to `timeoutMs`.
 */
async function servesSsdpAndDescription(pid: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const [udp, tcp] = await Promise.all(
      ["udp", "tcp"].map((table) => Deno.readTextFile(`/proc/${pid}/net/${table}`)),
    );
    if (SSDP_SOCKET.test(udp) && DESCRIPTION_LISTENER.test(tcp)) return;
    if (performance.now() > deadline) {
      throw new Error(
        `the helper (pid ${pid}) did not open UDP 1900 and TCP 8043 in ${timeoutMs} ms`,
      );
    }
    await sleep(50);
  }
}

/**
 * Starts the fake PTP/IP camera, the helper with `--import-to` (and `extra`), then the pairing
 * side; returns once the card's first photo is in DEST.
 */
async function startPair(
  lab: NetnsLab,
  subnet: string,
  flow: Flow,
  tmp: string,
  extra: string[] = [],
): Promise<Pair> {
  const { pc, camera: cam } = await lab.pcAndCamera(subnet);
  const ip = `${subnet}.2`;
  const dest = await Deno.makeTempDir({ dir: tmp, prefix: `${flow}-` });
  const stack = new AsyncDisposableStack();
  try {
    const camera = stack.use(
      ptpipCamera(cam, ip, {
        ...(flow === "eos" ? { eos: true, model: "Canon EOS 6D" } : {}),
        files: [{
          path: "DCIM/100CANON/IMG_0001.JPG",
          content: { seed: 1, size: 5000 },
          captureDate: DATE,
        }],
      }),
    );
    await camera.waitFor("listening");
    const helper = stack.use(
      await startHelper(
        ["--import-to", dest, "--uuid", UUID, ...(flow === "eos" ? ["--eos"] : []), ...extra],
        { netns: pc },
      ),
    );
    const pid = await waitForPid(helper.pid, "deno");
    // A PowerShot searches once at start: only once the helper serves may the camera come. -q
    // hides the ready line, so then the helper's sockets say it.
    if (extra.includes("-q")) await servesSsdpAndDescription(pid, 30_000);
    else await helper.waitForLine(/ready: waiting for a camera/);
    const pairing = stack.use(
      flow === "eos" ? eos6dPairing(cam, ip) : powershotPairing(cam),
    );
    if (flow === "eos") {
      await pairing.waitFor("listening");
      await pairing.command("announce");
    }
    await fileAppears(`${dest}/${DAY}/IMG_0001.JPG`, 30_000, 20);
    const moved = stack.move();
    return {
      flow,
      cam,
      pc,
      pcIp: `${subnet}.1`,
      camIp: ip,
      camera,
      helper,
      pid,
      dest,
      add: (name, size, seed) =>
        camera.command(`add DCIM/100CANON/${name} ${size} ${seed} ${DATE}`),
      [Symbol.asyncDispose]: () => moved.disposeAsync(),
    };
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}

/** Add to file in place, ms, for each of `config.adds` photos. */
async function latencyPhase(
  config: SinkBenchConfig,
  flow: Flow,
  subnet: string,
  tmp: string,
): Promise<number[]> {
  await using lab = await NetnsLab.create();
  await using pair = await startPair(lab, subnet, flow, tmp);
  const latencies: number[] = [];
  for (let i = 0; i < config.adds; i++) {
    const name = `IMG_1${String(i).padStart(3, "0")}.JPG`;
    const size = config.addBytes + i;
    await sleep(Math.random() * 1000);
    const started = performance.now();
    await pair.add(name, size, 100 + i);
    const done = await fileAppears(`${pair.dest}/${DAY}/${name}`, 10_000);
    latencies.push(done - started);
    await checkBytes(`${pair.dest}/${DAY}/${name}`, 100 + i, size);
  }
  progress(`${flow}: add -> file ${latencies.map(Math.round).join(", ")} ms`);
  return latencies;
}

/** Compiles bench/loadgen.c into bench/.cache (gitignored) unless it is there and newer. */
async function loadgenPath(): Promise<string> {
  const out = join(CACHE, "loadgen");
  const source = join(ROOT, "bench", "loadgen.c");
  const built = await Deno.stat(out).catch(() => undefined);
  if (built && built.mtime! >= (await Deno.stat(source)).mtime!) return out;
  await Deno.mkdir(CACHE, { recursive: true });
  const gcc = await new Deno.Command("gcc", {
    args: ["-O2", "-Wall", "-pthread", "-o", out, source],
    stderr: "piped",
  }).output();
  if (!gcc.success) throw new Error(`gcc failed: ${decoder.decode(gcc.stderr)}`);
  return out;
}

/** One loadgen window: c=1 closed loop at the helper's port 1900; latencies in ns. */
async function window(
  cam: Netns,
  loadgen: string,
  target: string,
  ms: number,
  samples: string,
): Promise<{ ns: Uint32Array; timeouts: number }> {
  const out = await cam.output([
    loadgen,
    "closed",
    "--target",
    target,
    "--clients",
    "1",
    "--duration-ms",
    String(ms),
    "--warmup-ms",
    "30",
    "--timeout-ms",
    "200",
    "--samples",
    samples,
  ]);
  if (!out.success) throw new Error(`loadgen failed: ${decoder.decode(out.stderr)}`);
  const r = JSON.parse(decoder.decode(out.stdout));
  const bytes = await Deno.readFile(samples);
  return {
    ns: new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2),
    timeouts: r.timeouts,
  };
}

/** A latency summary of some loadgen windows. */
export type Windows = LatencySummary & {
  /** Searches unanswered within 200 ms. */
  timeouts: number;
  /** Windows pooled. */
  windows: number;
};

/** What the SSDP phase found. */
export interface SsdpResult {
  /** Windows while idle. */
  idle: Windows;
  /** Windows wholly inside the imports with the camera paced at `wifiBytesPerSecond`. */
  paced?: Windows;
  /** Windows wholly inside the imports with the camera unpaced. */
  during: Windows;
  /** Control: while another process (`import`) pulls the card, the helper only serving. */
  beside: Windows;
  /** Each unpaced large import, add to file in place. */
  importSeconds: number[];
  /** The paced import, add to file in place. */
  pacedSeconds?: number;
}

function summarise(parts: { ns: Uint32Array; timeouts: number }[]): Windows {
  const all = new Uint32Array(parts.reduce((n, p) => n + p.ns.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p.ns, at);
    at += p.ns.length;
  }
  return {
    ...latencySummary(all),
    timeouts: parts.reduce((n, p) => n + p.timeouts, 0),
    windows: parts.length,
  };
}

/**
 * The helper answering c=1 searches while idle and while importing the large file; windows that
 * may have overlapped the import's end are dropped.
 */
async function ssdpPhase(
  config: SinkBenchConfig,
  subnet: string,
  tmp: string,
): Promise<SsdpResult> {
  const loadgen = await loadgenPath();
  await using lab = await NetnsLab.create();
  // -q and no rate limits, as bench/run.ts measures "ours" at c=1: every search answered, no lines.
  await using pair = await startPair(lab, subnet, "powershot", tmp, [
    "-q",
    "--source-rate",
    "0",
    "--global-rate",
    "0",
  ]);
  const target = `${pair.pcIp}:1900`;
  const samples = join(tmp, "ssdp-samples.bin");
  const idle: { ns: Uint32Array; timeouts: number }[] = [];
  const idleWindows = async () => {
    for (let i = 0; i < config.idleWindows; i++) {
      idle.push(await window(pair.cam, loadgen, target, config.windowMs, samples));
    }
  };
  /** Adds the large file and measures the windows wholly inside its import; its seconds. */
  const importRun = async (
    run: number,
    into: { ns: Uint32Array; timeouts: number }[],
    what: string,
  ): Promise<number> => {
    const name = `MVI_${String(run + 1).padStart(4, "0")}.MP4`;
    const path = `${pair.dest}/${DAY}/${name}`;
    const started = performance.now();
    await pair.add(name, config.bigBytes, 500 + run);
    let kept = 0;
    while (!(await exists(path))) {
      const w = await window(pair.cam, loadgen, target, config.windowMs, samples);
      if (await exists(path)) break;
      into.push(w);
      kept++;
      if (performance.now() - started > 300_000) throw new Error(`${name} not imported in 5 min`);
    }
    const done = await fileAppears(path, 300_000, 5);
    await checkBytes(path, 500 + run, config.bigBytes);
    await Deno.remove(path);
    const seconds = (done - started) / 1000;
    progress(
      `ssdp: ${name} (${what}) imported in ${seconds.toFixed(2)} s, byte-identical; ` +
        `${kept} windows inside it`,
    );
    return seconds;
  };
  let run = 0;
  const paced: { ns: Uint32Array; timeouts: number }[] = [];
  let pacedSeconds: number | undefined;
  if (config.wifiBytesPerSecond > 0) {
    await idleWindows();
    await pair.camera.command(`rate ${config.wifiBytesPerSecond}`);
    pacedSeconds = await importRun(run++, paced, `${config.wifiBytesPerSecond / 1e6} MB/s`);
    await pair.camera.command("rate off");
  }
  const during: { ns: Uint32Array; timeouts: number }[] = [];
  const importSeconds: number[] = [];
  for (let i = 0; i < config.bigRuns; i++) {
    await idleWindows();
    importSeconds.push(await importRun(run++, during, "unpaced"));
  }
  // The control: the same transfers on the same machine, by a separate `import` process, so the
  // helper serves while the machine is as busy but its own event loop is not importing.
  const beside: { ns: Uint32Array; timeouts: number }[] = [];
  const to = await Deno.makeTempDir({ dir: tmp, prefix: "control-" });
  const home = await Deno.makeTempDir({ dir: tmp, prefix: "home-" });
  const cache = denoCacheDir();
  const child = pair.pc.spawn(
    helperArgv(["import", pair.camIp, "--to", to, "--uuid", UUID, "-q"]),
    {
      env: { ...homeEnv(home), NO_COLOR: "1", ...(cache ? { DENO_DIR: cache } : {}) },
      stdout: "null",
      stderr: "null",
    },
  );
  let ended = false;
  const status = child.status.finally(() => ended = true);
  // Past its start (modules, session, listing): the first photo of the card is in.
  await fileAppears(`${to}/${DAY}/IMG_0001.JPG`, 30_000, 5);
  while (!ended) {
    const w = await window(pair.cam, loadgen, target, config.windowMs, samples);
    if (ended) break;
    beside.push(w);
  }
  if (!(await status).success) throw new Error("the control import failed");
  progress(`ssdp: control import of the card done; ${beside.length} windows beside it`);
  return {
    idle: summarise(idle),
    ...(paced.length ? { paced: summarise(paced), pacedSeconds } : {}),
    during: summarise(during),
    beside: summarise(beside),
    importSeconds,
  };
}

/** What the RSS phase found, KiB. */
export interface RssResult {
  /** The flow. */
  flow: Flow;
  /** Photos added. */
  photos: number;
  /** VmRSS idle. */
  idleKiB: number;
  /** VmRSS after them. */
  afterKiB: number;
  /** VmHWM at the end. */
  peakKiB: number;
  /** VmRSS after each batch. */
  series: number[];
  /** From the first add to the last photo in place. */
  seconds: number;
}

/** The helper's VmRSS idle, then after `config.photos` photos added in batches. */
async function rssPhase(
  config: SinkBenchConfig,
  flow: Flow,
  subnet: string,
  tmp: string,
): Promise<RssResult> {
  await using lab = await NetnsLab.create();
  await using pair = await startPair(lab, subnet, flow, tmp);
  // Settled: the start's modules loaded, pairing done, the card imported, a poll or two since.
  await sleep(3000);
  const idleKiB = await steadyRss(pair.pid);
  const series: number[] = [];
  const started = performance.now();
  let peakKiB = idleKiB;
  for (let first = 0; first < config.photos; first += config.batch) {
    const names: string[] = [];
    for (let i = first; i < Math.min(config.photos, first + config.batch); i++) {
      const name = `IMG_${String(2000 + i).padStart(4, "0")}.JPG`;
      await pair.add(name, config.photoBytes, 10_000 + i);
      names.push(name);
    }
    for (const name of names) await fileAppears(`${pair.dest}/${DAY}/${name}`, 60_000, 20);
    const m = await memoryOf(pair.pid);
    series.push(m.rssKiB);
    peakKiB = Math.max(peakKiB, m.hwmKiB);
  }
  const seconds = (performance.now() - started) / 1000;
  // Spot checks of the bytes: the first, a middle and the last photo.
  for (const i of [0, config.photos >> 1, config.photos - 1]) {
    const name = `IMG_${String(2000 + i).padStart(4, "0")}.JPG`;
    await checkBytes(`${pair.dest}/${DAY}/${name}`, 10_000 + i, config.photoBytes);
  }
  const files = [...Deno.readDirSync(`${pair.dest}/${DAY}`)].filter((e) => !e.name.startsWith("."));
  if (files.length !== config.photos + 1) {
    throw new Error(`${files.length} files in DEST, not ${config.photos + 1}`);
  }
  await sleep(3000);
  const afterKiB = await steadyRss(pair.pid);
  peakKiB = Math.max(peakKiB, (await memoryOf(pair.pid)).hwmKiB);
  progress(
    `rss ${flow}: idle ${(idleKiB / 1024).toFixed(1)} MiB, after ${config.photos} photos ` +
      `${(afterKiB / 1024).toFixed(1)} MiB (${seconds.toFixed(0)} s), peak ${
        (peakKiB / 1024).toFixed(1)
      } MiB`,
  );
  return { flow, photos: config.photos, idleKiB, afterKiB, peakKiB, series, seconds };
}

/** What a flow's silence looked like. */
export interface SilenceResult {
  /** The flow. */
  flow: Flow;
  /** Minutes of silence. */
  minutes: number;
  /** Sessions the camera saw (1: never reconnected). */
  sessions: number;
  /** Connections the camera saw closed. */
  closed: number;
  /** Operations the helper sent during the silence, by name. */
  operations: Record<string, number>;
  /** Lines of the helper saying the session failed or was lost. */
  lostLines: number;
  /** The photo added after the silence: add to file, ms. */
  afterMs: number;
}

/** A pair left alone `config.silenceMinutes`, then one photo. */
async function silencePhase(
  config: SinkBenchConfig,
  flow: Flow,
  subnet: string,
  tmp: string,
): Promise<SilenceResult> {
  await using lab = await NetnsLab.create();
  await using pair = await startPair(lab, subnet, flow, tmp);
  const from = pair.camera.events.length;
  await sleep(config.silenceMinutes * 60_000);
  const events = pair.camera.events.slice(from);
  const operations: Record<string, number> = {};
  for (const e of events.filter((e) => e.event === "request")) {
    operations[String(e.name)] = (operations[String(e.name)] ?? 0) + 1;
  }
  const started = performance.now();
  await pair.add("IMG_9000.JPG", config.addBytes, 9000);
  const done = await fileAppears(`${pair.dest}/${DAY}/IMG_9000.JPG`, 10_000);
  await checkBytes(`${pair.dest}/${DAY}/IMG_9000.JPG`, 9000, config.addBytes);
  const result = {
    flow,
    minutes: config.silenceMinutes,
    sessions: pair.camera.all("session").length,
    closed: pair.camera.all("closed").length,
    operations,
    lostLines: pair.helper.lines.filter((l) => /trying again|failed|lost|dropped/.test(l)).length,
    afterMs: done - started,
  };
  progress(`silence ${flow}: ${JSON.stringify(result)}`);
  return result;
}

/** Everything measured. */
export interface SinkResults {
  /** Add to file in place, ms, per flow. */
  latency: Partial<Record<Flow, number[]>>;
  /** The SSDP part. */
  ssdp?: SsdpResult;
  /** The RSS part, per flow. */
  rss: RssResult[];
  /** The silence part, per flow. */
  silence: SilenceResult[];
  /** Parts that failed, one line each. */
  failures: string[];
}

const SUBNETS: Record<Phase, Record<Flow, string>> = {
  latency: { powershot: "10.79.1", eos: "10.79.2" },
  ssdp: { powershot: "10.79.3", eos: "10.79.3" },
  rss: { powershot: "10.79.4", eos: "10.79.5" },
  silence: { powershot: "10.79.6", eos: "10.79.7" },
};

/** Runs the phases asked for; a phase that fails is said, and the rest still run. */
export async function sinkBench(config: SinkBenchConfig): Promise<SinkResults> {
  const support = await namespaceSupport();
  if (!support.available) throw new Error(`cannot run the sink bench: ${support.reason}`);
  const tmp = await Deno.makeTempDir({ prefix: "ptpip-bench-sink-" });
  const results: SinkResults = { latency: {}, rss: [], silence: [], failures: [] };
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      results.failures.push(`${what}: ${(error as Error).message.split("\n")[0]}`);
      progress(`${what} failed: ${(error as Error).stack}`);
    }
  };
  try {
    if (config.phases.includes("silence")) {
      // Started first and left to run beside the others: it only waits.
      const silence = Promise.all(
        config.flows.map((flow) =>
          attempt(`silence ${flow}`, async () => {
            results.silence.push(await silencePhase(config, flow, SUBNETS.silence[flow], tmp));
          })
        ),
      );
      await runOthers();
      await silence;
    } else {
      await runOthers();
    }
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  return results;

  async function runOthers(): Promise<void> {
    for (const flow of config.flows) {
      if (!config.phases.includes("latency")) break;
      await attempt(`latency ${flow}`, async () => {
        results.latency[flow] = await latencyPhase(config, flow, SUBNETS.latency[flow], tmp);
      });
    }
    if (config.phases.includes("ssdp")) {
      await attempt("ssdp", async () => {
        results.ssdp = await ssdpPhase(config, SUBNETS.ssdp.powershot, tmp);
      });
    }
    for (const flow of config.flows) {
      if (!config.phases.includes("rss")) break;
      await attempt(`rss ${flow}`, async () => {
        results.rss.push(await rssPhase(config, flow, SUBNETS.rss[flow], tmp));
      });
    }
  }
}

const ms = (v: number) => `${Math.round(v)} ms`;
const us = (v: number) => `${Math.round(v)} µs`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const verdict = (ok: boolean) => ok ? "PASS" : "FAIL";

/** The results as Markdown. */
export function renderSinkReport(r: SinkResults, config: SinkBenchConfig): string {
  const out = ["## Photo sink", ""];
  out.push("| target | figure | result |", "| --- | --- | --- |");
  for (const [flow, values] of Object.entries(r.latency)) {
    const m = median(values!);
    out.push(
      `| ${flow}: add → file in place, median of ${values!.length} (${
        config.addBytes / 1e6
      } MB) ≤ 2 s + transfer | ${ms(m)} (min ${ms(Math.min(...values!))}, max ${
        ms(Math.max(...values!))
      }) | ${verdict(m <= 2000)} |`,
    );
  }
  if (r.ssdp) {
    const { idle, during, paced } = r.ssdp;
    const against = (w: Windows, how: string) =>
      `| c=1 answer p99 during a ${config.bigBytes / 1e6} MB import ${how} ≤ 2× idle | idle ${
        us(idle.p99Us)
      } (p50 ${us(idle.p50Us)}, ${idle.count} answers, ${idle.timeouts} timeouts); during ${
        us(w.p99Us)
      } (p50 ${us(w.p50Us)}, ${w.count} answers, ${w.timeouts} timeouts); ${
        (w.p99Us / idle.p99Us).toFixed(2)
      }× | ${verdict(w.p99Us <= 2 * idle.p99Us && w.timeouts === 0)} |`;
    if (paced) {
      out.push(against(paced, `(camera paced at ${config.wifiBytesPerSecond / 1e6} MB/s)`));
    }
    out.push(
      against(during, "(camera unpaced)"),
      `| (control) c=1 answer p99 while a separate \`import\` process pulls the same card, unpaced | ${
        us(r.ssdp.beside.p99Us)
      } (p50 ${
        us(r.ssdp.beside.p50Us)
      }, ${r.ssdp.beside.count} answers, ${r.ssdp.beside.timeouts} timeouts); ${
        (r.ssdp.beside.p99Us / idle.p99Us).toFixed(2)
      }× idle | — |`,
    );
  }
  for (const x of r.rss) {
    const delta = x.afterKiB - x.idleKiB;
    out.push(
      `| ${x.flow}: VmRSS after ${x.photos} photos within 16 MB of idle | idle ${
        mib(x.idleKiB)
      }, after ${mib(x.afterKiB)} (${delta >= 0 ? "+" : ""}${mib(delta)}), VmHWM ${
        mib(x.peakKiB)
      }, ${x.seconds.toFixed(0)} s | ${verdict(delta <= 16 * 1000 * 1000 / 1024)} |`,
    );
  }
  for (const x of r.silence) {
    const ok = x.sessions === 1 && x.closed === 0 && x.lostLines === 0;
    out.push(
      `| ${x.flow}: kept through ${x.minutes} min of silence | ${x.sessions} session, ${x.closed} closed; sent ${
        Object.entries(x.operations).map(([n, c]) => `${c} ${n}`).join(", ")
      }; a photo after it in ${ms(x.afterMs)} | ${verdict(ok)} |`,
    );
  }
  for (const f of r.failures) out.push("", `**failed:** ${f}`);
  if (r.ssdp) {
    out.push(
      "",
      `Imports of the ${config.bigBytes / 1e6} MB file: ${
        r.ssdp.pacedSeconds !== undefined
          ? `paced ${r.ssdp.pacedSeconds.toFixed(2)} s (${r.ssdp.paced!.windows} windows); `
          : ""
      }unpaced ${
        r.ssdp.importSeconds.map((s) => `${s.toFixed(2)} s`).join(", ")
      } (${r.ssdp.during.windows} windows of ${config.windowMs} ms inside them), ${r.ssdp.idle.windows} idle windows.`,
    );
  }
  for (const x of r.rss) {
    out.push(
      "",
      `${x.flow} VmRSS after each batch of ${config.batch}: ${
        x.series.map((k) => (k / 1024).toFixed(1)).join(", ")
      } MiB.`,
    );
  }
  return out.join("\n");
}

/**
 * Parses `--phases`, `--flows`, `--photos N`, `--silence-minutes M`, `--wifi-rate B` (0: no paced
 * import), `--big-runs N`; anything else is refused.
 */
export function parseSinkArgs(argv: readonly string[]): SinkBenchConfig {
  const config: SinkBenchConfig = { ...DEFAULTS, phases: [...DEFAULTS.phases] };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? "";
    switch (argv[i]) {
      case "--phases":
        config.phases = value().split(",") as Phase[];
        break;
      case "--flows":
        config.flows = value().split(",") as Flow[];
        break;
      case "--photos":
        config.photos = Math.max(1, Number(value()) || 1);
        break;
      case "--wifi-rate":
        config.wifiBytesPerSecond = Math.max(0, Number(value()) || 0);
        break;
      case "--big-runs":
        config.bigRuns = Math.max(1, Number(value()) || 1);
        break;
      case "--silence-minutes":
        config.silenceMinutes = Math.max(0, Number(value()) || 0);
        if (config.silenceMinutes > 0 && !config.phases.includes("silence")) {
          config.phases.push("silence");
        }
        break;
      case "--":
        break;
      default:
        throw new Error(`unknown argument ${argv[i]} (see bench/README.md)`);
    }
  }
  return config;
}

if (import.meta.main) {
  const config = parseSinkArgs(Deno.args);
  console.log(renderSinkReport(await sinkBench(config), config));
}
