/**
 * The compile task's argv, checked without compiling (compiling downloads a Deno runtime, which only CI
 * can do): every binary gets exactly the permissions `deno task start` has, and the tasks in deno.json
 * really run the scripts.
 */

import assert from "node:assert/strict";
import {
  compileArgs,
  ENTRY_POINT,
  outputPath,
  selectTargets,
  type Target,
  TARGETS,
} from "../../scripts/compile.ts";
import {
  LOCK_FLAGS,
  PERMISSION_FLAGS,
  RUNTIME_FLAGS,
  UNSTABLE_FLAGS,
} from "../../scripts/permissions.ts";

const EXPECTED_OUTPUT: Record<Target, string> = {
  "x86_64-unknown-linux-gnu": "dist/ptpip-canon-helper-x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu": "dist/ptpip-canon-helper-aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin": "dist/ptpip-canon-helper-x86_64-apple-darwin",
  "aarch64-apple-darwin": "dist/ptpip-canon-helper-aarch64-apple-darwin",
  "x86_64-pc-windows-msvc": "dist/ptpip-canon-helper-x86_64-pc-windows-msvc.exe",
};

/** The value after `flag` in `argv`, which must occur exactly once. */
function valueOf(argv: string[], flag: string): string {
  const at = argv.flatMap((arg, i) => arg === flag ? [i] : []);
  assert.deepEqual(at.length, 1, `${flag} must occur once in ${argv.join(" ")}`);
  return argv[at[0] + 1];
}

Deno.test("compile argv", async (t) => {
  assert.deepEqual(
    [...TARGETS].sort(),
    Object.keys(EXPECTED_OUTPUT).sort(),
    "the release targets are exactly the five published platforms",
  );

  for (const target of TARGETS) {
    await t.step(target, () => {
      const argv = compileArgs(target);
      assert.deepEqual(argv[0], "compile");
      assert(argv.includes("--unstable-net"), "--unstable-net is baked in");
      for (const flag of UNSTABLE_FLAGS) assert(argv.includes(flag), `${flag} is baked in`);

      const permissions = argv.filter((arg) => arg.startsWith("--allow-") || arg === "-A");
      assert.deepEqual(
        permissions,
        [...PERMISSION_FLAGS],
        "permissions are exactly RUNTIME_FLAGS'",
      );
      assert.ok(!argv.includes("-A"), "never -A");
      assert.ok(!argv.includes("--allow-all"), "never --allow-all");

      assert.deepEqual(valueOf(argv, "--target"), target);
      assert.deepEqual(valueOf(argv, "--output"), EXPECTED_OUTPUT[target]);
      assert.deepEqual(outputPath(target), EXPECTED_OUTPUT[target]);
      assert.deepEqual(argv.at(-1), ENTRY_POINT, "the entry point comes last, after every flag");
      assert.deepEqual(ENTRY_POINT, "main.ts");

      const flagsBeforeEntry = argv.slice(1, argv.indexOf("--target"));
      assert.deepEqual(
        flagsBeforeEntry,
        [...LOCK_FLAGS, ...RUNTIME_FLAGS],
        "deno.lock, then RUNTIME_FLAGS, in order, unchanged",
      );
    });
  }

  await t.step("target selection", () => {
    assert.deepEqual(selectTargets([], "aarch64-apple-darwin"), {
      ok: true,
      targets: ["aarch64-apple-darwin"],
    });
    assert.deepEqual(selectTargets(["--all"], "x86_64-unknown-linux-gnu"), {
      ok: true,
      targets: [...TARGETS],
    });
    assert.deepEqual(selectTargets(["--target", "x86_64-pc-windows-msvc"], "x"), {
      ok: true,
      targets: ["x86_64-pc-windows-msvc"],
    });
    const unknownHost = selectTargets([], "riscv64gc-unknown-linux-gnu");
    assert(!unknownHost.ok && unknownHost.error.includes("riscv64gc-unknown-linux-gnu"));
    const unknownTarget = selectTargets(["--target", "x86_64-unknown-linux-musl"], "x");
    assert(!unknownTarget.ok && unknownTarget.error.includes("x86_64-unknown-linux-musl"));
    assert.ok(!selectTargets(["--all", "--target", "aarch64-apple-darwin"], "x").ok);
    assert.ok(!selectTargets(["--bogus"], "x").ok);
    assert.deepEqual(selectTargets(["--", "--all"], "x"), { ok: true, targets: [...TARGETS] });
  });
});

Deno.test("deno.json tasks", async (t) => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("../../deno.json", import.meta.url)),
  ) as { version: string; tasks: Record<string, string> };

  await t.step("one version, MAJOR.MINOR.PATCH", () => {
    assert(/^\d+\.\d+\.\d+$/.test(config.version), `deno.json version ${config.version}`);
  });

  const words = (task: string) => (config.tasks[task] ?? "").split(/\s+/);

  await t.step("compile builds for this machine", () => {
    const argv = words("compile");
    assert.deepEqual(argv.slice(0, 2), ["deno", "run"]);
    assert(argv.includes("scripts/compile.ts"), config.tasks.compile);
    assert.ok(!argv.includes("--all"));
    assert.ok(!argv.includes("-A"));
  });

  await t.step("compile:all builds every target", () => {
    const argv = words("compile:all");
    assert.deepEqual(argv.slice(0, 2), ["deno", "run"]);
    assert.deepEqual(argv.slice(-2), ["scripts/compile.ts", "--all"]);
    assert.ok(!argv.includes("-A"));
  });

  await t.step("packaging runs the packaging script", () => {
    const argv = words("packaging");
    assert.deepEqual(argv.slice(0, 2), ["deno", "run"]);
    assert.deepEqual(argv.at(-1), "scripts/packaging.ts", "arguments after -- reach the script");
    assert.ok(!argv.includes("-A"));
  });
});
