/**
 * Copies a camera's new photos into `DEST/<YYYY>/<YYYY-MM-DD>/`, once each, never overwriting.
 *
 * For each object of the listing that is not a folder and not in the record (`record.ts`):
 * 1. its folders are made or checked to be real folders (never a symlink: DEST is not left);
 * 2. its bytes stream into a hidden partial file beside the target,
 *    `.<name>.<16 hex of its key>.partial`, created new, or appended to when an earlier run was cut
 *    off (the source is asked from the partial's size: GetPartialObject);
 * 3. the byte count must be exactly the declared size: more (stopped at once) or fewer fail the
 *    file and remove the partial, so a lying camera never leaves a wrong file under a final name;
 * 4. the partial is synced and given its final name with `link`, which refuses a taken name instead
 *    of replacing it (a rename would replace it, and a check before it would race). A taken name is
 *    compared: the same bytes mean this photo is already there (see below); else the next name,
 *    `IMG_0001-1.JPG`, `-2`…, is tried. Where hard links are not supported (FAT, some shares) the
 *    final name is reserved with a create-new file, and the partial renamed onto that reservation;
 * 5. it is added to the record (in memory).
 *
 * The record is saved after the first file (so a record that cannot be written stops the import
 * early), then at most once a second (less often once a save takes over a tenth of that time), and
 * always when the import ends or stops. Saving after every file cost more than the photos: each
 * save rewrites the whole growing record with two fsyncs, O(n²) bytes over a card, and made the
 * first import of 1,000 small photos about three times slower than gphoto2's. A crash can thus lose
 * the entries of the last second, never the files: those photos are fetched again, their name is
 * taken by a file with the same bytes (`place` compares before it tries another name), and they are
 * recorded without a second copy. The cost of a crash is a re-fetch, never a duplicate under
 * another name.
 *
 * Each photo's bytes are synced before it gets its final name, so no crash leaves a truncated file
 * under it. The folder that holds the new name is synced in the same batches, before each save of
 * the record: the record never names a photo whose name a crash could still undo (that photo would
 * then be counted imported and never fetched again). A name lost to a crash before its folder was
 * synced only means the photo is fetched again.
 *
 * The record is read at the start of each import, unless the caller hands in a `RecordCache` (the
 * photo sink's link, one per camera) whose record still matches the file: then it is used as it is
 * (`record.ts` says how a file written meanwhile by another process is noticed and read again).
 *
 * A full disk stops the import; files placed before it stay, are recorded, and the failure says so.
 * A lost connection or an abort stops it too, keeping the partial file to resume.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { joinPath } from "../util/path.ts";
import { cleanText } from "../util/text.ts";
import { errorMessage } from "../errors.ts";
import { equalBytes } from "../util/bytes.ts";
import type { Reader } from "../util/bounded_read.ts";
import { fitName, MAX_NAME_BYTES, safeFileName, withSuffix } from "./file_name.ts";
import { type Day, foldersFor, localDay, MAX_NAME_TRIES } from "./layout.ts";
import { denoFs, type FileWriter, type ImportFs, isNoSpace, lstatIfPresent } from "./fs.ts";
import { BatchedWriter } from "./write_batch.ts";
import { ensureRealDir, keyDigest, loadRecord, objectKey, type RecordCache } from "./record.ts";
import {
  type CameraObject,
  FOLDER_FORMAT,
  type ImportSource,
  MAX_OBJECTS,
  type SourceFailure,
} from "./source.ts";

/**
 * What the importer reports as it goes. Names are the safe names, fit for a terminal. `listed`
 * counts the objects listed and the new files among them; `file-start` numbers them from 1, with an
 * `offset` above 0 when a partial file is resumed; `bytes` follows each chunk taken (written, or
 * held for the next batch write).
 */
export type ImportEvent =
  | { kind: "listing" }
  | { kind: "listed"; objects: number; toImport: number }
  | {
    kind: "file-start";
    name: string;
    path: string;
    size: number;
    offset: number;
    index: number;
    total: number;
  }
  | { kind: "bytes"; name: string; done: number; size: number }
  | { kind: "file-done"; name: string; path: string; size: number }
  | { kind: "skipped"; name: string; reason: "already-imported" | "already-in-destination" }
  | { kind: "file-failed"; name: string; reason: string };

/** How to import. */
export interface ImportOptions {
  /** The destination folder; made if its parent exists. */
  dest: string;
  /** Milliseconds since the epoch: the import day for photos without a date, and the duration. */
  clock: () => number;
  /** Called for each {@linkcode ImportEvent}; must not throw. */
  onProgress?: (event: ImportEvent) => void;
  /** Stops the import between two chunks; the partial file is kept to resume. */
  signal?: AbortSignal;
  /** The file system; {@linkcode denoFs} unless a test hands in another. */
  fs?: ImportFs;
  /** The record kept from this camera's last import, reused while its file is unchanged. */
  recordCache?: RecordCache;
}

/** A photo that was not imported, and why. */
export interface FailedFile {
  /** Its safe name. */
  name: string;
  /** Its camera handle. */
  handle: number;
  /** Why, for the user. */
  reason: string;
}

/** What an import did. */
export interface ImportSummary {
  /** Photos copied in this run. */
  imported: number;
  /** Their bytes. */
  bytes: number;
  /** How long it took. */
  ms: number;
  /** Photos skipped: in the record, or found already in DEST with the same bytes. */
  alreadyImported: number;
  /** Photos that failed; the others were still imported. */
  failed: FailedFile[];
  /** Where the photos copied in this run are, relative to DEST with `/`. */
  files: string[];
}

/**
 * Why an import stopped before the end. `summary` says what was kept: every file it lists is
 * complete under its final name and recorded (unless `kind` is `record`, when the record could
 * not be saved: those files are complete, and the next run recognises them by their bytes).
 */
export interface ImportFailure {
  /** What stopped it. */
  kind: "record" | "source" | "disk-full" | "destination" | "aborted" | "too-many";
  /** For the user: what happened and what was kept. */
  detail: string;
  /** What was done before it stopped. */
  summary: ImportSummary;
}

/** Longest raw name and date kept from the camera (PTP strings hold at most 255 units). */
const MAX_RAW_NAME = 1024;
const MAX_RAW_DATE = 64;
/** Room for `.` + name + `.` + 16 hex + `.partial` in one name. */
const PARTIAL_NAME_BYTES = MAX_NAME_BYTES - 26;
const COMPARE_CHUNK = 1 << 20;

/** The most of a camera's error detail kept in a failure. */
const MAX_DETAIL = 300;

/** Why one file stopped: just this file, or the whole import. */
type Outcome =
  | { kind: "placed"; path: string }
  | { kind: "already-there"; path: string }
  | { kind: "failed"; reason: string }
  | { kind: "stop"; failure: ImportFailure["kind"]; detail: string };

interface Context {
  source: ImportSource;
  fs: ImportFs;
  dest: string;
  importDay: Day;
  emit: (event: ImportEvent) => void;
  signal?: AbortSignal;
  /** Set once `link` proved unsupported on DEST. */
  noLinks: boolean;
  /** Folders given a new name since their last sync, each with a path inside it. */
  unsynced: Map<string, string>;
  /** Year and day folders found real in this run: most photos of a run share a few. */
  realDirs: Set<string>;
}

/** One object, its camera fields bounded. */
interface Wanted {
  object: CameraObject;
  rawName: string;
  rawDate: string;
  name: string;
  key: string;
}

/** Reads until `buffer` is full or the file ends; the count. */
async function readFull(file: Reader, buffer: Uint8Array): Promise<number> {
  let done = 0;
  while (done < buffer.length) {
    const n = await file.read(buffer.subarray(done));
    if (n === null) break;
    done += n;
  }
  return done;
}

/** Whether `path` is a regular file holding exactly the `size` bytes of `partial`. */
async function sameContent(fs: ImportFs, partial: string, path: string, size: number) {
  const info = await fs.lstat(path).catch(() => undefined);
  if (!info || info.isSymlink || !info.isFile || info.size !== size) return false;
  const a = await fs.open(partial);
  try {
    const b = await fs.open(path);
    try {
      const bufA = new Uint8Array(Math.min(COMPARE_CHUNK, size + 1));
      const bufB = new Uint8Array(bufA.length);
      for (;;) {
        const [na, nb] = [await readFull(a, bufA), await readFull(b, bufB)];
        if (!equalBytes(bufA.subarray(0, na), bufB.subarray(0, nb))) return false;
        if (na < bufA.length) return true;
      }
    } finally {
      b.close();
    }
  } finally {
    a.close();
  }
}

/** A write that failed: a full disk stops the import, anything else fails this file. */
function writeFailed(error: unknown, reason: string): Outcome {
  return isNoSpace(error)
    ? { kind: "stop", failure: "disk-full", detail: errorMessage(error) }
    : { kind: "failed", reason: `${reason}${errorMessage(error)}` };
}

/** Streams the object into the partial file from `offset`; undefined when all its bytes are there. */
async function download(
  ctx: Context,
  wanted: Wanted,
  partial: string,
  offset: number,
): Promise<Outcome | undefined> {
  const { object, name } = wanted;
  const size = object.size;
  let writer: FileWriter | undefined;
  try {
    writer = offset === 0 ? await ctx.fs.create(partial) : await ctx.fs.append(partial);
  } catch (error) {
    return writeFailed(error, "its partial file could not be opened: ");
  }
  // Bytes go to the file in batches (`write_batch.ts`): a write per Data packet cost the serving
  // thread most of its time in an import.
  const batch = new BatchedWriter(writer);
  let received = 0;
  let stopped: "more" | "aborted" | "write" | undefined;
  let writeError: unknown;
  // The chunk is lent (`ChunkSink`): it is copied into the batch before this resolves, never kept.
  const sink = async (chunk: Uint8Array) => {
    if (!stopped && ctx.signal?.aborted) stopped = "aborted";
    else if (!stopped && offset + received + chunk.length > size) stopped = "more";
    if (stopped) throw new Error("the import stopped this transfer");
    try {
      await batch.add(chunk);
    } catch (error) {
      stopped = "write";
      writeError = error;
      throw error;
    }
    received += chunk.length;
    ctx.emit({ kind: "bytes", name, done: offset + received, size });
  };
  let fetched: Result<void, SourceFailure>;
  try {
    fetched = offset < size || size === 0
      ? await ctx.source.fetch(object, offset, sink)
      : ok(undefined);
  } catch (error) {
    fetched = err({ kind: "connection", detail: errorMessage(error) });
  }
  let keep = true;
  let synced = false;
  try {
    if (stopped === "more") {
      keep = false;
      return { kind: "failed", reason: `the camera sent more than the ${size} bytes it declared` };
    }
    if (stopped === "write") {
      keep = isNoSpace(writeError);
      return writeFailed(writeError, "writing it failed: ");
    }
    if (stopped === "aborted") {
      return { kind: "stop", failure: "aborted", detail: "the import was stopped" };
    }
    if (!fetched.ok) {
      const detail = `the camera: ${cleanText(fetched.error.detail, MAX_DETAIL)}`;
      if (fetched.error.kind === "connection") {
        return { kind: "stop", failure: "source", detail };
      }
      return { kind: "failed", reason: detail };
    }
    if (offset + received < size) {
      keep = false;
      return {
        kind: "failed",
        reason: `the camera sent ${offset + received} of the ${size} bytes it declared`,
      };
    }
    await batch.flush();
    await writer.sync();
    synced = true;
    return undefined;
  } catch (error) {
    keep = isNoSpace(error);
    return writeFailed(error, "writing it failed: ");
  } finally {
    // A partial kept for resuming gets the bytes held and is synced, so the next run's offset
    // matches bytes on the disk (a write that fails here leaves a shorter partial, still a prefix;
    // after a failed write nothing is held, so nothing is written twice).
    if (keep && !synced) await batch.flush().catch(() => {});
    if (keep && !synced) await writer.sync().catch(() => {});
    batch.release();
    writer.close();
    if (!keep) await ctx.fs.remove(partial).catch(() => {});
  }
}

/**
 * Gives the complete partial the name `path`, or false when the name is taken: a `link`, which
 * refuses a taken name, or where links are not supported, a create-new reservation that the partial
 * is renamed onto.
 */
async function claim(ctx: Context, partial: string, path: string): Promise<boolean> {
  if (!ctx.noLinks) {
    try {
      await ctx.fs.link(partial, path);
      // The photo is in place; a partial that could not be removed only costs its space.
      await ctx.fs.remove(partial).catch(() => {});
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) return false;
      ctx.noLinks = true;
    }
  }
  try {
    // The name is ours now, so the rename replaces only our empty file.
    (await ctx.fs.create(path)).close();
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
  try {
    await ctx.fs.rename(partial, path);
  } catch (error) {
    // Never leave the empty reservation under the photo's name.
    await ctx.fs.remove(path).catch(() => {});
    throw error;
  }
  return true;
}

/** Gives the complete partial its final name, never replacing a file. */
async function place(
  ctx: Context,
  wanted: Wanted,
  dir: string,
  folders: [string, string],
  partial: string,
): Promise<Outcome> {
  for (let n = 0; n < MAX_NAME_TRIES; n++) {
    const candidate = withSuffix(wanted.name, n);
    const path = joinPath(dir, candidate);
    const relative = `${folders[0]}/${folders[1]}/${candidate}`;
    if (await claim(ctx, partial, path)) {
      ctx.unsynced.set(dir, path);
      return { kind: "placed", path: relative };
    }
    if (await sameContent(ctx.fs, partial, path, wanted.object.size)) {
      await ctx.fs.remove(partial);
      return { kind: "already-there", path: relative };
    }
  }
  return { kind: "failed", reason: `${MAX_NAME_TRIES} names like ${wanted.name} are taken` };
}

/** Imports one object: folders, partial, bytes, final name. */
async function importOne(
  ctx: Context,
  wanted: Wanted,
  index: number,
  total: number,
): Promise<Outcome> {
  const { object, name } = wanted;
  const folders = foldersFor(wanted.rawDate, ctx.importDay);
  const year = joinPath(ctx.dest, folders[0]);
  const dir = joinPath(year, folders[1]);
  try {
    for (const folder of [year, dir]) {
      if (ctx.realDirs.has(folder)) continue;
      const checked = await ensureRealDir(ctx.fs, folder);
      if (!checked.ok) return { kind: "failed", reason: checked.error };
      ctx.realDirs.add(folder);
    }
    const digest = await keyDigest(ctx.source.cameraId, wanted.key);
    const partial = joinPath(dir, `.${fitName(name, PARTIAL_NAME_BYTES)}.${digest}.partial`);
    let offset = 0;
    const info = await lstatIfPresent(ctx.fs, partial);
    if (info) {
      if (info.isSymlink || !info.isFile) {
        return { kind: "failed", reason: `${partial} is not a regular file; it was left alone` };
      }
      // Larger than the photo: not a beginning of it. A second name: perhaps a file outside DEST
      // (the partial's name is predictable), which appending would change. Start again; removing
      // the name leaves the other file alone.
      if (info.size > object.size || (info.nlink ?? 1) > 1) await ctx.fs.remove(partial);
      else offset = info.size;
    }
    ctx.emit({
      kind: "file-start",
      name,
      path: `${folders[0]}/${folders[1]}/${name}`,
      size: object.size,
      offset,
      index,
      total,
    });
    const failed = await download(ctx, wanted, partial, offset);
    if (failed) return failed;
    return await place(ctx, wanted, dir, folders, partial);
  } catch (error) {
    return writeFailed(error, "");
  }
}

/** The object's fields bounded and its safe name, or why it is refused. */
function want(object: CameraObject): Result<Wanted, FailedFile> {
  const handle = Number.isInteger(object.handle) && object.handle >= 0 ? object.handle : 0;
  const rawName = typeof object.name === "string" ? object.name.slice(0, MAX_RAW_NAME) : "";
  const rawDate = typeof object.captureDate === "string"
    ? object.captureDate.slice(0, MAX_RAW_DATE)
    : "";
  const name = safeFileName(rawName, `photo-${handle}`);
  if (!Number.isSafeInteger(object.size) || object.size < 0) {
    return err({ name, handle, reason: `its declared size (${object.size}) is refused` });
  }
  return ok({ object, rawName, rawDate, name, key: objectKey(rawName, rawDate, object.size) });
}

/** The least time between two saves of the record during an import, ms. */
const SAVE_INTERVAL_MS = 1000;
/** A save waits at least this many times the last save's duration: a huge record is saved less often. */
const SAVE_COST_FACTOR = 10;

/** Imports every photo of `source` not imported before into `options.dest`. */
export async function importNew(
  source: ImportSource,
  options: ImportOptions,
): Promise<Result<ImportSummary, ImportFailure>> {
  const { dest, clock } = options;
  const fs = options.fs ?? denoFs;
  const emit = options.onProgress ?? (() => {});
  const started = clock();
  const summary: ImportSummary = {
    imported: 0,
    bytes: 0,
    ms: 0,
    alreadyImported: 0,
    failed: [],
    files: [],
  };
  const done = () => ({ ...summary, ms: Math.max(0, clock() - started) });
  const stop = (kind: ImportFailure["kind"], detail: string) =>
    err({ kind, detail, summary: done() } satisfies ImportFailure);

  try {
    const info = await lstatIfPresent(fs, dest);
    if (!info) await fs.mkdir(dest);
    // DEST itself may be a symlink (the user's choice); only what is below it is guarded.
    if (info && !info.isDirectory && !info.isSymlink) {
      return stop("destination", `the destination ${dest} is not a folder`);
    }
  } catch (error) {
    return stop("destination", `the destination ${dest} is not usable: ${errorMessage(error)}`);
  }
  const loaded = await loadRecord(fs, dest, source.cameraId, started, options.recordCache);
  if (!loaded.ok) return stop("record", loaded.error.detail);
  const record = loaded.value;

  emit({ kind: "listing" });
  let listed: Result<CameraObject[], SourceFailure>;
  try {
    listed = await source.list();
  } catch (error) {
    listed = err({ kind: "connection", detail: errorMessage(error) });
  }
  if (!listed.ok) {
    return stop(
      "source",
      `listing the camera failed: ${cleanText(listed.error.detail, MAX_DETAIL)}`,
    );
  }
  const objects = listed.value;
  if (!Array.isArray(objects) || objects.length > MAX_OBJECTS) {
    return stop("too-many", `the camera listed over ${MAX_OBJECTS} objects`);
  }
  const todo: Wanted[] = [];
  // A photo listed twice (a camera writing to both cards) is fetched once.
  const seen = new Set<string>();
  for (const object of objects) {
    if (object.format === FOLDER_FORMAT) continue;
    const wanted = want(object);
    if (!wanted.ok) {
      summary.failed.push(wanted.error);
      emit({ kind: "file-failed", name: wanted.error.name, reason: wanted.error.reason });
    } else if (record.has(wanted.value.key) || seen.has(wanted.value.key)) {
      summary.alreadyImported++;
      emit({ kind: "skipped", name: wanted.value.name, reason: "already-imported" });
    } else {
      seen.add(wanted.value.key);
      todo.push(wanted.value);
    }
  }
  emit({ kind: "listed", objects: objects.length, toImport: todo.length });

  const ctx: Context = {
    source,
    fs,
    dest,
    importDay: localDay(started),
    emit,
    signal: options.signal,
    noLinks: false,
    unsynced: new Map(),
    realDirs: new Set(),
  };
  let savedAt: number | undefined;
  let saveMs = 0;
  // The new names' folders first, then the record that names them (see the module comment).
  const persist = async (): Promise<Result<void>> => {
    for (const path of ctx.unsynced.values()) await fs.syncDirectory(path);
    ctx.unsynced.clear();
    const began = clock();
    const saved = await record.save(fs);
    savedAt = clock();
    saveMs = Math.max(0, savedAt - began);
    return saved;
  };
  const saveDue = () =>
    record.unsaved > 0 &&
    (savedAt === undefined ||
      clock() - savedAt >= Math.max(SAVE_INTERVAL_MS, SAVE_COST_FACTOR * saveMs));
  const kept = () =>
    summary.imported === 0
      ? "no file was imported in this run"
      : `the ${summary.imported} files imported in this run are complete`;
  // Saves the record, then reports the stop; a record that cannot be saved is the failure then.
  const finish = async (kind: ImportFailure["kind"], detail: string) => {
    const saved = await persist();
    if (saved.ok) return stop(kind, `${detail}; ${kept()} and recorded`);
    return stop(
      "record",
      `${detail}; the import record could not be saved (${saved.error}); ${kept()}, and the next run recognises them by their bytes`,
    );
  };

  for (let index = 0; index < todo.length; index++) {
    const wanted = todo[index];
    const { object, name } = wanted;
    if (options.signal?.aborted) return await finish("aborted", "the import was stopped");
    const outcome = await importOne(ctx, wanted, index + 1, todo.length);
    if (outcome.kind === "stop") {
      const why = outcome.failure === "disk-full"
        ? `no space left on the destination while writing ${name} (${outcome.detail}); its partial file is kept to resume once there is room`
        : outcome.failure === "aborted"
        ? `the import was stopped during ${name}; its partial file is kept to resume`
        : `${outcome.detail} during ${name}; its partial file is kept to resume`;
      return await finish(outcome.failure, why);
    }
    if (outcome.kind === "failed") {
      summary.failed.push({ name, handle: object.handle, reason: outcome.reason });
      emit({ kind: "file-failed", name, reason: outcome.reason });
      continue;
    }
    const entry = {
      name: wanted.rawName,
      captureDate: wanted.rawDate,
      size: object.size,
      path: outcome.path,
    };
    if (!record.add(entry, wanted.key)) {
      return await finish("too-many", `the import record is full (${outcome.path} is not in it)`);
    }
    if (outcome.kind === "already-there") {
      summary.alreadyImported++;
      emit({ kind: "skipped", name, reason: "already-in-destination" });
    } else {
      summary.imported++;
      summary.bytes += object.size;
      summary.files.push(outcome.path);
      emit({ kind: "file-done", name, path: outcome.path, size: object.size });
    }
    if (saveDue()) {
      const saved = await persist();
      if (!saved.ok) return await finish("record", "saving the import record failed");
    }
  }
  const saved = await persist();
  if (!saved.ok) return await finish("record", "saving the import record failed");
  return ok(done());
}
