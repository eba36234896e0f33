/**
 * Joining and splitting file paths, without `node:path`: importing any `node:` module starts Deno's
 * Node compatibility layer, about 6 MB of memory for the helper's lifetime, for two string
 * functions. A path is written with the separator it already has: Windows' backslash when it starts
 * with a drive letter or holds a backslash, else `/`. Pure.
 *
 * @module
 */

function separatorOf(path: string): "/" | "\\" {
  return /^[A-Za-z]:|\\/.test(path) ? "\\" : "/";
}

/** `base` and `parts` joined by `base`'s separator, one separator at each joint. */
export function joinPath(base: string, ...parts: string[]): string {
  const separator = separatorOf(base);
  let joined = base;
  for (const part of parts) {
    if (part === "") continue;
    if (joined === "") {
      joined = part;
      continue;
    }
    const head = joined.replace(/[\\/]+$/, "");
    // A root ("/", "C:\") keeps its own separator.
    const kept = head === "" || /^[A-Za-z]:$/.test(head) ? joined : head + separator;
    joined = kept + part.replace(/^[\\/]+/, "");
  }
  return joined;
}

/** `path` itself when it starts at a root or a drive letter, else `path` below the working folder `cwd()`. */
export function absolutePath(path: string, cwd: () => string): string {
  return /^([A-Za-z]:)?[\\/]/.test(path) ? path : joinPath(cwd(), path);
}

/** The folder `path` is in: `.` for a bare name, the root for a file at the root. */
export function parentDir(path: string): string {
  const trimmed = path.replace(/(?<=.)[\\/]+$/, "");
  const last = Math.max(trimmed.lastIndexOf("/"), trimmed.lastIndexOf("\\"));
  if (last < 0) return /^[A-Za-z]:/.test(trimmed) ? trimmed.slice(0, 2) : ".";
  if (last === 0) return trimmed[0];
  if (last === 2 && /^[A-Za-z]:/.test(trimmed)) return trimmed.slice(0, 3);
  return trimmed.slice(0, last);
}
