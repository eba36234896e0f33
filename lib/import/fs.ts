/**
 * The file operations the importer and its record use, as one object handed in: the real one is
 * {@linkcode denoFs}; tests wrap it to make a disk fill up or count the calls. Each operation is the
 * one the safety argument needs (create-new, never-overwriting link, one-level mkdir), so a caller
 * cannot reach for a following or clobbering variant by accident.
 *
 * @module
 */

import { replaceFileChecked, syncDirectory } from "../util/checked_write.ts";
import type { Reader } from "../util/bounded_read.ts";

/** A file open for writing. */
export interface FileWriter {
  /** Writes some of `bytes`; returns how many (a short write is possible). */
  write(bytes: Uint8Array): Promise<number>;
  /** Flushes it to the disk. */
  sync(): Promise<void>;
  /** Closes it (once). */
  close(): void;
}

/** What the importer may do to the file system. Errors are thrown as by `Deno`'s functions. */
export interface ImportFs {
  /** Facts about `path` itself, not what a symlink points to; `Deno.errors.NotFound` when absent. */
  lstat(path: string): Promise<Deno.FileInfo>;
  /** Creates one folder (its parent must exist); `Deno.errors.AlreadyExists` when taken. */
  mkdir(path: string): Promise<void>;
  /** Creates a new file; `Deno.errors.AlreadyExists` when anything (even a symlink) has the name. */
  create(path: string): Promise<FileWriter>;
  /** Opens an existing file to append to it. */
  append(path: string): Promise<FileWriter>;
  /** Opens a file to read it. */
  open(path: string): Promise<Reader>;
  /** A second name for a file; `Deno.errors.AlreadyExists` when `newPath` is taken, never replacing it. */
  link(existing: string, newPath: string): Promise<void>;
  /** Renames, replacing `to` if it exists: only used onto a name this process created. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. */
  remove(path: string): Promise<void>;
  /** Replaces `path` with `bytes` atomically (temporary file, sync, read back, rename). */
  replaceFile(path: string, bytes: Uint8Array): Promise<void>;
  /** Makes the renames and links in `path`'s folder durable (best effort). */
  syncDirectory(path: string): Promise<void>;
}

/** The real file system. */
export const denoFs: ImportFs = {
  lstat: (path) => Deno.lstat(path),
  mkdir: (path) => Deno.mkdir(path),
  create: (path) => Deno.open(path, { write: true, createNew: true, mode: 0o644 }),
  append: (path) => Deno.open(path, { append: true }),
  open: (path) => Deno.open(path, { read: true }),
  link: (existing, newPath) => Deno.link(existing, newPath),
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  replaceFile: async (path, bytes) => void await replaceFileChecked(path, bytes),
  syncDirectory,
};

/** Facts about `path` itself, as {@linkcode ImportFs.lstat}; undefined when nothing has the name. */
export function lstatIfPresent(fs: ImportFs, path: string): Promise<Deno.FileInfo | undefined> {
  return fs.lstat(path).catch((error) => {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  });
}

/**
 * Whether `error` says the disk (or the user's quota) is full. Deno throws a plain `Error` for
 * ENOSPC whose message ends in `(os error 28)`; Windows says "not enough space" (os error 112).
 */
export function isNoSpace(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code === "ENOSPC" || code === "EDQUOT") return true;
  return /no space left|not enough space|disk quota exceeded|\bENOSPC\b|\bEDQUOT\b|\(os error (28|112|122)\)/i
    .test(error.message);
}
