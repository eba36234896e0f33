/**
 * Whether a file that does not exist yet could be created, for `doctor`: the nearest folder on its path
 * that exists (the first start makes the missing folders below it, then the file), and whether this
 * user may create anything in it. A read-only HOME passes every other check and fails the first start.
 *
 * @module
 */

import { errorMessage } from "../errors.ts";
import { parentDir } from "../util/path.ts";

/** Why nothing can be created in a folder; `cause` is the OS's reason. `doctor` words it. */
export type FolderProblem =
  | { kind: "unreadable"; cause: string }
  | { kind: "not-a-folder" }
  | { kind: "not-writable"; cause: string };

/** The folder a file would be created under, and why it cannot be, if it cannot. */
export interface FolderAccess {
  /** The nearest existing folder on the file's path: the first new folder or the file goes there. */
  folder: string;
  /** Why nothing can be created there; absent when something can. */
  problem?: FolderProblem;
}

/** Creates something in `dir` and removes it; throws when nothing can be created there. */
export type CreateProbe = (dir: string) => Promise<void>;

/**
 * Proves `dir` writable by creating a uniquely named empty file in it and removing it at once. `doctor`
 * promises to change nothing, and this leaves nothing behind: the file lives for two system calls, under
 * a name no one else uses. It is the only faithful test: mode bits tell nothing of root, ACLs, read-only
 * mounts or SELinux, and Deno has no access(2).
 */
async function probeCreate(dir: string): Promise<void> {
  const path = await Deno.makeTempFile({ dir, prefix: ".ptpip-canon-helper-doctor-" });
  await Deno.remove(path);
}

/** The OS's reason without the path and call Deno appends (`…(os error 13): tmpfile '/x/…'`). */
function reason(error: unknown): string {
  const message = errorMessage(error);
  return /^.*?\(os error \d+\)/s.exec(message)?.[0] ?? message;
}

/**
 * Finds the nearest existing folder on `file`'s path and tries `probe` in it. Never throws: every
 * failure is the answer's `problem`.
 */
export async function folderAccess(
  file: string,
  probe: CreateProbe = probeCreate,
): Promise<FolderAccess> {
  let folder = parentDir(file);
  for (;;) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(folder);
    } catch (error) {
      const up = parentDir(folder);
      // A file on the way up answers "not a directory" for what lies below it; it is found next.
      const missing = error instanceof Deno.errors.NotFound ||
        error instanceof Deno.errors.NotADirectory;
      if (missing && up !== folder) {
        folder = up;
        continue;
      }
      return { folder, problem: { kind: "unreadable", cause: reason(error) } };
    }
    if (!info.isDirectory) return { folder, problem: { kind: "not-a-folder" } };
    try {
      await probe(folder);
      return { folder };
    } catch (error) {
      return { folder, problem: { kind: "not-writable", cause: reason(error) } };
    }
  }
}
