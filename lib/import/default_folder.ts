/**
 * Where `import` puts photos when `--to` is not given: a `Canon` folder in the user's Pictures
 * folder, found the way each system's file manager finds it. Pure: the environment is handed in.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { joinPath } from "../util/path.ts";

/** The folder's name inside Pictures. */
const CANON_FOLDER = "Canon";

/**
 * The default import folder: on Linux and other Unix systems `$XDG_PICTURES_DIR/Canon` when that
 * is set to an absolute path (a leading `$HOME` is expanded, as `user-dirs.dirs` writes it), else
 * `~/Pictures/Canon`; on macOS `~/Pictures/Canon`; on Windows `%USERPROFILE%\Pictures\Canon`.
 * The error names the variable that is missing and says to use `--to`.
 */
export function defaultImportFolder(
  os: typeof Deno.build.os,
  env: (name: string) => string | undefined,
): Result<string> {
  const homeName = os === "windows" ? "USERPROFILE" : "HOME";
  const home = nonEmpty(env(homeName));
  if (os !== "windows" && os !== "darwin") {
    const pictures = nonEmpty(env("XDG_PICTURES_DIR"))?.replace(/^\$HOME(?=\/|$)/, home ?? "$HOME");
    if (pictures !== undefined && pictures.startsWith("/")) {
      return ok(joinPath(pictures, CANON_FOLDER));
    }
  }
  if (home === undefined) {
    return err(
      `${homeName} is not set, so the Pictures folder cannot be found: name the folder with --to DIR.`,
    );
  }
  return ok(joinPath(home, "Pictures", CANON_FOLDER));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
