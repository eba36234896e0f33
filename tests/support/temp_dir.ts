/**
 * A temporary folder for one test, gone when the test ends, passed or failed (`lab/temp_dir.ts`'s
 * last until the test file's process ends).
 *
 * @module
 */

/** Runs `body` with a fresh folder in the temp directory, and removes the folder afterwards. */
export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ptpip-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
