/**
 * `--on-camera`: runs the user's program each time a camera becomes ready, with no shell in between.
 * The camera's address and name reach it as `CAMERA_IP` and `CAMERA_NAME` in its environment, and in
 * place of `{ip}` and `{name}` in its arguments. Its output is read line by line and handed to the
 * log, so it never garbles the status line or the JSON log. One run at a time per camera; a program
 * that fails or is missing is reported and the helper goes on.
 *
 * @module
 */

/** The camera a hook runs for. */
export interface HookCamera {
  ip: string;
  /** Its Server header or User-Agent; empty when it sent neither. */
  name: string;
}

/** How a run ended. */
export interface HookExit {
  code: number;
  signal: Deno.Signal | null;
}

/** What the runner reports, for the log. */
export interface HookEvents {
  started(camera: HookCamera, argv: readonly string[], pid: number): void;
  output(camera: HookCamera, stream: "stdout" | "stderr", line: string): void;
  exited(camera: HookCamera, exit: HookExit): void;
  /** The program could not be started (not found, not executable, not permitted). */
  failed(camera: HookCamera, error: unknown): void;
  /** The camera's previous run is still going, so no second one was started. */
  busy(camera: HookCamera): void;
}

/** Starts a program; `Deno.Command` in production. */
export type Spawn = (argv: readonly string[], env: Record<string, string>) => Deno.ChildProcess;

/** The argv for a camera: `{ip}` and `{name}` replaced in every argument, never split or re-parsed. Pure. */
export function hookArgv(command: readonly string[], camera: HookCamera): string[] {
  return command.map((arg) => arg.replaceAll("{ip}", camera.ip).replaceAll("{name}", camera.name));
}

/** The variables added to the program's environment (the rest is inherited). Pure. */
export function hookEnv(camera: HookCamera): Record<string, string> {
  return { CAMERA_IP: camera.ip, CAMERA_NAME: camera.name };
}

const spawnCommand: Spawn = ([program, ...args], env) =>
  new Deno.Command(program, { args, env, stdin: "null", stdout: "piped", stderr: "piped" })
    .spawn();

/** How long `stop` waits for programs to end after SIGTERM before the helper exits anyway. */
const STOP_GRACE_MS = 2000;

/** Runs the hook program, one run per camera at a time. */
export class HookRunner {
  readonly #command: readonly string[];
  readonly #events: HookEvents;
  readonly #spawn: Spawn;
  readonly #running = new Map<string, { child: Deno.ChildProcess; done: Promise<void> }>();

  /** @param command program and arguments, as given after `--`
   *  @param events where starts, output and exits are reported
   *  @param spawn starts a process (injected by tests) */
  constructor(command: readonly string[], events: HookEvents, spawn: Spawn = spawnCommand) {
    this.#command = command;
    this.#events = events;
    this.#spawn = spawn;
  }

  /** Whether a run for `ip` is going on. */
  isRunning(ip: string): boolean {
    return this.#running.has(ip);
  }

  /** Starts the program for `camera` unless its previous run is still going. Never throws. */
  run(camera: HookCamera): void {
    if (this.#running.has(camera.ip)) return this.#events.busy(camera);
    const argv = hookArgv(this.#command, camera);
    let child: Deno.ChildProcess;
    try {
      child = this.#spawn(argv, hookEnv(camera));
    } catch (error) {
      return this.#events.failed(camera, error);
    }
    this.#events.started(camera, argv, child.pid);
    this.#running.set(camera.ip, { child, done: this.#follow(camera, child) });
  }

  /** Asks every running program to end (SIGTERM) and waits a little for them. */
  async stop(): Promise<void> {
    const runs = [...this.#running.values()];
    for (const { child } of runs) {
      try {
        child.kill("SIGTERM");
      } catch {
        // it ended already
      }
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(runs.map((r) => r.done)),
      new Promise((resolve) => timer = setTimeout(resolve, STOP_GRACE_MS)),
    ]);
    clearTimeout(timer);
  }

  async #follow(camera: HookCamera, child: Deno.ChildProcess): Promise<void> {
    // The exit is reported after the last output line, so the log reads in order.
    await Promise.all([
      this.#lines(camera, "stdout", child.stdout),
      this.#lines(camera, "stderr", child.stderr),
    ]);
    const { code, signal } = await child.status;
    // Free before it is reported: whoever reads "exited" may start the next run at once.
    this.#running.delete(camera.ip);
    this.#events.exited(camera, { code, signal });
  }

  async #lines(
    camera: HookCamera,
    stream: "stdout" | "stderr",
    readable: ReadableStream<Uint8Array>,
  ): Promise<void> {
    let pending = "";
    try {
      for await (const chunk of readable.pipeThrough(new TextDecoderStream())) {
        pending += chunk;
        let newline;
        while ((newline = pending.indexOf("\n")) >= 0) {
          this.#events.output(camera, stream, pending.slice(0, newline).replace(/\r$/, ""));
          pending = pending.slice(newline + 1);
        }
      }
    } catch {
      // the pipe broke when the program was killed; what was read is reported
    }
    if (pending !== "") this.#events.output(camera, stream, pending);
  }
}
