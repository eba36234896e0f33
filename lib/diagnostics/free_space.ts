/**
 * How much room is left where the photo sink writes, for `doctor --import-to`. Deno has no statfs,
 * so the answer comes from `df -P -k DIR` (POSIX output: one line per file system, 1024-byte blocks,
 * never wrapped), run by {@linkcode runBounded}: no shell, a deadline (a hung network mount makes
 * `df` hang too) and its output bounded. On Windows there is no `df`: the answer is "unknown", said as such.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { runBounded } from "./run_bounded.ts";

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
  const ran = await runBounded(program, {
    args: ["-P", "-k", dir],
    // Headers and messages in English, as the parser reads them.
    env: { LC_ALL: "C" },
    timeoutMs: options.timeoutMs ?? DF_TIMEOUT_MS,
    maxBytes: MAX_OUTPUT_BYTES,
  });
  if (!ran.ok) return ran;
  const { success, code, stdout, stderr } = ran.value;
  if (success) return parseDfOutput(stdout);
  const said = stderr.trim().split("\n")[0].slice(0, 200);
  return err(`\`${program}\` failed (exit code ${code})${said ? `: ${said}` : ""}`);
}
