/**
 * The program's documentation is whole: `deno doc --lint` over main.ts and every module of `lib/`
 * finds nothing (an export or field without JSDoc, a public signature naming a private type). JSR
 * scores a package by the same rules, and a comment removed as repeating a name leaves a field bare
 * without any other check noticing.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { fail } from "../support/assert.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every `.ts` file under `dir` (relative to the repository), at any depth. */
async function tsFilesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await tsFilesUnder(path));
    else if (entry.name.endsWith(".ts")) found.push(path);
  }
  return found;
}

Deno.test("deno doc --lint finds nothing in main.ts and lib/", async () => {
  const files = ["main.ts", ...(await tsFilesUnder("lib")).sort()];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...files],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const decoder = new TextDecoder();
    fail(`deno doc --lint:\n${decoder.decode(out.stdout)}${decoder.decode(out.stderr)}`);
  }
});
