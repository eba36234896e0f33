/**
 * Temporary folders for tests and the lab that are gone when the test file's process or worker ends,
 * passed or failed, so a run leaves nothing in the temp directory.
 *
 * @module
 */

const made: string[] = [];

// `unload` runs on every normal end of a test file, its worker included; its handlers must be sync.
globalThis.addEventListener("unload", () => {
  for (const dir of made.splice(0)) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already removed, or held by a process that outlived the test: nothing more to do
    }
  }
});

/** Makes a folder in the temp directory, removed when this process or worker ends. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  made.push(dir);
  return dir;
}
