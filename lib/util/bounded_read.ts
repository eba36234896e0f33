/**
 * Reading a file that must be small: never more than the bound and one byte, whatever the file
 * grew to since its size was looked at, and a FIFO or device (which may block or never end) is
 * refused before it is opened.
 *
 * @module
 */

import { errorMessage } from "../errors.ts";
import { err, ok, type Result } from "./result.ts";
import { joinBytes } from "./bytes.ts";

/** A file open for reading: a `Deno.FsFile`, or what the importer's file-system seam opens. */
export interface Reader {
  /** Reads into `buffer`; the count, or `null` at the end. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Closes it (once). */
  close(): void;
}

/**
 * Reads `file` to its end if that is at most `max` bytes (undefined past that), then closes it. It
 * reads in buffers sized to the `expected` length its stat gave: the photo sink loads its record once
 * per import, often one photo each, and a fixed 1 MiB buffer (plus another to see the end) cost 2 MiB
 * of zeroed memory per photo that the allocator did not give back (bench/sink.ts's RSS phase: +2-3
 * MiB per 1,000 photos).
 */
export async function readBounded(
  file: Reader,
  max: number,
  expected: number,
): Promise<Uint8Array | undefined> {
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      // What is still expected and one byte more; then one byte to see the end; bigger reads only
      // for a file that grew since its stat.
      const want = total < expected ? expected - total + 1 : total === expected ? 1 : 1 << 16;
      const buffer = new Uint8Array(Math.min(1 << 20, want, max + 1 - total));
      const n = await file.read(buffer);
      if (n === null) break;
      chunks.push(buffer.subarray(0, n));
      total += n;
      if (total > max) return undefined;
    }
    return joinBytes(chunks);
  } finally {
    file.close();
  }
}

/** A regular file's bytes and the facts its stat gave. */
export interface SmallFile {
  /** Its content. */
  bytes: Uint8Array;
  /** Its stat, taken before the read. */
  info: Deno.FileInfo;
}

/** Why {@linkcode readSmallFile} read nothing: facts, worded by the caller. */
export type SmallFileFailure =
  | { kind: "unreadable"; cause: string }
  | { kind: "not-a-file" }
  /** Its stat said `bytes`, over the bound. */
  | { kind: "too-large"; bytes: number }
  /** Its stat was within the bound, the read went past it: it grew, or it is a `/proc` file (size 0). */
  | { kind: "grew" };

/**
 * Reads the regular file at `path` (following a link) if it holds at most `max` bytes;
 * `undefined` when nothing has that name.
 */
export async function readSmallFile(
  path: string,
  max: number,
): Promise<Result<SmallFile | undefined, SmallFileFailure>> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return ok(undefined);
    return err({ kind: "unreadable", cause: errorMessage(error) });
  }
  if (!info.isFile) return err({ kind: "not-a-file" });
  if (info.size > max) return err({ kind: "too-large", bytes: info.size });
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readBounded(await Deno.open(path, { read: true }), max, info.size);
  } catch (error) {
    return err({ kind: "unreadable", cause: errorMessage(error) });
  }
  return bytes ? ok({ bytes, info }) : err({ kind: "grew" });
}
