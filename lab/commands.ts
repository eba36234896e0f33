/**
 * Whether a program is here and works: tests that need an optional tool (`ip`, `makepkg`, `ruby`)
 * ask first and skip visibly otherwise.
 *
 * @module
 */

/** Runs `command args` quietly; true when it started and exited with 0. */
export async function succeeds(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, { args, stdout: "null", stderr: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}
