/**
 * Changing a file the user owns as the user left it: through a symbolic link (dotfile managers link
 * their files into place), as bytes (whatever their encoding), with the old file's owner and mode,
 * atomically (a checked temporary file renamed over the target), and without losing a change another
 * program made while we worked: the file is read again just before the rename, and when it changed,
 * the change is made again on what it now holds.
 *
 * @module
 */

import { errorMessage } from "../errors.ts";
import { err, ok, type Result } from "./result.ts";
import { replaceFileChecked } from "./checked_write.ts";
import { readSmallFile, type SmallFile } from "./bounded_read.ts";
import { equalBytes } from "./bytes.ts";

/** The file's current bytes (`undefined`: it does not exist) to its new bytes, or `undefined` to leave it. */
export type FileChange = (current: Uint8Array | undefined) => Uint8Array | undefined;

/** How {@linkcode updateFile} works. */
export interface UpdateFileOptions {
  /** Larger files are refused, not read. */
  maxBytes: number;
  /** Tries when the file keeps changing under us; 3 by default. */
  attempts?: number;
  /** The mode of a file made anew (the umask applies); 0o644 by default. */
  newFileMode?: number;
  /** Test seam: runs after the new content is written aside, before the target is checked again. */
  beforeReplace?: () => Promise<void>;
}

/** What {@linkcode updateFile} did. */
export interface FileUpdate {
  /** The file written or left: the link's target when the path was a symbolic link. */
  target: string;
  /** Whether it was written. */
  changed: boolean;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return equalBytes(a, b);
}

/**
 * The file a path names: itself, or, for a symbolic link, its target. A link to nothing is refused:
 * making its target would create folders wherever the link points.
 */
async function resolveTarget(path: string): Promise<Result<string>> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return ok(path);
    return err(`cannot read ${path}: ${errorMessage(error)}`);
  }
  if (!info.isSymlink) return ok(path);
  try {
    return ok(await Deno.realPath(path));
  } catch (error) {
    const to = await Deno.readLink(path).catch(() => "?");
    if (error instanceof Deno.errors.NotFound) {
      return err(`${path} is a symbolic link to ${to}, which does not exist; nothing was written.`);
    }
    return err(`cannot follow the symbolic link ${path} (to ${to}): ${errorMessage(error)}`);
  }
}

async function readCurrent(path: string, maxBytes: number): Promise<Result<SmallFile | undefined>> {
  const read = await readSmallFile(path, maxBytes);
  if (read.ok) return read;
  switch (read.error.kind) {
    case "unreadable":
      return err(`cannot read ${path}: ${read.error.cause}`);
    case "not-a-file":
      return err(`${path} is not a regular file; nothing was written.`);
    case "too-large":
      return err(
        `${path} is ${read.error.bytes} bytes, more than the ${maxBytes} expected; nothing was written.`,
      );
    case "grew":
      return err(`${path} grew past ${maxBytes} bytes; nothing was written.`);
  }
}

/** Gives the new file the old one's owner and mode; the umask and our own user decide neither. */
async function keepOwnerAndMode(temp: string, old: Deno.FileInfo): Promise<void> {
  if (Deno.build.os === "windows") return;
  const mine = await Deno.stat(temp);
  // Run as root with the user's HOME, the new file would be root's and the user could not change it.
  if (old.uid !== null && old.gid !== null && (old.uid !== mine.uid || old.gid !== mine.gid)) {
    await Deno.chown(temp, old.uid, old.gid);
  }
  if (old.mode !== null) await Deno.chmod(temp, old.mode & 0o7777);
}

/**
 * Changes the file at `path` (following a symbolic link) by `change`, as described in the module
 * comment. Expected failures (a link to nothing, a folder, a file too big, no permission, a file
 * that never stops changing) are values, and the file is then as it was.
 */
export async function updateFile(
  path: string,
  change: FileChange,
  options: UpdateFileOptions,
): Promise<Result<FileUpdate>> {
  const resolved = await resolveTarget(path);
  if (!resolved.ok) return resolved;
  const target = resolved.value;
  const attempts = options.attempts ?? 3;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const before = await readCurrent(target, options.maxBytes);
    if (!before.ok) return before;
    const previous = before.value?.bytes;
    const next = change(previous);
    if (next === undefined) return ok({ target, changed: false });
    let now: Result<SmallFile | undefined> | undefined;
    try {
      const replaced = await replaceFileChecked(target, next, options.newFileMode, async (temp) => {
        if (before.value) await keepOwnerAndMode(temp, before.value.info);
        await options.beforeReplace?.();
        // Another writer (gphoto2 itself saves this file) may have changed it since we read it.
        now = await readCurrent(target, options.maxBytes);
        return now.ok && sameBytes(now.value?.bytes, previous);
      });
      if (replaced) return ok({ target, changed: true });
    } catch (error) {
      return err(`cannot write ${target}: ${errorMessage(error)}. It is unchanged.`);
    }
    if (now && !now.ok) return now;
  }
  return err(
    `${target} kept changing while it was written (${attempts} tries); nothing was written.`,
  );
}
