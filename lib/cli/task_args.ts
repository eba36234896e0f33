/**
 * Arguments as given through `deno task NAME -- ARGS`: Deno passes the `--` on, so a command line that
 * starts with it means ARGS. Shared by the program and the build scripts.
 *
 * @module
 */

/** `args` without a leading `--`. */
export function withoutTaskSeparator(args: readonly string[]): string[] {
  return args[0] === "--" ? args.slice(1) : [...args];
}
