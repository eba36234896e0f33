// The option table is the one source of the command line: every row parses, is documented in
// --help and in the README, and --help fits 80 columns.

import { assert } from "../support/assert.ts";
import { HELP_COLUMNS, helpText } from "../../lib/cli/help.ts";
import { COMMANDS, OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "../../lib/cli/options.ts";

const help = helpText("0.0.0");

Deno.test("option table", async (t) => {
  await t.step("--help fits 80 columns, every line", () => {
    for (const line of help.split("\n")) {
      assert(line.length <= HELP_COLUMNS, `${line.length} columns: ${line}`);
    }
  });

  await t.step("every option is in --help, with its short alias", () => {
    for (const name of OPTION_NAMES) {
      const spec: OptionSpec = OPTION_TABLE[name];
      const label = spec.short ? `-${spec.short}, --${name}` : `--${name}`;
      assert(help.includes(label), `--help lists ${label}`);
    }
  });

  await t.step("every option is in the README's option table", async () => {
    const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
    for (const name of OPTION_NAMES) assert(readme.includes(`--${name}`), `README lists --${name}`);
  });

  await t.step("rows are consistent: bounds on numbers, commands known, shorts unique", () => {
    const shorts = new Set<string>();
    for (const name of OPTION_NAMES) {
      const spec: OptionSpec = OPTION_TABLE[name];
      const numeric = spec.kind === "port" || spec.kind === "count" || spec.kind === "seconds";
      assert(numeric === (spec.min !== undefined && spec.max !== undefined), `${name} bounds`);
      assert(spec.commands.length > 0 && spec.commands.every((c) => COMMANDS.includes(c)), name);
      assert(spec.help.trim() !== "", `${name} has help`);
      if (spec.short) {
        assert(!shorts.has(spec.short), `-${spec.short} is used once`);
        shorts.add(spec.short);
      }
    }
  });
});
