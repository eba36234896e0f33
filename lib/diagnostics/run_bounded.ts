/**
 * Runs a system tool the facts come from (`df`, `ss`, `socketfilterfw`) without a shell, with a
 * deadline and its output bounded: a hung network mount makes `df` hang, and what a tool prints must
 * never cost unbounded memory. Every way it can go wrong is the reason it fails with.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { after } from "../util/timers.ts";
import { errorMessage } from "../errors.ts";

/** How the program ended and what it said, decoded as UTF-8. */
export interface ProgramOutput {
  /** Whether it exited with 0. */
  success: boolean;
  /** Its exit code. */
  code: number;
  /** Its standard output, at most the bound. */
  stdout: string;
  /** Its standard error; empty when it said more than the bound. */
  stderr: string;
}

/** The arguments, environment and bounds of one run. */
export interface RunBoundedOptions {
  /** Its arguments. */
  args: string[];
  /** Added to the environment it inherits. */
  env?: Record<string, string>;
  /** When it is killed and the run fails. */
  timeoutMs: number;
  /** The most bytes read from each stream; more on standard output fails the run. */
  maxBytes: number;
  /** The program as failures name it; `` `program` `` by default. */
  name?: string;
}

/** Reads at most `max` bytes of `stream`; `undefined` when it holds more. */
async function readBounded(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<string | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      length += read.value.length;
      if (length > max) return undefined;
      chunks.push(read.value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return new Blob(chunks as BlobPart[]).text();
}

/** Runs `program` to its end or its deadline. Never throws. */
export async function runBounded(
  program: string,
  options: RunBoundedOptions,
): Promise<Result<ProgramOutput, string>> {
  const name = options.name ?? `\`${program}\``;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args: options.args,
      env: options.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return err(`${name} is not installed`);
    return err(`${name} could not be run: ${errorMessage(error)}`);
  }
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // it ended meanwhile
    }
  };
  let timedOut = false;
  const timer = after(options.timeoutMs, () => {
    timedOut = true;
    kill();
  });
  try {
    const [stdout, stderr, status] = await Promise.all([
      readBounded(child.stdout, options.maxBytes),
      readBounded(child.stderr, options.maxBytes),
      child.status,
    ]).catch(async (error) => {
      // A cancelled stream can reject while the program still runs: end it before answering.
      kill();
      await child.status;
      throw error;
    });
    if (timedOut) return err(`${name} gave no answer within ${options.timeoutMs} ms`);
    if (stdout === undefined) return err(`${name} said more than ${options.maxBytes} bytes`);
    return ok({ success: status.success, code: status.code, stdout, stderr: stderr ?? "" });
  } catch (error) {
    return err(`${name} could not be read: ${errorMessage(error)}`);
  } finally {
    timer.cancel();
  }
}
