// The help pages, built from the option table: --help is one screen, every page fits 80 columns, and
// each option is on the page of every command it applies to and no other.

import { assert, assertMatch } from "../support/assert.ts";
import { commandHelpText, helpText } from "../../lib/cli/help.ts";
import { COMMANDS, OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "../../lib/cli/options.ts";

const help = helpText("0.0.0");
/** A classic terminal's width. */
const COLUMNS = 80;

/** How `--help` writes an option's label. */
function label(name: keyof typeof OPTION_TABLE): string {
  const spec: OptionSpec = OPTION_TABLE[name];
  return spec.short ? `-${spec.short}, --${name}` : `--${name}`;
}

Deno.test("help pages", async (t) => {
  await t.step("--help and every command's page fit 80 columns, every line", () => {
    for (const text of [help, ...COMMANDS.map((c) => commandHelpText(c, "0.0.0"))]) {
      for (const line of text.split("\n")) {
        assert(line.length <= COLUMNS, `${line.length} columns: ${line}`);
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

  await t.step("--help shows the command, help import its --to", () => {
    assertMatch(helpText("0.0.0"), /import \[CAMERA_IP\] \[--to DIR\]/);
    const page = commandHelpText("import", "0.0.0");
    assertMatch(page, /ptpip-canon-helper import \[CAMERA_IP\] \[--to DIR\]/);
    assertMatch(page, /--to DIR/);
  });

  await t.step(
    "each page names the version, and shows a row's default where it says {default}",
    () => {
      const pages = [helpText("9.8.7"), ...COMMANDS.map((c) => commandHelpText(c, "9.8.7"))];
      for (const page of pages) {
        assert(page.startsWith("ptpip-canon-helper 9.8.7\n"), page.slice(0, 40));
        assert(!page.includes("{default}"), "a placeholder left in a page");
      }
      const serve = commandHelpText("serve", "0.0.0");
      const withDefault = OPTION_NAMES.filter((n) => {
        const spec: OptionSpec = OPTION_TABLE[n];
        return spec.default !== undefined && spec.commands.includes("serve");
      });
      assert(withDefault.length > 0);
      for (const name of withDefault) {
        const spec: OptionSpec = OPTION_TABLE[name];
        const at = serve.indexOf(label(name));
        // Its lines: up to the next line that is not a continuation of its text.
        const lines = serve.slice(at).split(/\n(?! {26})/)[0];
        assert(lines.includes(String(spec.default)), `help serve shows ${name}'s default`);
      }
    },
  );
});
