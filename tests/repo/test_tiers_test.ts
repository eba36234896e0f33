// The fast tier runs as two halves in tests/tiers/ (see there why): a test file missing from both
// would silently never run in `deno task test`, and one in both would run twice.

import { assertEquals } from "../support/assert.ts";

const TIERS = new URL("../tiers/", import.meta.url);
const TESTS = new URL("../", import.meta.url);
/** The tiers that run as files of their own. */
const OWN_FILES = new Set(["lab", "loopback", "repo", "tiers", "support"]);

async function fastTestFiles(): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(TESTS)) {
    if (entry.isFile && entry.name.endsWith("_test.ts")) found.push(entry.name);
    if (!entry.isDirectory || OWN_FILES.has(entry.name)) continue;
    for await (const inner of Deno.readDir(new URL(`${entry.name}/`, TESTS))) {
      if (inner.isFile && inner.name.endsWith("_test.ts")) {
        found.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return found.sort();
}

async function imports(half: string): Promise<string[]> {
  const text = await Deno.readTextFile(new URL(half, TIERS));
  return [...text.matchAll(/^import "\.\.\/(.+)";$/gm)].map((m) => m[1]);
}

Deno.test("every fast-tier test file is in exactly one half of tests/tiers", async () => {
  const halves = ["fast_1.ts", "fast_2.ts"];
  const listed = (await Promise.all(halves.map(imports))).flat().sort();
  const files = await fastTestFiles();
  const missing = files.filter((f) => !listed.includes(f));
  const twice = listed.filter((f, i) => listed.indexOf(f) !== i);
  const gone = listed.filter((f) => !files.includes(f));
  assertEquals(
    { missing, twice, gone },
    { missing: [], twice: [], gone: [] },
    `add each missing file to the half that holds its folder as  import "../FOLDER/NAME_test.ts";`,
  );
});

Deno.test("the test tasks run the halves, not the fast-tier files one by one", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  for (const task of ["test", "test:fast"]) {
    const argv = (config.tasks[task] as string).split(/\s+/);
    assertEquals(
      argv.filter((a) => a.startsWith("tests/")).slice(0, 2),
      ["tests/tiers/fast_1.ts", "tests/tiers/fast_2.ts"],
      task,
    );
  }
});
