/**
 * Looking at a file that may not be there: whether it exists, and its text if it can be read. Any
 * error counts as "not there": callers only ask in order to decide, never to report why.
 *
 * @module
 */

/** Whether `path` exists (following links); false on any error, permission denied included. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** The text of `path`, or undefined when it cannot be read for any reason. */
export async function readTextOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return undefined;
  }
}
