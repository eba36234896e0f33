// The README's option table follows from the option table in lib/cli/options.ts: each row's
// label, default and README line. A flag added, renamed or given another default there fails this
// test until the README says the same; the failure prints the table to paste.

import { assertEquals } from "../support/assert.ts";
import { OPTION_NAMES, OPTION_TABLE, type OptionSpec } from "../../lib/cli/options.ts";

const HEADER = ["option", "default", "what it does"];

/** The README's cells for one option: its label, its default, what it does. */
function readmeCells(name: (typeof OPTION_NAMES)[number]): string[] {
  const spec: OptionSpec = OPTION_TABLE[name];
  const label = `${spec.short ? `-${spec.short}, ` : ""}--${name}${
    spec.value ? ` ${spec.value}` : ""
  }`;
  const value = typeof spec.default === "string" ? `\`${spec.default}\`` : spec.default;
  const fallback = spec.value === undefined ? "off" : "—";
  return [
    `\`${label}\``,
    spec.defaultText ?? value?.toString() ?? fallback,
    spec.readme ?? spec.help,
  ];
}

/** The option table as Markdown, columns padded as `deno fmt` pads them. */
function markdownTable(rows: readonly string[][]): string {
  const widths = HEADER.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(rows[0]), line(widths.map((w) => "-".repeat(w))), ...rows.slice(1).map(line)]
    .join("\n");
}

/** The cells of the README's table whose header is {@linkcode HEADER}; none when it has none. */
function tableInReadme(readme: string): string[][] {
  const lines = readme.split("\n");
  const cells = (line: string) => line.split("|").slice(1, -1).map((cell) => cell.trim());
  const start = lines.findIndex((line) =>
    line.startsWith("|") && cells(line).join("\n") === HEADER.join("\n")
  );
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
  return lines.slice(start, end < 0 ? undefined : end).filter((_, i) => i !== 1).map(cells);
}

Deno.test("the README's option table is the one lib/cli/options.ts renders", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const expected = [HEADER, ...OPTION_NAMES.map(readmeCells)];
  assertEquals(
    tableInReadme(readme),
    expected,
    `README.md's option table differs from lib/cli/options.ts; it should read:\n\n${
      markdownTable(expected)
    }\n`,
  );
});
