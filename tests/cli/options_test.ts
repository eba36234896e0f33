// The option table is the one source of the command line: every row parses, is consistent and is
// in the README (the help pages built from it are checked in help_test.ts).

import { assert } from "../support/assert.ts";
import { COMMANDS, OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "../../lib/cli/options.ts";

Deno.test("option table", async (t) => {
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
      assert(numeric === (typeof spec.default === "number"), `${name}: a number has a default`);
      // The help shows a default only through {default}, so it cannot name another value.
      if (spec.default !== undefined) assert(spec.help.includes("{default}"), `${name} help`);
      if (spec.short) {
        assert(!shorts.has(spec.short), `-${spec.short} is used once`);
        shorts.add(spec.short);
      }
    }
  });
});
