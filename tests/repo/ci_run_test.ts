// .ci/run against a stand-in `deno` that prints a test runner's summary: its last line is the plain
// count, and the test task's exit code is the script's. Needs bash (not on Windows).

import { fileURLToPath } from "node:url";
import { assertEquals } from "../support/assert.ts";
import { writeExecutable } from "../support/executable.ts";

const CI_RUN = fileURLToPath(new URL("../../.ci/run", import.meta.url));
const ESC = "\x1b";

/** Runs .ci/run with a `deno` that prints `output` for `deno task test` and exits with `code`. */
async function ciRun(
  output: string,
  code: number,
  leave = "",
): Promise<{ code: number; last: string; stdout: string }> {
  const bin = await Deno.makeTempDir({ prefix: "pch-fake-deno-" });
  try {
    const fake =
      `#!/usr/bin/env bash\n[ "$1" = --version ] && exit 0\n${leave}\ncat <<'OUT'\n${output}\nOUT\nexit ${code}\n`;
    await writeExecutable(`${bin}/deno`, fake);
    const out = await new Deno.Command("bash", {
      args: [CI_RUN],
      env: { PATH: `${bin}:${Deno.env.get("PATH")}`, PCH_CI_NO_INSTALL: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    return { code: out.code, last: stdout.trimEnd().split("\n").at(-1) ?? "", stdout };
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
}

Deno.test({
  name: ".ci/run ends with the runner's counts and keeps its exit code",
  ignore: Deno.build.os === "windows",
  fn: async (t) => {
    await t.step("all passed, nothing ignored", async () => {
      const out = await ciRun(
        `${ESC}[0m${ESC}[32mok${ESC}[0m | 111 passed (382 steps) | 0 failed | 0 ignored (2 steps) (19s)`,
        0,
      );
      assertEquals({ code: out.code, last: out.last }, { code: 0, last: "111 passed, 0 failed" });
    });

    await t.step("failures and skips are counted; the failing exit code stays", async () => {
      const summary = "FAILED | 109 passed (380 steps) | 2 failed | 3 ignored (2 steps) (25s)";
      const out = await ciRun(`x ... ok\n${summary}\n\nerror: Test failed`, 1);
      assertEquals({ code: out.code, last: out.last }, {
        code: 1,
        last: "109 passed, 2 failed, 3 skipped",
      });
    });

    await t.step("a run that leaves a folder in the temp directory fails", async () => {
      const summary = "ok | 1 passed | 0 failed (1s)";
      const out = await ciRun(summary, 0, 'mkdir "$TMPDIR/pch-home-left"');
      assertEquals(out.code, 1);
      assertEquals(out.stdout.includes("left these in the temp directory: pch-home-left"), true);
      assertEquals(out.last, "1 passed, 0 failed");
    });

    await t.step("no summary (the check failed before the tests) is still a failure", async () => {
      const out = await ciRun("error: Found 1 not formatted file", 1);
      assertEquals(out.code, 1);
      assertEquals(out.last, "0 passed, 0 failed (the tests did not run: see the output above)");
    });
  },
});
