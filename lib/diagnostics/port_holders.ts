/**
 * Who holds a port, on Linux. Deno refuses to read /proc without --allow-all, so the sockets and their
 * processes come from `ss` (iproute2, on every current Linux): `ss -p` names the owner of each
 * socket it may see — every one as root, only the user's own otherwise; the rest are counted, not
 * guessed.
 *
 * @module
 */

import { withTimeout } from "../util/timeout.ts";
import { cleanText } from "../util/text.ts";

/** A process holding a socket. */
export interface SocketOwner {
  /** Its process id. */
  pid: number;
  /** Its process name, as `ss` shows it (not trusted: escaped when printed). */
  name: string;
}

/** The sockets bound to a port and the processes found owning them. */
export interface PortHolders {
  /** How many sockets are bound to the port. */
  sockets: number;
  /** The processes seen owning them, each once. */
  owners: SocketOwner[];
  /** How many sockets have no visible owner (another user's, without root). */
  hidden: number;
}

const USER = /\("((?:[^"\\]|\\.)*)",pid=(\d+),/g;

/** Reads `ss -H -n -p` output: one socket a line, owners in `users:(("name",pid=N,fd=M),…)`. Pure. */
export function parseSsOutput(text: string): PortHolders {
  const owners = new Map<number, SocketOwner>();
  let sockets = 0;
  let hidden = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    sockets++;
    const users = [...line.matchAll(USER)];
    if (users.length === 0) hidden++;
    for (const [, name, pid] of users) owners.set(Number(pid), { pid: Number(pid), name });
  }
  return { sockets, owners: [...owners.values()], hidden };
}

/** Names owners as "minidlnad (pid 812), python3 (pid 913)". Pure. */
export function formatOwners(owners: readonly SocketOwner[]): string {
  return owners.map((o) => `${o.name} (pid ${o.pid})`).join(", ");
}

/**
 * The sockets bound to `port` (every UDP socket, listening TCP ones) and their processes. Throws with
 * a readable message when `ss` cannot be run, so the caller can say the check could not be made.
 */
export async function portHolders(port: number, protocol: "udp" | "tcp"): Promise<PortHolders> {
  const kind = protocol === "udp" ? ["-u", "-a"] : ["-t", "-l"];
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("ss", {
      args: ["-H", "-n", "-p", ...kind, "sport", "=", `:${port}`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new Error("`ss` (iproute2) is not installed");
    throw error;
  }
  if (!out.success) {
    throw new Error(`ss failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return parseSsOutput(new TextDecoder().decode(out.stdout));
}

/** The most processes named in one error line. */
const MAX_NAMED = 4;

/**
 * The processes seen on a port as a phrase for an error line ("minidlnad (pid 812)"), or `undefined`
 * when none can be seen within `ms`: not Linux, no `ss`, no `--allow-run`, or only another user's
 * sockets without root. Used when a socket could not be opened, so the start waits at most `ms`.
 */
export async function holdersPhrase(
  port: number,
  protocol: "udp" | "tcp",
  os: typeof Deno.build.os,
  ms = 1000,
): Promise<string | undefined> {
  if (os !== "linux") return undefined;
  let found: PortHolders;
  try {
    found = await withTimeout(portHolders(port, protocol), ms, "answer from ss");
  } catch {
    return undefined;
  }
  if (found.owners.length === 0) return undefined;
  const more = found.owners.length - MAX_NAMED;
  // Another user's process may be named anything, escape sequences included.
  const named = formatOwners(
    found.owners.slice(0, MAX_NAMED).map((o) => ({ pid: o.pid, name: cleanText(o.name, 64) })),
  );
  return more > 0 ? `${named} and ${more} more` : named;
}
