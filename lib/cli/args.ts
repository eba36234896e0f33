/**
 * The syntax of the command line, read against the option table: long options (`--name value`,
 * `--name=value`), short ones (`-n value`, `-nvalue`, grouped flags `-vq`), positionals anywhere, and
 * `--` ending the options. The rules are those of `node:util`'s `parseArgs` in strict mode, which the
 * helper used before; importing any `node:` module starts Deno's Node compatibility layer (about
 * 6 MB for the helper's lifetime), and a table-driven reader is short. Pure; what is wrong is a value,
 * not a throw.
 *
 * @module
 */

import { OPTION_NAMES, OPTION_TABLE, type OptionName, type OptionSpec } from "./options.ts";
import { err, ok, type Result } from "../util/result.ts";

/** The options given, by long name; absent ones are missing. A flag holds a boolean, a list its strings. */
export type OptionValues = {
  -readonly [K in OptionName]?: typeof OPTION_TABLE[K]["kind"] extends "flag" ? boolean
    : typeof OPTION_TABLE[K]["kind"] extends "list" ? string[]
    : string;
};

/** The command line, split. */
export interface SplitArgs {
  /** Every option given (the last of a repeated one, all of a list). */
  values: OptionValues;
  /** The words that are no option, in order, those after `--` included. */
  positionals: string[];
  /** How many positionals came before `--` (all of them when there is none). */
  beforeTerminator: number;
}

/** Why a command line does not split. */
export type ArgsProblem =
  /** An option that is not in the table, as written (`--nmae`, `-x`). */
  | { kind: "unknown"; flag: string }
  /** An option that takes a value, at the end of the line. */
  | { kind: "missing-value"; name: OptionName }
  /** An option that takes a value, followed by something that looks like another option. */
  | { kind: "dash-value"; name: OptionName; value: string }
  /** A flag given a value (`--announce=yes`). */
  | { kind: "unexpected-value"; name: OptionName };

const BY_SHORT = new Map(
  OPTION_NAMES.flatMap((name) => {
    const short = (OPTION_TABLE[name] as OptionSpec).short;
    return short ? [[short, name] as const] : [];
  }),
);

function isOption(name: string): name is OptionName {
  return Object.hasOwn(OPTION_TABLE, name);
}

function takesValue(name: OptionName): boolean {
  return (OPTION_TABLE[name] as OptionSpec).kind !== "flag";
}

function store(values: OptionValues, name: OptionName, value: string | true): void {
  const record = values as Record<string, unknown>;
  const list = (OPTION_TABLE[name] as OptionSpec).kind === "list";
  record[name] = list ? [...(record[name] as string[] | undefined ?? []), value] : value;
}

/** Splits `args` (without the program name) into options and positionals. */
export function splitArgs(args: readonly string[]): Result<SplitArgs, ArgsProblem> {
  const values: OptionValues = {};
  const positionals: string[] = [];
  let beforeTerminator: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (beforeTerminator !== undefined || arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      beforeTerminator = positionals.length;
      continue;
    }
    // The option that takes a value, and that value when the word holds it.
    let name: OptionName | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const long = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      if (!isOption(long)) return err({ kind: "unknown", flag: `--${long}` });
      inline = equals < 0 ? undefined : arg.slice(equals + 1);
      if (takesValue(long)) name = long;
      else if (inline !== undefined) return err({ kind: "unexpected-value", name: long });
      else store(values, long, true);
    } else {
      // A group of short options: flags, then at most one that takes the rest (or the next word).
      for (let j = 1; j < arg.length && name === undefined; j++) {
        const short = BY_SHORT.get(arg[j]);
        if (short === undefined) return err({ kind: "unknown", flag: `-${arg[j]}` });
        if (!takesValue(short)) {
          store(values, short, true);
          continue;
        }
        name = short;
        // `-n=Studio` means what `--name=Studio` does: the "=" is no part of the value.
        if (j + 1 < arg.length) inline = arg.slice(j + 1).replace(/^=/, "");
      }
    }
    if (name === undefined) continue;
    if (inline === undefined) {
      inline = args[++i];
      if (inline === undefined) return err({ kind: "missing-value", name });
      if (inline.startsWith("-") && inline !== "-") {
        return err({ kind: "dash-value", name, value: inline });
      }
    }
    store(values, name, inline);
  }
  return ok({ values, positionals, beforeTerminator: beforeTerminator ?? positionals.length });
}
