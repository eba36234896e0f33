/**
 * Builds the standalone binaries with `deno compile`.
 *
 * `deno run scripts/compile.ts` builds for this machine, `--all` for every release target, and
 * `--target TRIPLE` for one. The argv is built by pure functions so a test can check the baked-in
 * permissions without compiling (compiling downloads a runtime, which only CI can do).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { LOCK_FLAGS, RUNTIME_FLAGS } from "./permissions.ts";
import { withoutTaskSeparator } from "../lib/cli/task_args.ts";

/** The program's name: the stem of every binary, archive and package. */
export const PROGRAM = "ptpip-canon-helper";

/** The entry point that every binary is built from. */
export const ENTRY_POINT = "main.ts";

/** Where binaries land, relative to the project root. */
export const OUT_DIR = "dist";

/** Every platform a release publishes a binary for, as `deno compile --target` names them. */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One release target triple. */
export type Target = typeof TARGETS[number];

/** Whether `name` is one of the release targets. */
export function isTarget(name: string): name is Target {
  return (TARGETS as readonly string[]).includes(name);
}

/** The executable suffix a target's OS requires. */
export function exeSuffix(target: Target): string {
  return target.endsWith("-windows-msvc") ? ".exe" : "";
}

/** Where `deno compile` writes the binary for `target`; the target is in the name so all five fit in one folder. */
export function outputPath(target: Target): string {
  return `${OUT_DIR}/${PROGRAM}-${target}${exeSuffix(target)}`;
}

/**
 * The full `deno compile` argument list for one target. Permissions come only from
 * {@linkcode RUNTIME_FLAGS}, so the binary can do exactly what `deno task start` can and no more;
 * {@linkcode LOCK_FLAGS} pins the bundled XML parser to deno.lock.
 */
export function compileArgs(target: Target): string[] {
  return [
    "compile",
    ...LOCK_FLAGS,
    ...RUNTIME_FLAGS,
    "--target",
    target,
    "--output",
    outputPath(target),
    ENTRY_POINT,
  ];
}

/** Which targets to build, or why the command line makes no sense. */
export type TargetSelection = { ok: true; targets: Target[] } | { ok: false; error: string };

/**
 * Reads the command line: no argument means this machine (`host`, i.e. `Deno.build.target`),
 * `--all` every release target, `--target TRIPLE` one of them.
 */
export function selectTargets(args: string[], host: string): TargetSelection {
  let parsed;
  try {
    parsed = parseArgs({
      // `deno task compile -- ARGS` hands the `--` on; taken as is, it would hide the flags after it.
      args: withoutTaskSeparator(args),
      options: { all: { type: "boolean" }, target: { type: "string" } },
      strict: true,
    }).values;
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  if (parsed.all && parsed.target !== undefined) {
    return { ok: false, error: "use either --all or --target, not both" };
  }
  if (parsed.all) return { ok: true, targets: [...TARGETS] };
  const wanted = parsed.target ?? host;
  if (!isTarget(wanted)) {
    const origin = parsed.target === undefined ? "this machine's target" : "--target";
    return {
      ok: false,
      error: `${origin} "${wanted}" is not a release target (expected one of: ${
        TARGETS.join(", ")
      })`,
    };
  }
  return { ok: true, targets: [wanted] };
}

async function main(): Promise<number> {
  const selection = selectTargets(Deno.args, Deno.build.target);
  if (!selection.ok) {
    console.error(`compile: ${selection.error}`);
    return 2;
  }
  await Deno.mkdir(OUT_DIR, { recursive: true });
  for (const target of selection.targets) {
    console.error(`compile: ${target} -> ${outputPath(target)}`);
    const { success, code } = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(target),
    }).spawn().status;
    if (!success) {
      console.error(`compile: deno compile for ${target} failed (exit ${code})`);
      return 1;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
