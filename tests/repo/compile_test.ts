/**
 * The compile task's argv, checked without compiling (compiling downloads a Deno runtime, which only CI
 * can do): every binary gets exactly the permissions `deno task start` has, and the tasks in deno.json
 * really run the scripts.
 */

import { assert, assertEquals } from "../support/assert.ts";
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
  assertEquals(at.length, 1, `${flag} must occur once in ${argv.join(" ")}`);
  return argv[at[0] + 1];
}

Deno.test("compile argv", async (t) => {
  assertEquals(
    [...TARGETS].sort(),
    Object.keys(EXPECTED_OUTPUT).sort(),
    "the release targets are exactly the five published platforms",
  );

  for (const target of TARGETS) {
    await t.step(target, () => {
      const argv = compileArgs(target);
      assertEquals(argv[0], "compile");
      assert(argv.includes("--unstable-net"), "--unstable-net is baked in");
      for (const flag of UNSTABLE_FLAGS) assert(argv.includes(flag), `${flag} is baked in`);

      const permissions = argv.filter((arg) => arg.startsWith("--allow-") || arg === "-A");
      assertEquals(
        permissions,
        [...PERMISSION_FLAGS],
        "permissions are exactly RUNTIME_FLAGS'",
      );
      assert(!argv.includes("-A"), "never -A");
      assert(!argv.includes("--allow-all"), "never --allow-all");

      assertEquals(valueOf(argv, "--target"), target);
      assertEquals(valueOf(argv, "--output"), EXPECTED_OUTPUT[target]);
      assertEquals(outputPath(target), EXPECTED_OUTPUT[target]);
      assertEquals(argv.at(-1), ENTRY_POINT, "the entry point comes last, after every flag");
      assertEquals(ENTRY_POINT, "main.ts");

      const flagsBeforeEntry = argv.slice(1, argv.indexOf("--target"));
      assertEquals(
        flagsBeforeEntry,
        [...LOCK_FLAGS, ...RUNTIME_FLAGS],
        "deno.lock, then RUNTIME_FLAGS, in order, unchanged",
      );
    });
  }

  await t.step("target selection", () => {
    assertEquals(selectTargets([], "aarch64-apple-darwin"), {
      ok: true,
      targets: ["aarch64-apple-darwin"],
    });
    assertEquals(selectTargets(["--all"], "x86_64-unknown-linux-gnu"), {
      ok: true,
      targets: [...TARGETS],
    });
    assertEquals(selectTargets(["--target", "x86_64-pc-windows-msvc"], "x"), {
      ok: true,
      targets: ["x86_64-pc-windows-msvc"],
    });
    const unknownHost = selectTargets([], "riscv64gc-unknown-linux-gnu");
    assert(!unknownHost.ok && unknownHost.error.includes("riscv64gc-unknown-linux-gnu"));
    const unknownTarget = selectTargets(["--target", "x86_64-unknown-linux-musl"], "x");
    assert(!unknownTarget.ok && unknownTarget.error.includes("x86_64-unknown-linux-musl"));
    assert(!selectTargets(["--all", "--target", "aarch64-apple-darwin"], "x").ok);
    assert(!selectTargets(["--bogus"], "x").ok);
    assertEquals(selectTargets(["--", "--all"], "x"), { ok: true, targets: [...TARGETS] });
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
    assertEquals(argv.slice(0, 2), ["deno", "run"]);
    assert(argv.includes("scripts/compile.ts"), config.tasks.compile);
    assert(!argv.includes("--all"));
    assert(!argv.includes("-A"));
  });

  await t.step("compile:all builds every target", () => {
    const argv = words("compile:all");
    assertEquals(argv.slice(0, 2), ["deno", "run"]);
    assertEquals(argv.slice(-2), ["scripts/compile.ts", "--all"]);
    assert(!argv.includes("-A"));
  });

  await t.step("packaging runs the packaging script", () => {
    const argv = words("packaging");
    assertEquals(argv.slice(0, 2), ["deno", "run"]);
    assertEquals(argv.at(-1), "scripts/packaging.ts", "arguments after -- reach the script");
    assert(!argv.includes("-A"));
  });
});
