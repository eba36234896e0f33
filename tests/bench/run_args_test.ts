import { assertEquals } from "../support/assert.ts";
import { parseArgs } from "../../bench/run.ts";

Deno.test("the bench writes results only when asked", async (t) => {
  await t.step("no flag, or --quick: nothing is written", () => {
    assertEquals(parseArgs([]).out, undefined);
    assertEquals(parseArgs(["--quick"]).out, undefined);
  });

  await t.step("--save writes bench/results.json (ignored by git); --out any file", () => {
    assertEquals(parseArgs(["--quick", "--save"]).out?.endsWith("/bench/results.json"), true);
    assertEquals(parseArgs(["--out", "/tmp/x.json"]).out, "/tmp/x.json");
  });
});

Deno.test("the import bench runs by default, alone with --only import, not with other --only", () => {
  assertEquals(parseArgs([]).importBench, true);
  const alone = parseArgs(["--only", "import"]);
  assertEquals([alone.importBench, alone.subjects], [true, []]);
  const both = parseArgs(["--only", "ours,import"]);
  assertEquals([both.importBench, both.subjects], [true, ["ours"]]);
  assertEquals(parseArgs(["--only", "ours"]).importBench, false);
});
