/**
 * `--on-camera`: runs the user's program each time a camera becomes ready, with no shell in between.
 * The camera's address, name, model and pairing flow reach it as `CAMERA_IP`, `CAMERA_NAME`,
 * `CAMERA_MODEL` and `CAMERA_FLOW` in its environment; in its
 * arguments only `{ip}` is replaced, and only by a validated IPv4 address. The name comes off the
 * network (a camera's Server header), so it never enters an argument: a hook such as
 * `sh -c 'echo "{name}"'` would otherwise run whatever a LAN host put in its header. Its output is read
 * line by line, bounded, and handed to the log, so it never garbles the status line or the JSON log
 * and never costs unbounded memory. One run at a time per camera and a global cap on runs per minute,
 * of which one address gets a share only, so a host that keeps making itself ready cannot spend the
 * cap of the cameras after it. A run over either cap waits for its turn (one per address, a bounded
 * queue) instead of being dropped; a program that fails or is missing is reported and the helper goes
 * on.
 *
 * Where the `setsid` program exists (Linux), each run is its own process group, so stopping it stops
 * whatever it started too; elsewhere only the program itself is signalled (Deno cannot make a process
 * group).
 *
 * @module
 */

import { type CameraFlow, MAX_NAME_LENGTH } from "./tracker.ts";
import { cleanText } from "../util/text.ts";
import { parseIpv4 } from "../network/ipv4.ts";
import { settlesWithin } from "../util/timeout.ts";
import { type Clock, systemClock, type Timer } from "../util/timers.ts";
import { errorMessage } from "../errors.ts";

/** The camera a hook runs for. */
export interface HookCamera {
  /** The camera's IPv4 address, checked: the only network text that may enter an argument. */
  ip: string;
  /** Its model, Server header or User-Agent; empty when it sent none. */
  name: string;
  /** The `modelName` of its description; empty where it was not read (the search flow). */
  model?: string;
  /** How it paired: `search` (it found this computer) or `eos` (it announced itself). */
  flow?: CameraFlow;
  /**
   * `--on-photo`: the imported file, the helper's own path (its name made safe by the importer);
   * replaces `{path}` in arguments and is `PHOTO_PATH` in the environment.
   */
  path?: string;
}

/** How a run ended: the program's exit code, and the signal that ended it if one did. */
export type HookExit = Pick<Deno.CommandStatus, "code" | "signal">;

/** What the runner reports, for the log. */
export interface HookEvents {
  /** The program was started with this argv and pid. */
  started(camera: HookCamera, argv: readonly string[], pid: number): void;
  /** One line of its output, cut to its bound and cleaned. */
  output(camera: HookCamera, stream: "stdout" | "stderr", line: string): void;
  /** It ended. */
  exited(camera: HookCamera, exit: HookExit): void;
  /** The program could not be started (not found, not permitted, over the runs-per-minute cap). */
  failed(camera: HookCamera, error: unknown): void;
  /** The camera's previous run is still going, so no second one was started. */
  busy(camera: HookCamera): void;
  /** A cap was reached: the run waits, and starts in about `inMs` unless more are waiting. */
  deferred(camera: HookCamera, reason: string, inMs: number): void;
}

/** Starts a program; `Deno.Command` (through `setsid` where present) in production. */
export type Spawn = (argv: readonly string[], env: Record<string, string>) => Deno.ChildProcess;

/** Most runs started over all cameras in any minute: fake cameras cannot make it run without end. */
export const HOOK_RUNS_PER_MINUTE = 30;

/**
 * Most runs started for one address in any minute: a tenth of {@linkcode HOOK_RUNS_PER_MINUTE}. A
 * real camera is ready at most once per re-arm cooldown (30 s), so this never delays one.
 */
export const HOOK_RUNS_PER_ADDRESS = 3;

/** Most runs waiting for their turn, one per address. */
export const HOOK_QUEUE_LENGTH = 16;

const MINUTE_MS = 60_000;

/** Longest output line logged; the rest of a longer line is dropped. */
export const HOOK_LINE_CHARS = 1000;

/** Output bytes of one run (both streams) that are logged; the rest is read and dropped. */
export const HOOK_OUTPUT_BYTES = 64 * 1024;

/** Marks a line cut at {@linkcode HOOK_LINE_CHARS}. */
const CUT = " …(cut)";

// A line ends at \n, \r\n or a lone \r (progress bars); a \r at the very end may be half of a \r\n.
const LINE_BREAK = /\r\n|\n|\r(?!$)/;

/** How long `stop` waits after SIGTERM before SIGKILL, and then for the killed runs to be reaped. */
const STOP_GRACE_MS = 2000;
const KILL_WAIT_MS = 1000;

/** The run was refused by {@linkcode HOOK_RUNS_PER_MINUTE}. */
class HookRateError extends Error {
  override name = "HookRateError";
}

/**
 * The argv for a camera: `{ip}` replaced by its address in every argument, never split or re-parsed;
 * `undefined` when the address is not a dotted-quad IPv4 address. Nothing else is replaced: `{name}`
 * stays as written (the name is in `CAMERA_NAME`). Pure.
 */
export function hookArgv(command: readonly string[], camera: HookCamera): string[] | undefined {
  if (parseIpv4(camera.ip) === undefined) return undefined;
  return command.map((arg) => {
    const withIp = arg.replaceAll("{ip}", camera.ip);
    return camera.path === undefined ? withIp : withIp.replaceAll("{path}", camera.path);
  });
}

/** The variables added to the program's environment (the rest is inherited), sanitised. Pure. */
export function hookEnv(camera: HookCamera): Record<string, string> {
  return {
    CAMERA_IP: camera.ip,
    CAMERA_NAME: cleanText(camera.name, MAX_NAME_LENGTH),
    CAMERA_MODEL: cleanText(camera.model ?? "", MAX_NAME_LENGTH),
    CAMERA_FLOW: camera.flow ?? "search",
    ...(camera.path === undefined ? {} : { PHOTO_PATH: camera.path }),
  };
}

function start(argv: readonly string[], env: Record<string, string>): Deno.ChildProcess {
  const [program, ...args] = argv;
  return new Deno.Command(program, { args, env, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();
}

let setsidMissing = Deno.build.os === "windows";

const spawnCommand: Spawn = (argv, env) => {
  if (!setsidMissing) {
    try {
      return start(["setsid", ...argv], env);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      setsidMissing = true;
    }
  }
  return start(argv, env);
};

/** Signals the run's process group when it has one, else the program alone. */
function signalRun(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    if (Deno.build.os !== "windows") return Deno.kill(-child.pid, signal);
  } catch {
    // no such group: it was started without setsid
  }
  try {
    child.kill(signal);
  } catch {
    // it ended already
  }
}

/** Options of {@linkcode HookRunner}; tests shorten the grace and move the clock. */
export interface HookRunnerOptions {
  /** Starts the program; `Deno.Command` (through `setsid` where there is one) by default. */
  spawn?: Spawn;
  /** Times the caps, schedules waiting runs and the grace of a stop; {@linkcode systemClock} by default. */
  clock?: Pick<Clock, "now" | "after">;
  /** How long `stop` waits after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Whether a waiting run should still start when its turn comes (its camera is still ready). */
  wanted?: (camera: HookCamera) => boolean;
  /**
   * Runs started per minute over all cameras, and per address; {@linkcode HOOK_RUNS_PER_MINUTE}
   * and {@linkcode HOOK_RUNS_PER_ADDRESS} by default. `--on-photo` runs once per photo, so its caps
   * are a burst's worth higher.
   */
  caps?: { perMinute: number; perAddress: number };
}

interface Run {
  child: Deno.ChildProcess;
  done: Promise<void>;
  /** Output bytes still to be logged for this run. */
  budget: number;
}

/** Runs the hook program, one run per camera at a time. */
export class HookRunner {
  readonly #command: readonly string[];
  readonly #events: HookEvents;
  readonly #spawn: Spawn;
  readonly #clock: Pick<Clock, "now" | "after">;
  readonly #graceMs: number;
  readonly #wanted: (camera: HookCamera) => boolean;
  readonly #caps: { perMinute: number; perAddress: number };
  readonly #running = new Map<string, Run>();
  /** When and for whom the runs of the last minute started, oldest first (at most the cap). */
  readonly #starts: { at: number; ip: string }[] = [];
  /** Runs waiting for their turn, by address, in the order they came. */
  readonly #waiting = new Map<string, HookCamera>();
  #wake?: Timer;

  /**
   * Keeps its settings; starts nothing.
   * @param command program and arguments, as given after `--`
   * @param events where starts, output and exits are reported
   * @param options the spawner, clock and grace (injected by tests)
   */
  constructor(command: readonly string[], events: HookEvents, options: HookRunnerOptions = {}) {
    this.#command = command;
    this.#events = events;
    this.#spawn = options.spawn ?? spawnCommand;
    this.#clock = options.clock ?? systemClock;
    this.#graceMs = options.graceMs ?? STOP_GRACE_MS;
    this.#wanted = options.wanted ?? (() => true);
    this.#caps = options.caps ??
      { perMinute: HOOK_RUNS_PER_MINUTE, perAddress: HOOK_RUNS_PER_ADDRESS };
  }

  /** Whether a run for `ip` is going on. */
  isRunning(ip: string): boolean {
    return this.#running.has(ip);
  }

  /**
   * Starts the program for `camera` unless its previous run is still going; over a cap, queues it
   * to start later. Never throws.
   */
  run(camera: HookCamera): void {
    // Runs already waiting keep their turn.
    this.#drain();
    if (this.#running.has(camera.ip)) return this.#events.busy(camera);
    if (parseIpv4(camera.ip) === undefined) {
      return this.#events.failed(camera, new Error(`${camera.ip} is not an IPv4 address`));
    }
    if (this.#waiting.has(camera.ip)) {
      // Ready again while it waits: one run, with what is known now, in the place it had.
      this.#waiting.set(camera.ip, camera);
      return;
    }
    const wait = this.#waitFor(camera.ip);
    if (wait === undefined) return this.#start(camera);
    this.#queue(camera, wait);
  }

  /** Milliseconds until a run for `ip` is within both caps, or `undefined` if it is now. */
  #waitFor(ip: string): { ms: number; reason: string } | undefined {
    const now = this.#clock.now();
    while (this.#starts.length > 0 && now - this.#starts[0].at >= MINUTE_MS) this.#starts.shift();
    // Over a cap of n, a run may start once the n-th latest start counted against it leaves the minute.
    const leaves = (starts: readonly { at: number }[], cap: number) =>
      starts.length < cap ? -Infinity : starts[starts.length - cap].at + MINUTE_MS - now;
    const all = leaves(this.#starts, this.#caps.perMinute);
    const own = leaves(this.#starts.filter((s) => s.ip === ip), this.#caps.perAddress);
    if (all === -Infinity && own === -Infinity) return undefined;
    return own > all
      ? { ms: own, reason: `${this.#caps.perAddress} runs for this camera in the last minute` }
      : { ms: all, reason: `${this.#caps.perMinute} runs already started in the last minute` };
  }

  /** Runs started for `ip` in the last minute. */
  #spent(ip: string): number {
    return this.#starts.filter((s) => s.ip === ip).length;
  }

  #queue(camera: HookCamera, wait: { ms: number; reason: string }): void {
    let refusal: { refused: HookCamera; error: HookRateError } | undefined;
    if (this.#waiting.size >= HOOK_QUEUE_LENGTH) {
      // The address that spent most of the minute gives way to one that spent less; on a tie the
      // runs already waiting keep their places.
      const busiest = [...this.#waiting.values()]
        .reduce((most, next) => this.#spent(next.ip) > this.#spent(most.ip) ? next : most);
      const refused = this.#spent(busiest.ip) > this.#spent(camera.ip) ? busiest : camera;
      const message = `${this.#caps.perMinute} runs already started in the last minute and ` +
        `${this.#waiting.size} more waiting; this one is skipped`;
      refusal = { refused, error: new HookRateError(message) };
    }
    if (refusal?.refused !== camera) {
      if (refusal) this.#waiting.delete(refusal.refused.ip);
      this.#waiting.set(camera.ip, camera);
      this.#events.deferred(camera, wait.reason, wait.ms);
      this.#schedule();
    }
    // Said last, once the queue is as it stays: the photo hook answers a failed run with the
    // address's next one at once, which must meet the queue without the refused run in it.
    if (refusal) this.#events.failed(refusal.refused, refusal.error);
  }

  /** Starts the waiting runs whose turn came, those whose address spent least first. */
  #drain(): void {
    while (this.#waiting.size > 0) {
      let next: HookCamera | undefined;
      for (const waiting of this.#waiting.values()) {
        if (this.#running.has(waiting.ip) || this.#waitFor(waiting.ip) !== undefined) continue;
        if (next === undefined || this.#spent(waiting.ip) < this.#spent(next.ip)) next = waiting;
      }
      if (next === undefined) break;
      this.#waiting.delete(next.ip);
      if (!this.#wanted(next)) {
        this.#events.failed(next, new Error("it left before its turn came"));
        continue;
      }
      this.#start(next);
    }
    this.#schedule();
  }

  /** Wakes when the first waiting run may start; one whose camera still runs waits for its exit. */
  #schedule(): void {
    this.#wake?.cancel();
    this.#wake = undefined;
    let soonest: number | undefined;
    for (const ip of this.#waiting.keys()) {
      if (this.#running.has(ip)) continue;
      const ms = this.#waitFor(ip)?.ms ?? 0;
      if (soonest === undefined || ms < soonest) soonest = ms;
    }
    if (soonest === undefined) return;
    this.#wake = this.#clock.after(Math.max(1, soonest), () => {
      this.#wake = undefined;
      this.#drain();
    });
  }

  #start(camera: HookCamera): void {
    // `run` lets only IPv4 addresses through, for which there always is an argv.
    const argv = hookArgv(this.#command, camera)!;
    const now = this.#clock.now();
    let child: Deno.ChildProcess;
    try {
      child = this.#spawn(argv, hookEnv(camera));
    } catch (error) {
      return this.#events.failed(camera, error);
    }
    this.#starts.push({ at: now, ip: camera.ip });
    this.#events.started(camera, argv, child.pid);
    const run: Run = { child, done: Promise.resolve(), budget: HOOK_OUTPUT_BYTES };
    run.done = this.#follow(camera, run);
    this.#running.set(camera.ip, run);
  }

  /**
   * Asks every running program to end (SIGTERM, to its process group where it has one), kills what
   * is left after the grace (SIGKILL), and waits a little for them.
   */
  async stop(): Promise<void> {
    this.#wake?.cancel();
    this.#wake = undefined;
    this.#waiting.clear();
    const runs = [...this.#running.values()];
    runs.forEach((r) => signalRun(r.child, "SIGTERM"));
    const all = Promise.all(runs.map((r) => r.done));
    if (await settlesWithin(all, this.#graceMs, this.#clock)) return;
    runs.forEach((r) => signalRun(r.child, "SIGKILL"));
    await settlesWithin(all, KILL_WAIT_MS, this.#clock);
  }

  async #follow(camera: HookCamera, run: Run): Promise<void> {
    // The exit is reported after the last output line, so the log reads in order.
    await Promise.all([
      this.#lines(camera, run, "stdout", run.child.stdout),
      this.#lines(camera, run, "stderr", run.child.stderr),
    ]);
    const { code, signal } = await run.child.status;
    // Free before it is reported: whoever reads "exited" may start the next run at once.
    this.#running.delete(camera.ip);
    this.#events.exited(camera, { code, signal });
    // A run of this camera waiting for this one to end may start now.
    if (this.#waiting.has(camera.ip)) this.#drain();
  }

  async #lines(
    camera: HookCamera,
    run: Run,
    stream: "stdout" | "stderr",
    readable: ReadableStream<Uint8Array>,
  ): Promise<void> {
    const emit = (line: string) => this.#events.output(camera, stream, line);
    const decoder = new TextDecoder();
    let pending = "";
    // Inside a line longer than the limit: its first part is logged, the rest dropped.
    let skipping = false;
    try {
      for await (const chunk of readable) {
        // Past the budget the pipe is still read, so the program never blocks on a full pipe.
        if (run.budget <= 0) continue;
        const kept = chunk.subarray(0, run.budget);
        run.budget -= kept.byteLength;
        const parts = (pending + decoder.decode(kept, { stream: true })).split(LINE_BREAK);
        pending = parts.pop()!;
        for (const part of parts) {
          if (skipping) skipping = false;
          else emit(part.length > HOOK_LINE_CHARS ? part.slice(0, HOOK_LINE_CHARS) + CUT : part);
        }
        if (pending.length > HOOK_LINE_CHARS) {
          if (!skipping) emit(pending.slice(0, HOOK_LINE_CHARS) + CUT);
          skipping = true;
          pending = "";
        }
        if (run.budget <= 0) {
          if (pending !== "" && !skipping) emit(pending.replace(/\r$/, ""));
          pending = "";
          emit(
            `(more than ${HOOK_OUTPUT_BYTES} bytes of output: the rest of this run is not logged)`,
          );
        }
      }
    } catch {
      // the pipe broke when the program was killed; what was read is reported
    }
    pending = (pending + decoder.decode()).replace(/\r$/, "");
    if (pending !== "" && !skipping) emit(pending);
  }
}

/** Why a hook's program could not be started, worded for its log line (both hooks say the same). */
export function hookStartError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "not found (give its full path, or check PATH)";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied (is it executable?)";
  if (error instanceof Deno.errors.NotCapable) {
    return "Deno denied running it: run with --allow-run";
  }
  return errorMessage(error);
}
