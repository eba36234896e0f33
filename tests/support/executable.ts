/**
 * Fake programs for tests to run. Written by a short-lived `sh`, not by this process: the test
 * runner is one process whose workers start programs all the time, and a program started while
 * this process held the new file open for writing inherits that descriptor until its own exec, so
 * running the file in that moment fails with "Text file busy" (ETXTBSY; seen once in the fast tier).
 * A descriptor held by the `sh`, which has ended, is in no one's way.
 *
 * @module
 */

/** Writes `script` to `path`, executable (0755), from a child process. Unix only. */
export async function writeExecutable(path: string, script: string): Promise<void> {
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", 'cat > "$1" && chmod 0755 "$1"', "sh", path],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(script));
  await writer.close();
  const { success, stderr } = await child.output();
  if (!success) {
    throw new Error(`cannot write ${path}: ${new TextDecoder().decode(stderr).trim()}`);
  }
}
