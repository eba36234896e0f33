/**
 * `-i NAME` naming an interface this computer does not have (a typo, `wlan0` on a machine whose Wi-Fi
 * is `wlp2s0`), or one without an IPv4 address: which names, and the words that say so with the
 * interfaces there are. Pure: the interface list comes from `Deno.networkInterfaces()` at the edge.
 *
 * @module
 */

import type { InterfaceAddress } from "./interfaces.ts";
import { escapeUnshown } from "../util/text.ts";

/** A `-i` name that cannot be served, and why. */
export interface MissingInterface {
  /** The name as given. */
  name: string;
  /** `absent`: no interface has it; `no-ipv4`: it has no IPv4 address, which pairing needs. */
  why: "absent" | "no-ipv4";
}

/** The most interfaces named in a list: a host with a hundred container links gets a count. */
export const MAX_LISTED = 12;

/** The `-i` names that no interface with an IPv4 address has, each once, in the order given. Pure. */
export function missingInterfaces(
  all: readonly InterfaceAddress[],
  names: readonly string[],
): MissingInterface[] {
  const missing: MissingInterface[] = [];
  for (const name of new Set(names)) {
    const addresses = all.filter((i) => i.name === name);
    if (addresses.length === 0) missing.push({ name, why: "absent" });
    else if (!addresses.some((i) => i.family === "IPv4")) missing.push({ name, why: "no-ipv4" });
  }
  return missing;
}

/** "there is no interface named "wlan0"", one clause per name, joined by "; ". Pure. */
export function missingInterfacesText(missing: readonly MissingInterface[]): string {
  return missing.map(({ name, why }) =>
    why === "absent"
      ? `there is no interface named ${quote(name)}`
      : `${quote(name)} has no IPv4 address (is it connected to the camera's network?)`
  ).join("; ");
}

/**
 * Every interface by name with its first IPv4 address ("eth0 192.168.1.20, wlan0 without IPv4"), at
 * most {@linkcode MAX_LISTED}, then how many more. Pure.
 */
export function interfaceList(all: readonly InterfaceAddress[]): string {
  const names = [...new Set(all.map((i) => i.name))];
  if (names.length === 0) return "none";
  const shown = names.slice(0, MAX_LISTED).map((name) => {
    const ipv4 = all.find((i) => i.name === name && i.family === "IPv4");
    return `${quote(name)} ${ipv4 ? ipv4.address : "without IPv4"}`;
  });
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ");
}

/**
 * A name as the user reads it: plain when it is an ordinary interface name, JSON-quoted otherwise,
 * so that a name given on the command line cannot write control characters to the terminal.
 */
function quote(name: string): string {
  if (/^[\w.:@-]+$/.test(name)) return name;
  // Escaped, not cleaned: the user must see exactly what was asked for. JSON escapes C0 only.
  return escapeUnshown(JSON.stringify(name));
}
