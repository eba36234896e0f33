/**
 * The device UUID, which must never change: a paired camera only reconnects to the UUID it paired with.
 * Resolution, first match wins: `--uuid`; `--uuid-file`; the per-user file; the legacy
 * `ptpip-canon-helper.uuid` in the working directory (written by the Python helpers), which only seeds
 * a missing per-user file and only when it is a regular file of this user in a directory no one else
 * may write (anyone could drop one into a shared folder); else a new random UUID, created atomically
 * in the per-user file. A legacy file that differs from the per-user one is a warning, never a
 * switch. A file that exists but does not hold a UUID is an error, never replaced; its content is
 * quoted only when it is a regular file of this user. Failures are facts ({@linkcode UuidFailure}):
 * `lib/errors.ts` words them with the flags that fix them.
 *
 * Every write is checked: all bytes written, read back and compared before the file is linked or
 * renamed into place, then the directory synced; a temporary file is removed on every failure.
 *
 * @module
 */

import { joinPath, parentDir } from "../util/path.ts";
import { errorMessage } from "../errors.ts";
import { err, ok, type Result } from "../util/result.ts";
import { readSmallFile } from "../util/bounded_read.ts";
import {
  replaceFileChecked,
  syncDirectory,
  verify,
  writeVerifiedTemp,
  writeWhole,
} from "../util/checked_write.ts";

/** The file name the Python helpers used, in their working directory. */
export const LEGACY_UUID_FILE = "ptpip-canon-helper.uuid";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `text` is a UUID in the canonical 8-4-4-4-12 form. */
export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** Where the per-user UUID file lives on each OS, from the environment. Pure. */
export function userUuidPath(
  os: typeof Deno.build.os,
  env: (name: string) => string | undefined,
): string | undefined {
  const home = env("HOME");
  if (os === "windows") {
    const appData = env("APPDATA");
    return appData ? joinPath(appData, "ptpip-canon-helper", "uuid") : undefined;
  }
  if (os === "darwin") {
    return home
      ? joinPath(home, "Library", "Application Support", "ptpip-canon-helper", "uuid")
      : undefined;
  }
  const xdg = env("XDG_CONFIG_HOME");
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && xdg.startsWith("/") ? xdg : home ? joinPath(home, ".config") : undefined;
  return base ? joinPath(base, "ptpip-canon-helper", "uuid") : undefined;
}

/** How the UUID was found, for the start-up log. */
export type UuidSource =
  | { kind: "flag" }
  | { kind: "file"; path: string; created: boolean }
  | { kind: "legacy"; path: string; copiedTo?: string };

/** The UUID and where it came from. */
export interface ResolvedUuid {
  /** The UUID. */
  uuid: string;
  /** Where it came from. */
  source: UuidSource;
  /** Something the user should know, e.g. a legacy file that was not used. */
  warning?: string;
}

/** Inputs of {@linkcode resolveUuid}; the I/O-free parts are injected so tests choose them. */
export interface UuidOptions {
  /** `--uuid`. */
  uuid?: string;
  /** `--uuid-file`. */
  uuidFile?: string;
  /** Where to look for the legacy file (the working directory). */
  cwd: string;
  /** The per-user file, from {@linkcode userUuidPath}. */
  userFile?: string;
  /** Makes a new UUID (`crypto.randomUUID` in production). */
  randomUuid: () => string;
}

/** What a file found where a UUID should be holds instead. */
export type NotAUuid =
  | { kind: "not-a-file" }
  | { kind: "too-large"; bytes: number }
  /** `start` is its first 60 characters, absent when the file is not this user's to quote. */
  | { kind: "text"; start?: string };

/** Why the UUID could not be read, made or kept: the facts, worded at the edge. */
export type UuidFailure =
  | { kind: "unreadable"; path: string; cause: string }
  | { kind: "not-a-uuid"; path: string; found: NotAUuid }
  | { kind: "uncreatable"; path: string; cause: string }
  | { kind: "vanished"; path: string }
  /** `target` (the file or its `.previous` copy) could not be written; `path` is unchanged. */
  | { kind: "unwritable"; path: string; target: string; cause: string }
  /** No per-user place is known (no HOME or APPDATA), with the legacy file's warning if any. */
  | { kind: "no-place"; warning?: string };

/** Longest UUID file read: a UUID and some white space. */
const MAX_UUID_FILE_BYTES = 4096;

/** Whether a file's metadata says it is this user's (always true where there are no user ids). */
function ownedByUser(info: Deno.FileInfo): boolean {
  const uid = Deno.uid();
  return uid === null || info.uid === null || info.uid === uid;
}

/** Reads a UUID file: its content, trimmed, or `undefined` when it does not exist. */
async function readUuidFile(path: string): Promise<Result<string | undefined, UuidFailure>> {
  const read = await readSmallFile(path, MAX_UUID_FILE_BYTES);
  const notAUuid = (found: NotAUuid) => err({ kind: "not-a-uuid" as const, path, found });
  if (!read.ok) {
    switch (read.error.kind) {
      case "unreadable":
        return err({ kind: "unreadable", path, cause: read.error.cause });
      case "grew":
        return err({
          kind: "unreadable",
          path,
          cause: `it holds over ${MAX_UUID_FILE_BYTES} bytes`,
        });
      // A FIFO or device would block or never end; neither can hold a UUID.
      case "not-a-file":
      case "too-large":
        return notAUuid(read.error);
    }
  }
  if (read.value === undefined) return ok(undefined);
  // A byte-order mark is part of what the file holds, and is quoted with it.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(read.value.bytes);
  const uuid = text.trim();
  // Another user's file may be a link to something secret: its content is not repeated.
  if (!isUuid(uuid)) {
    return notAUuid(
      ownedByUser(read.value.info) ? { kind: "text", start: text.slice(0, 60) } : { kind: "text" },
    );
  }
  return ok(uuid);
}

/**
 * Why the legacy file may not seed the per-user file, or `undefined` when it may: it must be a
 * regular file (not a link) of this user, in a directory that neither the group nor others may
 * write. Where there are no user ids and modes (Windows) it is trusted.
 */
async function legacyDistrust(path: string): Promise<string | undefined> {
  const [info, dir] = await Promise.all([Deno.lstat(path), Deno.stat(parentDir(path))]);
  if (!info.isFile) return "it is not a regular file";
  if (!ownedByUser(info)) return "it belongs to another user";
  if (dir.mode !== null && (dir.mode & 0o022) !== 0) {
    return `others may write to ${parentDir(path)}`;
  }
  return undefined;
}

/**
 * Writes `uuid` to `path` unless the file exists, and returns what the file holds afterwards. The
 * content is written and synced to a temporary file first, then hard-linked into place: the link fails
 * if another process got there first, so two helpers started at once agree on the winner's UUID, and a
 * reader never sees a half-written file.
 */
async function createUuidFile(path: string, uuid: string): Promise<Result<string, UuidFailure>> {
  try {
    const temp = await writeVerifiedTemp(path, uuid);
    try {
      await Deno.link(temp, path);
    } catch (error) {
      if (error instanceof Deno.errors.AlreadyExists) {
        // Another helper got there first: its UUID is the one.
      } else if (await exists(path)) {
        throw error;
      } else {
        // File systems without hard links (FAT, exFAT, some network shares): an exclusive create
        // still lets only one helper win, at the cost of a short window in which the file is empty.
        await createExclusive(path, uuid);
      }
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
    await syncDirectory(path);
  } catch (error) {
    return err({ kind: "uncreatable", path, cause: errorMessage(error) });
  }
  const stored = await readUuidFile(path);
  if (!stored.ok) return stored;
  return stored.value === undefined ? err({ kind: "vanished", path }) : ok(stored.value);
}

/** Creates `path` holding `uuid` unless it exists; a file this call made but could not fill is removed. */
async function createExclusive(path: string, uuid: string): Promise<void> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true, mode: 0o644 });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return;
    throw error;
  }
  try {
    await writeWhole(file, uuid);
    file.close();
    await verify(path, uuid);
  } catch (error) {
    try {
      file.close();
    } catch {
      // closed already
    }
    await Deno.remove(path).catch(() => {});
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Where {@linkcode replaceUuidFile} keeps the UUID it replaced. */
export function previousUuidPath(path: string): string {
  return `${path}.previous`;
}

/**
 * Replaces the UUID in `path` (for `uuid --reset --force`): the old UUID, if any, is first kept in
 * {@linkcode previousUuidPath}, then the new one is written to a temporary file, read back and
 * renamed over the old one, so the file always holds one whole UUID. Returns the previous UUID.
 */
export async function replaceUuidFile(
  path: string,
  uuid: string,
): Promise<Result<string | undefined, UuidFailure>> {
  const previous = await readUuidFile(path);
  if (!previous.ok) return previous;
  for (const [target, text] of [[previousUuidPath(path), previous.value], [path, uuid]] as const) {
    if (text === undefined) continue;
    try {
      await replaceFileChecked(target, text);
    } catch (error) {
      return err({ kind: "unwritable", path, target, cause: errorMessage(error) });
    }
  }
  return previous;
}

/** Where the UUID is, or, when there is none yet, the file that would be created for it. */
export type UuidLocation = ResolvedUuid | { uuid?: undefined; createIn: string; warning?: string };

/** The legacy file, when it exists and may be used; why not, when it exists but may not. */
async function findLegacy(
  cwd: string,
): Promise<Result<{ path: string; uuid?: string; distrust?: string } | undefined, UuidFailure>> {
  const path = joinPath(cwd, LEGACY_UUID_FILE);
  if (!await exists(path)) return ok(undefined);
  const distrust = await legacyDistrust(path);
  // An untrusted file is never read: its content is not ours to quote or use.
  if (distrust) return ok({ path, distrust });
  const read = await readUuidFile(path);
  return read.ok ? ok({ path, uuid: read.value }) : read;
}

function ignoredLegacy(path: string, why: string): string {
  return `${path} (the Python helpers' file) was not used: ${why}`;
}

/**
 * Finds the UUID following the resolution order above without writing anything (for `doctor`).
 * Fails for a file that does not hold a UUID, or when no place is known.
 */
export async function locateUuid(
  options: Omit<UuidOptions, "randomUuid">,
): Promise<Result<UuidLocation, UuidFailure>> {
  if (options.uuid !== undefined) return ok({ uuid: options.uuid, source: { kind: "flag" } });
  if (options.uuidFile !== undefined) return await inFile(options.uuidFile);
  const inUser = options.userFile === undefined ? ok(undefined) : await inFile(options.userFile);
  if (!inUser.ok) return inUser;
  const user = inUser.value;
  const found = await findLegacy(options.cwd);
  if (!found.ok) return found;
  const legacy = found.value;
  if (user?.uuid !== undefined) {
    if (legacy === undefined) return ok(user);
    if (legacy.uuid === undefined) {
      return ok({ ...user, warning: ignoredLegacy(legacy.path, legacy.distrust!) });
    }
    if (legacy.uuid === user.uuid) return ok(user);
    return ok({
      ...user,
      warning: `${legacy.path} (the Python helpers' file) holds ${legacy.uuid}, but ` +
        `${options.userFile} holds ${user.uuid}, which is used. To use the Python helpers' UUID ` +
        `instead (cameras paired with ${user.uuid} will then pair again): ` +
        `cp '${legacy.path}' '${options.userFile}'`,
    });
  }
  if (legacy?.uuid !== undefined) {
    return ok({ uuid: legacy.uuid, source: { kind: "legacy", path: legacy.path } });
  }
  const warning = legacy ? ignoredLegacy(legacy.path, legacy.distrust!) : undefined;
  if (user === undefined) {
    return err(warning ? { kind: "no-place", warning } : { kind: "no-place" });
  }
  return ok(warning ? { ...user, warning } : user);
}

async function inFile(path: string): Promise<Result<UuidLocation, UuidFailure>> {
  const existing = await readUuidFile(path);
  if (!existing.ok) return existing;
  return ok(
    existing.value === undefined
      ? { createIn: path }
      : { uuid: existing.value, source: { kind: "file", path, created: false } },
  );
}

/** Finds (or makes, once) the UUID, following the resolution order above. */
export async function resolveUuid(
  options: UuidOptions,
): Promise<Result<ResolvedUuid, UuidFailure>> {
  const located = await locateUuid(options);
  if (!located.ok) return located;
  const found = located.value;
  if (found.uuid === undefined) {
    const fresh = options.randomUuid();
    const stored = await createUuidFile(found.createIn, fresh);
    if (!stored.ok) return stored;
    return ok({
      uuid: stored.value,
      source: { kind: "file", path: found.createIn, created: stored.value === fresh },
      ...(found.warning ? { warning: found.warning } : {}),
    });
  }
  const userFile = options.userFile;
  if (found.source.kind !== "legacy" || userFile === undefined) return ok(found);
  // The legacy file seeds the missing per-user file once; from then on the per-user file wins.
  const stored = await createUuidFile(userFile, found.uuid);
  if (!stored.ok) return stored;
  return ok({
    uuid: stored.value,
    source: { ...found.source, copiedTo: stored.value === found.uuid ? userFile : undefined },
  });
}

/** Describes where the UUID came from, for the start-up line, with its warning if any. */
export function describeUuidSource(resolved: ResolvedUuid): string {
  const where = describeSource(resolved.source);
  return resolved.warning ? `${where}; warning: ${resolved.warning}` : where;
}

function describeSource(source: UuidSource): string {
  switch (source.kind) {
    case "flag":
      return "from --uuid";
    case "file":
      return source.created ? `new, saved in ${source.path}` : `from ${source.path}`;
    case "legacy":
      return source.copiedTo
        ? `from ${source.path} (the Python helpers' file), copied to ${source.copiedTo}`
        : `from ${source.path} (the Python helpers' file)`;
  }
}
