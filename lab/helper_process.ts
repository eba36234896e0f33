/**
 * Runs the real program as a subprocess with exactly the runtime flags the compiled binary gets
 * (`scripts/permissions.ts`), so a permission missing there fails these tests. Its log lines are
 * collected and can be awaited, so tests wait for events, never for time.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { RUNTIME_FLAGS } from "../scripts/permissions.ts";
import { LAB_TIMING_VARIABLE } from "../lib/commands/lab_timing.ts";
import { denoCacheDir, type Netns } from "./netns.ts";
import { tempDir } from "./temp_dir.ts";
import { Waiters } from "./waiters.ts";
import { lines } from "./lines.ts";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** Options for {@linkcode startHelper}. */
export interface HelperOptions {
  /** Run inside this namespace (Linux tests); otherwise in the current one. */
  netns?: Netns;
  /** Extra environment; HOME defaults to a fresh temp dir so no real UUID file is touched. */
  env?: Record<string, string>;
  cwd?: string;
  /**
   * Shorter production intervals, as `presence=MS,refusals=MS,find=MS` (lib/commands/lab_timing.ts):
   * for tests that check what happens at an interval's end, not how long it is.
   */
  labTiming?: string;
}

/** A running helper. */
export class HelperProcess implements AsyncDisposable {
  readonly lines: string[] = [];
  readonly #child: Deno.ChildProcess;
  readonly #waiters = new Waiters();
  readonly #stderrDone: Promise<void>;
  readonly #stdout: Promise<string>;
  #status?: Promise<Deno.CommandStatus>;

  /** @param child the spawned process, stdout and stderr piped */
  constructor(child: Deno.ChildProcess) {
    this.#child = child;
    this.#stderrDone = this.#collect(child.stderr);
    this.#stdout = new Response(child.stdout).text();
  }

  async #collect(stream: ReadableStream<Uint8Array>): Promise<void> {
    for await (const line of lines(stream, { unterminated: true })) {
      this.lines.push(line);
      this.#waiters.wake();
    }
    this.#waiters.end("the helper ended");
  }

  /** Resolves with the first log line (past or future) matching `pattern`; rejects on timeout or exit. */
  waitForLine(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    return this.waitForLines(pattern, 1, timeoutMs).then((lines) => lines[0]);
  }

  /** Resolves once `count` log lines match `pattern`, with those lines; rejects on timeout or exit. */
  waitForLines(pattern: RegExp, count: number, timeoutMs = 15_000): Promise<string[]> {
    return this.#waiters.until(
      () => {
        const matching = this.lines.filter((l) => pattern.test(l));
        return matching.length >= count && matching;
      },
      () => `${count} log lines matching ${pattern}:\n${this.lines.join("\n")}`,
      timeoutMs,
    );
  }

  /** The process id (of the wrapper when run in a namespace). */
  get pid(): number {
    return this.#child.pid;
  }

  /** Waits for the process to end on its own; returns its exit code, stdout and log. */
  async exit(): Promise<{ code: number; stdout: string; stderr: string }> {
    this.#status ??= this.#child.status;
    const { code } = await this.#status;
    await this.#stderrDone;
    return { code, stdout: await this.#stdout, stderr: this.lines.join("\n") };
  }

  /** Sends a signal (SIGINT like Ctrl+C by default) and waits for the exit. */
  async stop(
    signal: Deno.Signal = "SIGINT",
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      this.#child.kill(signal);
    } catch {
      // already ended
    }
    return await this.exit();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop("SIGKILL");
  }
}

/**
 * The environment of a helper living in `home`: every variable the per-user UUID path is read from
 * points inside it, so no test run ever touches the developer's real UUID file, on any OS.
 */
export function homeEnv(home: string): Record<string, string> {
  return { HOME: home, XDG_CONFIG_HOME: `${home}/.config`, APPDATA: `${home}/AppData/Roaming` };
}

/**
 * The argv that runs the program with the release flags; with `labTiming`, the one variable more
 * that lets it read the lab's intervals.
 */
export function helperArgv(args: readonly string[], labTiming = false): string[] {
  const flags = labTiming
    ? RUNTIME_FLAGS.map((f) => f.startsWith("--allow-env=") ? `${f},${LAB_TIMING_VARIABLE}` : f)
    : RUNTIME_FLAGS;
  return [Deno.execPath(), "run", ...flags, MAIN, ...args];
}

/** Starts the program with `args`; with a namespace, inside it (`ip netns exec` passes signals on). */
export async function startHelper(
  args: readonly string[],
  options: HelperOptions = {},
): Promise<HelperProcess> {
  const home = options.env?.HOME ?? await tempDir("pch-home-");
  const env: Record<string, string> = { ...homeEnv(home), NO_COLOR: "1", ...options.env };
  const cache = denoCacheDir();
  if (cache) env.DENO_DIR = cache;
  if (options.labTiming) env[LAB_TIMING_VARIABLE] = options.labTiming;
  const argv = helperArgv(args, options.labTiming !== undefined);
  const spawnOptions = { env, cwd: options.cwd ?? home, stdout: "piped", stderr: "piped" } as const;
  if (options.netns) return new HelperProcess(options.netns.spawn(argv, spawnOptions));
  const [cmd, ...rest] = argv;
  return new HelperProcess(
    new Deno.Command(cmd, { args: rest, ...spawnOptions, stdin: "null" }).spawn(),
  );
}

/** A TCP and a UDP port that are free on 127.0.0.1 right now. */
export function freePorts(): { udp: number; tcp: number } {
  const tcpListener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const tcp = (tcpListener.addr as Deno.NetAddr).port;
  tcpListener.close();
  const udpSocket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const udp = (udpSocket.addr as Deno.NetAddr).port;
  udpSocket.close();
  return { udp, tcp };
}
