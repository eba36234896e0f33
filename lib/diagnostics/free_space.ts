/**
 * How much room is left where the photo sink writes, for `doctor --import-to`. Deno has no statfs,
 * so the answer comes from `df -P -k DIR` (POSIX output: one line per file system, 1024-byte blocks,
 * never wrapped), run without a shell, with a deadline (a hung network mount makes `df` hang too)
 * and its output bounded. On Windows there is no `df`: the answer is "unknown", said as such.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { after } from "../util/timers.ts";
import { errorMessage } from "../errors.ts";

/** The file system a folder is on, as `df` reports it. */
export interface FreeSpace {
  /** Bytes this user may still write (df's Available: without the blocks reserved for root). */
  availableBytes: number;
  /** The file system's size in bytes. */
  totalBytes: number;
  /** Where it is mounted (not trusted: escaped when printed). */
  mountedOn: string;
}

/** The free space, or why it is not known (shown after "free space for photos: "). */
export type FreeSpaceAnswer = Result<FreeSpace, string>;

/** How long `df` may take: it answers a local disk in milliseconds. */
const DF_TIMEOUT_MS = 3000;

/** More than any `df -P` line for one folder; past this the answer is not believed. */
const MAX_OUTPUT_BYTES = 8192;

/** The longest number of 1024-byte blocks read: 2^53 bytes is far beyond any disk. */
const MAX_DIGITS = 15;

/**
 * `Filesystem 1024-blocks Used Available Capacity Mounted on` and one line below it, as GNU, BSD/macOS
 * and BusyBox `df -P -k` print it. The file system's name and mount point may hold spaces, so the
 * four numbers and the capacity are found from the right. Pure.
 */
export function parseDfOutput(text: string): Result<FreeSpace> {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "");
  if (lines.length !== 2 || !/^Filesystem\s+1024-blocks\s/.test(lines[0])) {
    return err("df's answer is not one POSIX (-P -k) line");
  }
  const n = `(\\d{1,${MAX_DIGITS}})`;
  const match = new RegExp(`^(.*\\S)\\s+${n}\\s+${n}\\s+${n}\\s+(\\d{1,3}%|-)\\s+(/.*)$`)
    .exec(lines[1]);
  if (!match) return err("df's line has no sizes where POSIX puts them");
  const [, , total, , available, , mountedOn] = match;
  return ok({
    availableBytes: Number(available) * 1024,
    totalBytes: Number(total) * 1024,
    mountedOn,
  });
}

/** Reads at most `max` bytes of `stream`; `undefined` when it holds more. */
async function readBounded(
  stream: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array | undefined> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > max) return undefined;
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** What runs `df`; tests name another program to make it hang or talk too much. */
export interface FreeSpaceOptions {
  /** The OS: Windows has no `df`. */
  os?: typeof Deno.build.os;
  /** The program; `df` by default. */
  program?: string;
  /** Its deadline; {@linkcode DF_TIMEOUT_MS} by default. */
  timeoutMs?: number;
}

/**
 * The free space of the file system `dir` (an existing folder, absolute) is on. Never throws: a
 * missing `df`, a failure, a deadline passed or an answer not understood is the reason it fails with.
 */
export async function freeSpace(
  dir: string,
  options: FreeSpaceOptions = {},
): Promise<FreeSpaceAnswer> {
  if ((options.os ?? Deno.build.os) === "windows") return err("not checked on Windows");
  const program = options.program ?? "df";
  const timeoutMs = options.timeoutMs ?? DF_TIMEOUT_MS;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(program, {
      args: ["-P", "-k", dir],
      // Headers and messages in English, as the parser reads them.
      env: { LC_ALL: "C" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return err(`\`${program}\` is not installed`);
    }
    return err(`\`${program}\` could not be run: ${errorMessage(error)}`);
  }
  let timedOut = false;
  const timer = after(timeoutMs, () => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // it ended meanwhile
    }
  });
  try {
    const [stdout, stderr, status] = await Promise.all([
      readBounded(child.stdout, MAX_OUTPUT_BYTES),
      readBounded(child.stderr, MAX_OUTPUT_BYTES),
      child.status,
    ]).catch(async (error) => {
      // A cancelled stream can reject while the program still runs: end it before answering.
      try {
        child.kill("SIGKILL");
      } catch {
        // it ended already
      }
      await child.status;
      throw error;
    });
    if (timedOut) return err(`\`${program}\` gave no answer within ${timeoutMs} ms`);
    if (stdout === undefined) return err(`\`${program}\` said more than ${MAX_OUTPUT_BYTES} bytes`);
    if (!status.success) {
      const said = stderr
        ? new TextDecoder().decode(stderr).trim().split("\n")[0].slice(0, 200)
        : "";
      return err(`\`${program}\` failed (exit code ${status.code})${said ? `: ${said}` : ""}`);
    }
    return parseDfOutput(new TextDecoder().decode(stdout));
  } catch (error) {
    return err(`\`${program}\` could not be read: ${errorMessage(error)}`);
  } finally {
    timer.cancel();
  }
}
