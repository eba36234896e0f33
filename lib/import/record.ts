/**
 * The record of what was imported from each camera, in `DEST/.ptpip-canon-helper/`: what makes a
 * photo "already imported" even after the user deleted or moved the file, so it is not fetched
 * again. A photo is known by its camera's name, capture date and size, not by its name alone: a
 * camera whose counter restarted makes another `IMG_0001.JPG`, with another date or size, and that
 * one is new.
 *
 * The record is one JSON file per camera, replaced atomically (temporary file, sync, read back,
 * rename: `replaceFileChecked`), so a crash leaves the old or the new record, never half of one.
 * It is read with bounds, and validated entry by entry: a record that does not parse is moved aside
 * (`….corrupt-<ms>`) and reported, never overwritten and never trusted; one over the size bound is
 * reported and left alone.
 *
 * The photo sink imports a camera's photos one batch at a time, often one photo each; reading and
 * parsing the whole record for each cost garbage that grows with the record, and the allocator keeps
 * what it freed (bench/sink.ts's RSS phase). A {@linkcode RecordCache} keeps the record in memory
 * between imports instead, and trusts it only while the file is the version it last read or wrote:
 * its stamp (size, modification and change times, inode) is compared on each load, so a record
 * written meanwhile by another process (the `import` command, a second helper) is read again. Every
 * write replaces the file with a new one (a new inode), so the stamp changes even when the size and
 * the clock's millisecond do not.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { joinPath, parentDir } from "../util/path.ts";
import { errorMessage } from "../errors.ts";
import { readBounded } from "../util/bounded_read.ts";
import { type ImportFs, lstatIfPresent } from "./fs.ts";

/** The helper's folder inside DEST (hidden, so photo tools pass it by). */
export const RECORD_DIR = ".ptpip-canon-helper";

/** A record file larger than this is refused (1,000,000 photos take about 100 MB). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

/** A record with more entries than this is refused. */
const MAX_RECORD_ENTRIES = 4_000_000;

/** Fields longer than this (UTF-16 units) make the record corrupt: the importer never writes them. */
const MAX_FIELD_UNITS = 4096;

const FORMAT = "ptpip-canon-helper import record";
const VERSION = 1;

/** One imported photo. */
export interface RecordEntry {
  /** The camera's raw file name. */
  name: string;
  /** The camera's raw capture date (`""` when it had none). */
  captureDate: string;
  /** Its size in bytes. */
  size: number;
  /** Where it was put, relative to DEST with `/` (for the user: the record never opens it). */
  path: string;
}

/** Why the record could not be used. The import does not run without it. */
export type RecordFailure =
  | { kind: "corrupt"; detail: string; keptAs: string }
  | { kind: "too-large"; detail: string }
  | { kind: "unsafe"; detail: string }
  | { kind: "io"; detail: string };

/**
 * The key of a photo within one camera's record: name, capture date and size. JSON, so that no
 * name, however hostile, can be read as another field.
 */
export function objectKey(name: string, captureDate: string, size: number): string {
  return JSON.stringify([name, captureDate, size]);
}

/** FNV-1a over UTF-16 units, as 8 hex digits: tells apart ids that sanitise alike. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** The record's file name for a camera: `imported-Canon_EOS_M50_0123-1a2b3c4d.json`. Pure. */
export function recordFileName(cameraId: string): string {
  const safe = cameraId.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 80);
  return `imported-${safe}-${fnv1a(cameraId)}.json`;
}

/** 16 hex digits naming a photo of a camera, for its partial file: stable across runs. */
export async function keyDigest(cameraId: string, key: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${cameraId}\u0000${key}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks that `path` is a real folder (not a symlink, not a file), creating it when absent; the
 * reason when it is not.
 */
export async function ensureRealDir(fs: ImportFs, path: string): Promise<Result<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const info = await lstatIfPresent(fs, path);
    if (!info) {
      try {
        await fs.mkdir(path);
        return ok(undefined);
      } catch (error) {
        // Someone made it meanwhile: look at what it is.
        if (error instanceof Deno.errors.AlreadyExists) continue;
        throw error;
      }
    }
    if (info.isSymlink) return err(`${path} is a symbolic link; refusing to write through it`);
    if (!info.isDirectory) return err(`${path} exists and is not a folder`);
    return ok(undefined);
  }
  return err(`${path} keeps changing`);
}

function isEntry(value: unknown): value is [string, string, number, string] {
  if (!Array.isArray(value) || value.length !== 4) return false;
  const [name, date, size, path] = value;
  return typeof name === "string" && name.length <= MAX_FIELD_UNITS &&
    typeof date === "string" && date.length <= MAX_FIELD_UNITS &&
    Number.isSafeInteger(size) && size >= 0 &&
    typeof path === "string" && path.length <= MAX_FIELD_UNITS;
}

/** Parses a record's text; the reason it is not one. Pure. */
export function parseRecord(text: string, cameraId: string): Result<RecordEntry[]> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return err(`it is not JSON (${errorMessage(error)})`);
  }
  if (typeof data !== "object" || data === null) return err("it is not a JSON object");
  const { format, version, cameraId: id, entries } = data as Record<string, unknown>;
  if (format !== FORMAT) return err("it is not an import record");
  if (version !== VERSION) return err(`it has version ${JSON.stringify(version)}, not ${VERSION}`);
  if (id !== cameraId) return err("it belongs to another camera");
  if (!Array.isArray(entries)) return err("it has no list of entries");
  if (entries.length > MAX_RECORD_ENTRIES) return err(`it has over ${MAX_RECORD_ENTRIES} entries`);
  const out: RecordEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isEntry(entry)) return err(`entry ${i + 1} is malformed`);
    out.push({ name: entry[0], captureDate: entry[1], size: entry[2], path: entry[3] });
  }
  return ok(out);
}

/** The record's text. Pure. */
export function formatRecord(cameraId: string, entries: readonly RecordEntry[]): string {
  const rows = entries.map((e) => JSON.stringify([e.name, e.captureDate, e.size, e.path]));
  return `{"format":${JSON.stringify(FORMAT)},"version":${VERSION},"cameraId":${
    JSON.stringify(cameraId)
  },"entries":[\n${rows.join(",\n")}\n]}\n`;
}

/**
 * What tells one version of the record file from another: size, times and inode. A new version is
 * a new file (renamed over the old), so its inode differs even within the same millisecond; an
 * inode can only come back once a third version was written, which also moves the times.
 */
function stampOf(info: Deno.FileInfo): string {
  return [info.size, info.mtime?.getTime(), info.ctime?.getTime(), info.ino, info.dev].join(":");
}

/** One camera's record, in memory; {@linkcode ImportRecord.save} writes it. */
export class ImportRecord {
  readonly #keys = new Set<string>();
  readonly #entries: RecordEntry[];
  #unsaved = 0;
  #stamp: string | undefined;

  /** The record at `path` holding `entries` (use {@linkcode loadRecord}). */
  constructor(
    /** The record file. */
    readonly path: string,
    /** The camera it is for. */
    readonly cameraId: string,
    entries: RecordEntry[],
    /** The stamp of the file version `entries` came from, when known. */
    stamp?: string,
  ) {
    this.#entries = entries;
    this.#stamp = stamp;
    for (const e of entries) this.#keys.add(objectKey(e.name, e.captureDate, e.size));
  }

  /**
   * The version of the file this record matches (read from it or written to it), or undefined when
   * unknown (a save failed, or its stat did): a {@linkcode RecordCache} then reads the file again.
   */
  get stamp(): string | undefined {
    return this.#stamp;
  }

  /** How many photos it holds. */
  get size(): number {
    return this.#entries.length;
  }

  /** How many were added since the last save. */
  get unsaved(): number {
    return this.#unsaved;
  }

  /** Whether the photo with this {@linkcode objectKey} was imported. */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /**
   * Notes an imported photo (in memory until the next save); false when over the bound. `key` is
   * its {@linkcode objectKey}, passed by a caller that made it already.
   */
  add(entry: RecordEntry, key = objectKey(entry.name, entry.captureDate, entry.size)): boolean {
    if (this.#keys.has(key)) return true;
    if (this.#entries.length >= MAX_RECORD_ENTRIES) return false;
    this.#keys.add(key);
    this.#entries.push(entry);
    this.#unsaved++;
    return true;
  }

  /** Writes the record atomically (its folder checked first); the reason when it could not. */
  async save(fs: ImportFs): Promise<Result<void>> {
    if (this.#unsaved === 0) return ok(undefined);
    this.#stamp = undefined;
    try {
      const dir = await ensureRealDir(fs, parentDir(this.path));
      if (!dir.ok) return dir;
      const bytes = new TextEncoder().encode(formatRecord(this.cameraId, this.#entries));
      await fs.replaceFile(this.path, bytes);
      this.#unsaved = 0;
      // A file of another size is another writer's, come between the rename and this stat: not
      // stamped, so it is read next time. One of the same size would be taken for ours, and its
      // entries lost from the record as when two processes save at once: a re-fetch, no duplicate.
      const info = await fs.lstat(this.path).catch(() => undefined);
      this.#stamp = info?.isFile && info.size === bytes.length ? stampOf(info) : undefined;
      return ok(undefined);
    } catch (error) {
      return err(errorMessage(error));
    }
  }
}

/** Moves a bad record out of the way under a new name, never over another file. */
async function keepAside(fs: ImportFs, path: string, now: number): Promise<string> {
  for (let n = 0; n < 100; n++) {
    const aside = `${path}.corrupt-${now}${n ? `-${n}` : ""}`;
    try {
      await fs.link(path, aside);
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) continue;
      // No hard links here (FAT, some shares): rename, after checking the name is free.
      if (await fs.lstat(aside).then(() => true, () => false)) continue;
      await fs.rename(path, aside);
      return aside;
    }
    await fs.remove(path);
    return aside;
  }
  throw new Error("no free name to keep it aside");
}

/**
 * One camera's record kept between imports: the photo sink's link holds one for its life and hands
 * it to each import. {@linkcode loadRecord} reuses the record it holds while the file is the version
 * that record last read or wrote, and reads the file again otherwise.
 */
export class RecordCache {
  /** The record last loaded or saved through this cache; undefined before, or after a failure. */
  record: ImportRecord | undefined;
}

/**
 * Reads the record of `cameraId` in `dest`: empty when there is none yet. `now` (milliseconds)
 * names a corrupt record's copy. With a `cache`, its record is returned without reading the file
 * when the file is still the version that record matches, and what is loaded is kept in it.
 */
export async function loadRecord(
  fs: ImportFs,
  dest: string,
  cameraId: string,
  now: number,
  cache?: RecordCache,
): Promise<Result<ImportRecord, RecordFailure>> {
  const loaded = await readRecord(fs, dest, cameraId, now, cache?.record);
  if (cache) cache.record = loaded.ok ? loaded.value : undefined;
  return loaded;
}

async function readRecord(
  fs: ImportFs,
  dest: string,
  cameraId: string,
  now: number,
  cached: ImportRecord | undefined,
): Promise<Result<ImportRecord, RecordFailure>> {
  const dir = joinPath(dest, RECORD_DIR);
  const path = joinPath(dir, recordFileName(cameraId));
  try {
    const dirInfo = await lstatIfPresent(fs, dir);
    if (!dirInfo) return ok(new ImportRecord(path, cameraId, []));
    if (dirInfo.isSymlink || !dirInfo.isDirectory) {
      return err({
        kind: "unsafe",
        detail: `${dir} is not a real folder (a symbolic link or a file)`,
      });
    }
    const info = await lstatIfPresent(fs, path);
    if (!info) return ok(new ImportRecord(path, cameraId, []));
    if (info.isSymlink || !info.isFile) {
      return err({ kind: "unsafe", detail: `${path} is not a regular file` });
    }
    // Stamped before the read: a file replaced in between is read again next time, never missed.
    const stamp = stampOf(info);
    if (cached?.path === path && cached.stamp === stamp) return ok(cached);
    const tooLarge = {
      kind: "too-large",
      detail: `${path} is over ${MAX_RECORD_BYTES} bytes; it was left as it is`,
    } as const;
    if (info.size > MAX_RECORD_BYTES) return err(tooLarge);
    const bytes = await readBounded(await fs.open(path), MAX_RECORD_BYTES, info.size);
    if (!bytes) return err(tooLarge);
    let text: string;
    let parsed: Result<RecordEntry[]>;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      parsed = parseRecord(text, cameraId);
    } catch {
      parsed = err("it is not UTF-8");
    }
    if (!parsed.ok) {
      const keptAs = await keepAside(fs, path, now);
      return err({
        kind: "corrupt",
        detail:
          `the import record ${path} is unreadable: ${parsed.error}; it was kept as ${keptAs}`,
        keptAs,
      });
    }
    return ok(new ImportRecord(path, cameraId, parsed.value, stamp));
  } catch (error) {
    return err({ kind: "io", detail: `the import record ${path}: ${errorMessage(error)}` });
  }
}
