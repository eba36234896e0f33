// The option table is the one source of the command line: every row parses, is documented on the
// help page of each command it applies to and in the README; --help is one screen, and every page
// fits 80 columns.

import { assert } from "../support/assert.ts";
import { commandHelpText, HELP_COLUMNS, helpText } from "../../lib/cli/help.ts";
import { COMMANDS, OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "../../lib/cli/options.ts";

const help = helpText("0.0.0");

/** How `--help` writes an option's label. */
function label(name: keyof typeof OPTION_TABLE): string {
  const spec: OptionSpec = OPTION_TABLE[name];
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
}

Deno.test("option table", async (t) => {
  await t.step("--help and every command's page fit 80 columns, every line", () => {
    for (const text of [help, ...COMMANDS.map((c) => commandHelpText(c, "0.0.0"))]) {
      for (const line of text.split("\n")) {
        assert(line.length <= HELP_COLUMNS, `${line.length} columns: ${line}`);
      }
    }
  });

  await t.step("--help is one screen: at most 40 lines, and says where the rest is", () => {
    const lines = help.split("\n").length;
    assert(lines <= 40, `--help has ${lines} lines`);
    assert(help.includes("help COMMAND"), "--help names help COMMAND");
    for (const command of COMMANDS) {
      assert(help.includes(`  ${command} `), `--help lists ${command}`);
    }
  });

  await t.step("help serve lists every serve option of the table, with its short alias", () => {
    const page = commandHelpText("serve", "0.0.0");
    const serveOptions = OPTION_NAMES.filter((n) =>
      (OPTION_TABLE[n] as OptionSpec).commands.includes("serve")
    );
    assert(serveOptions.length > 30, `${serveOptions.length} serve options`);
    for (const name of serveOptions) assert(page.includes(label(name)), `help serve lists ${name}`);
  });

  await t.step("every option is on the page of each command it applies to, and no other", () => {
    for (const command of COMMANDS) {
      const page = commandHelpText(command, "0.0.0");
      for (const name of OPTION_NAMES) {
        const applies = (OPTION_TABLE[name] as OptionSpec).commands.includes(command);
        // A row's label, at the start of its line: other rows' texts may mention the option.
        const listed = new RegExp(`^ {2}${label(name).replace(/^--/, "    --")}(?: |$)`, "m");
        assert(
          listed.test(page) === applies,
          `help ${command} ${applies ? "lists" : "omits"} ${name}`,
        );
      }
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
