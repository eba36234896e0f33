/**
 * Checked file writes: every byte written, synced, read back and compared before a file is renamed
 * into place, so a reader never sees half a file and a full disk is an error, not a truncation.
 *
 * @module
 */

import { equalBytes } from "./bytes.ts";
import { parentDir } from "./path.ts";
import { readBounded } from "./bounded_read.ts";

const encoder = new TextEncoder();

/**
 * Writes all of `bytes`: a write may take fewer bytes than given (a full disk, a file-size limit);
 * none at all means a full disk, so the error says ENOSPC in the words the importer's check knows.
 */
export async function writeAll(
  file: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    const n = await file.write(bytes.subarray(done));
    if (n <= 0) {
      throw Object.assign(
        new Error(`No space left on device (${done} of ${bytes.length} written)`),
        { code: "ENOSPC" },
      );
    }
    done += n;
  }
}

/** Writes all of `text` with {@linkcode writeAll}, then syncs the file. */
export async function writeWhole(file: Deno.FsFile, text: string | Uint8Array): Promise<void> {
  await writeAll(file, typeof text === "string" ? encoder.encode(text) : text);
  await file.sync();
}

/**
 * Reads `path` back: it must hold exactly `text` (or exactly these bytes). It reads no further than
 * what was written and a byte: whoever else may write to the folder can swap the file meanwhile for
 * a link to something endless (`/dev/zero`).
 */
export async function verify(path: string, text: string | Uint8Array): Promise<void> {
  const written = typeof text === "string" ? encoder.encode(text) : text;
  const back = await readBounded(
    await Deno.open(path, { read: true }),
    written.length,
    written.length,
  );
  if (back === undefined) {
    throw new Error(`it read back as over the ${written.length} bytes written`);
  }
  if (typeof text !== "string") {
    if (!equalBytes(back, text)) {
      throw new Error(`it read back as ${back.length} bytes, not the ${text.length} written`);
    }
    return;
  }
  // A byte-order mark is part of what was read back, as Deno.readTextFile keeps it.
  const backText = new TextDecoder("utf-8", { ignoreBOM: true }).decode(back);
  if (backText !== text) {
    throw new Error(
      `it read back as ${backText.length} characters instead of the ${text.length} written`,
    );
  }
}

/** Makes a rename or link in `path`'s directory durable; not possible on every OS, so best effort. */
export async function syncDirectory(path: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    const dir = await Deno.open(parentDir(path), { read: true });
    try {
      await dir.sync();
    } finally {
      dir.close();
    }
  } catch {
    // some file systems refuse to sync a directory; the file itself is synced
  }
}

/**
 * Writes `text` to a new temporary file beside `path` (created with `mode`), synced and read back;
 * returns its name.
 */
export async function writeVerifiedTemp(
  path: string,
  text: string | Uint8Array,
  mode = 0o644,
): Promise<string> {
  await Deno.mkdir(parentDir(path), { recursive: true });
  const temp = `${path}.${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(temp, { write: true, createNew: true, mode });
  try {
    try {
      await writeWhole(file, text);
    } finally {
      file.close();
    }
    await verify(temp, text);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  return temp;
}

/**
 * Replaces `path` with `text` atomically: a checked temporary file renamed over it, then the directory
 * synced. `beforeRename`, when given, is handed the temporary file first and may decline the rename
 * (false, then returned). The temporary file is removed on every failure or decline, and `path` is
 * then unchanged.
 */
export async function replaceFileChecked(
  path: string,
  text: string | Uint8Array,
  mode = 0o644,
  beforeRename?: (temp: string) => Promise<boolean>,
): Promise<boolean> {
  let temp: string | undefined;
  try {
    temp = await writeVerifiedTemp(path, text, mode);
    if (beforeRename && !await beforeRename(temp)) return false;
    await Deno.rename(temp, path);
    temp = undefined;
    await syncDirectory(path);
    return true;
  } finally {
    if (temp) await Deno.remove(temp).catch(() => {});
  }
}
