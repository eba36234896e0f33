/**
 * Command-line parsing as the tests check it: a line that must parse as one command, or must be
 * refused with a usage error.
 *
 * @module
 */

import { type Command, parseCommandLine } from "../../lib/cli/parse.ts";
import { EXIT, UsageError } from "../../lib/errors.ts";
import { assert, assertEquals } from "./assert.ts";

/** The command `args` parse to, which must be a `kind` command. */
export function parsed<K extends Command["kind"]>(
  args: string[],
  kind: K,
): Extract<Command, { kind: K }> {
  const command = parseCommandLine(args);
  assertEquals(command.kind, kind, args.join(" "));
  return command as Extract<Command, { kind: K }>;
}

/** The message of the usage error (exit code 2) that `args` must raise. */
export function usageError(args: string[]): string {
  try {
    parseCommandLine(args);
  } catch (error) {
    assert(error instanceof UsageError, `${args.join(" ")}: a UsageError, not ${error}`);
    assertEquals(error.exitCode, EXIT.usage);
    return error.message;
  }
  throw new Error(`${JSON.stringify(args)} was accepted`);
}
