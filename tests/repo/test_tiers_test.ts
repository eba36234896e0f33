// The suite runs as a few groups in tests/tiers/ (see fast_1.ts there for why): a test file missing
// from every group would silently never run in `deno task test`, and one in two groups would run
// twice.

import { assertEquals } from "../support/assert.ts";

const TESTS = new URL("../", import.meta.url);
const TIERS = new URL("tiers/", TESTS);
/** Folders of tests/ that hold no test files of their own. */
const NOT_TESTS = new Set(["tiers", "support"]);
/** The fast tier: everything but these folders, which need root, a subprocess or the repository. */
const SLOW = new Set(["lab", "loopback", "repo"]);

async function testFiles(): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(TESTS)) {
    if (entry.isFile && entry.name.endsWith("_test.ts")) found.push(entry.name);
    if (!entry.isDirectory || NOT_TESTS.has(entry.name)) continue;
    for await (const inner of Deno.readDir(new URL(`${entry.name}/`, TESTS))) {
      if (inner.isFile && inner.name.endsWith("_test.ts")) {
        found.push(`${entry.name}/${inner.name}`);
      }
    }
  }
  return found.sort();
}

async function groups(): Promise<Map<string, string[]>> {
  const imports = new Map<string, string[]>();
  for await (const entry of Deno.readDir(TIERS)) {
    const text = await Deno.readTextFile(new URL(entry.name, TIERS));
    imports.set(entry.name, [...text.matchAll(/^import "\.\.\/(.+)";$/gm)].map((m) => m[1]));
  }
  return imports;
}

const isFast = (file: string) => !SLOW.has(file.split("/")[0]);

Deno.test("every test file is in exactly one group of tests/tiers, fast ones in a fast group", async () => {
  const byGroup = await groups();
  const listed = [...byGroup.values()].flat().sort();
  const files = await testFiles();
  const misplaced = [...byGroup].flatMap(([group, imports]) =>
    imports.filter((f) => isFast(f) !== group.startsWith("fast_")).map((f) => `${group}: ${f}`)
  );
  assertEquals(
    {
      missing: files.filter((f) => !listed.includes(f)),
      twice: listed.filter((f, i) => listed.indexOf(f) !== i),
      gone: listed.filter((f) => !files.includes(f)),
      misplaced,
    },
    { missing: [], twice: [], gone: [], misplaced: [] },
    'add each missing file to the group of its tier that runs shortest: import "../FOLDER/NAME_test.ts";',
  );
});

Deno.test("the test tasks run the groups, test:fast the fast ones", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const named = (task: string) =>
    (config.tasks[task] as string).split(/\s+/).filter((a) => a.startsWith("tests/")).sort();
  const all = [...(await groups()).keys()].map((g) => `tests/tiers/${g}`).sort();
  assertEquals(named("test"), all);
  assertEquals(named("test:fast"), all.filter((g) => g.startsWith("tests/tiers/fast_")));
});
