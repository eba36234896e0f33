/**
 * The device UUID, which must never change: a paired camera only reconnects to the UUID it paired with.
 * Resolution, first match wins: `--uuid`; `--uuid-file`; the legacy `ptpip-canon-helper.uuid` in the
 * working directory (written by the Python helpers); the per-user file; else a new random UUID, created
 * atomically in the per-user file. A file that exists but does not hold a UUID is an error, never
 * replaced.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { errorMessage, HelperError } from "../errors.ts";

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
    return appData ? join(appData, "ptpip-canon-helper", "uuid") : undefined;
  }
  if (os === "darwin") {
    return home
      ? join(home, "Library", "Application Support", "ptpip-canon-helper", "uuid")
      : undefined;
  }
  const xdg = env("XDG_CONFIG_HOME");
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && xdg.startsWith("/") ? xdg : home ? join(home, ".config") : undefined;
  return base ? join(base, "ptpip-canon-helper", "uuid") : undefined;
}

/** How the UUID was found, for the start-up log. */
export type UuidSource =
  | { kind: "flag" }
  | { kind: "file"; path: string; created: boolean }
  | { kind: "legacy"; path: string; copiedTo?: string };

/** The UUID and where it came from. */
export interface ResolvedUuid {
  uuid: string;
  source: UuidSource;
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

/** Reads a UUID file: its content, trimmed, or `undefined` when it does not exist. */
async function readUuidFile(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new HelperError(`cannot read the UUID file ${path}: ${errorMessage(error)}`);
  }
  const uuid = text.trim();
  if (!isUuid(uuid)) {
    throw new HelperError(
      `the UUID file ${path} does not hold a UUID (it has ${JSON.stringify(text.slice(0, 60))}). ` +
        "It was left untouched: fix it by hand, or move it away to make a new UUID " +
        "(cameras paired with the old one will then have to pair again).",
    );
  }
  return uuid;
}

/**
 * Writes `uuid` to `path` unless the file exists, and returns what the file holds afterwards. The
 * content is written and synced to a temporary file first, then hard-linked into place: the link fails
 * if another process got there first, so two helpers started at once agree on the winner's UUID, and a
 * reader never sees a half-written file.
 */
async function createUuidFile(path: string, uuid: string): Promise<string> {
  try {
    const temp = await writeSyncedTemp(path, uuid);
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
        await Deno.writeTextFile(path, uuid, { createNew: true }).catch((e) => {
          if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
        });
      }
    } finally {
      await Deno.remove(temp).catch(() => {});
    }
  } catch (error) {
    if (error instanceof HelperError) throw error;
    throw new HelperError(
      `cannot create the UUID file ${path}: ${errorMessage(error)}. ` +
        "Choose a writable place with --uuid-file PATH, or give the UUID with --uuid.",
    );
  }
  const stored = await readUuidFile(path);
  if (stored === undefined) {
    throw new HelperError(`the UUID file ${path} vanished while being created`);
  }
  return stored;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** Writes `uuid` to a new temporary file beside `path`, synced to disk; returns its name. */
async function writeSyncedTemp(path: string, uuid: string): Promise<string> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode: 0o644 });
  try {
    await file.write(new TextEncoder().encode(uuid));
    await file.sync();
  } finally {
    file.close();
  }
  return temp;
}

/**
 * Replaces the UUID in `path` (for `uuid --reset --force`): synced to a temporary file, then renamed
 * over the old one, so the file always holds one whole UUID.
 */
export async function replaceUuidFile(path: string, uuid: string): Promise<void> {
  let temp: string | undefined;
  try {
    temp = await writeSyncedTemp(path, uuid);
    await Deno.rename(temp, path);
  } catch (error) {
    if (temp) await Deno.remove(temp).catch(() => {});
    throw new HelperError(
      `cannot write the UUID file ${path}: ${
        errorMessage(error)
      }. The old UUID, if any, is unchanged.`,
    );
  }
}

/** Where the UUID is, or, when there is none yet, the file that would be created for it. */
export type UuidLocation = ResolvedUuid | { uuid?: undefined; createIn: string };

/**
 * Finds the UUID following the resolution order above without writing anything (for `doctor`).
 * Throws {@linkcode HelperError} for a file that does not hold a UUID, or when no place is known.
 */
export async function locateUuid(options: Omit<UuidOptions, "randomUuid">): Promise<UuidLocation> {
  if (options.uuid !== undefined) return { uuid: options.uuid, source: { kind: "flag" } };
  if (options.uuidFile !== undefined) return await inFile(options.uuidFile);
  const legacyPath = join(options.cwd, LEGACY_UUID_FILE);
  const legacy = await readUuidFile(legacyPath);
  if (legacy !== undefined) return { uuid: legacy, source: { kind: "legacy", path: legacyPath } };
  if (options.userFile === undefined) {
    throw new HelperError(
      "cannot tell where to keep the UUID: HOME (or APPDATA on Windows) is not set. " +
        "Give a file with --uuid-file PATH.",
    );
  }
  return await inFile(options.userFile);
}

async function inFile(path: string): Promise<UuidLocation> {
  const existing = await readUuidFile(path);
  return existing === undefined
    ? { createIn: path }
    : { uuid: existing, source: { kind: "file", path, created: false } };
}

/** Finds (or makes, once) the UUID, following the resolution order above. */
export async function resolveUuid(options: UuidOptions): Promise<ResolvedUuid> {
  const found = await locateUuid(options);
  if (found.uuid === undefined) {
    const fresh = options.randomUuid();
    const stored = await createUuidFile(found.createIn, fresh);
    return {
      uuid: stored,
      source: { kind: "file", path: found.createIn, created: stored === fresh },
    };
  }
  const userFile = options.userFile;
  if (found.source.kind !== "legacy" || userFile === undefined) return found;
  if (await readUuidFile(userFile) !== undefined) return found;
  // The legacy file is copied to the per-user file once, so the UUID survives leaving that directory.
  const stored = await createUuidFile(userFile, found.uuid);
  return {
    uuid: found.uuid,
    source: { ...found.source, copiedTo: stored === found.uuid ? userFile : undefined },
  };
}

/** Describes where the UUID came from, for the start-up line. */
export function describeUuidSource({ source }: ResolvedUuid): string {
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
