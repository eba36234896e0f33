/**
 * The `interfaces` command's table: every IPv4 address, whether it would be served, and why.
 *
 * @module
 */

import { type InterfaceAddress, selectInterfaces, type Selection } from "./interfaces.ts";
import { interfaceList, missingInterfaces, missingInterfacesText } from "./missing_interfaces.ts";

/** What the table judges by: the selection `serve` would make, with the `-i` names (maybe none). */
export type InterfaceTableOptions = Selection & Pick<Required<Selection>, "interfaceNames">;

/** Formats the verdict on each interface address as aligned text. Pure. */
export function formatInterfaceTable(
  all: readonly InterfaceAddress[],
  selection: InterfaceTableOptions,
): string {
  const candidates = selectInterfaces(all, selection);
  const missing = missingInterfaces(all, selection.interfaceNames);
  // A mistyped -i leaves every row "not named with -i": the name itself is what is wrong.
  const missingLine = missing.length === 0
    ? []
    : [`-i: ${missingInterfacesText(missing)}. This computer has: ${interfaceList(all)}.`];
  if (candidates.length === 0) return ["no IPv4 interfaces found", ...missingLine].join("\n");
  const rows = candidates.map((c) => [c.served ? "serve" : "skip", c.name, c.address, c.reason]);
  const header = ["", "INTERFACE", "ADDRESS", "WHY"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => i === cells.length - 1 ? cell : cell.padEnd(widths[i])).join("  ");
  const served = candidates.filter((c) => c.served).length;
  const summary = served === 0
    ? missing.length > 0
      ? "No interface would be served."
      : "No interface would be served: connect to the camera's network, or name one with -i."
    : `${served} address${served === 1 ? "" : "es"} would be served.`;
  return [line(header), ...rows.map(line), "", ...missingLine, summary].join("\n");
}
