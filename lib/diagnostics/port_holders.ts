/**
 * Who holds a port, on Linux. Deno refuses to read /proc without --allow-all, so the sockets and their
 * processes come from `ss` (iproute2, on every current Linux): `ss -p` names the owner of each
 * socket it may see — every one as root, only the user's own otherwise; the rest are counted, not
 * guessed.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { runBounded } from "./run_bounded.ts";
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

/** How long `ss` may take: it answers in milliseconds. */
const SS_TIMEOUT_MS = 3000;

/** Far more than the lines of every socket on one port. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * The sockets bound to `port` (every UDP socket, listening TCP ones) and their processes, or why they
 * could not be looked for (not Linux, no `ss`, no `--allow-run`, its failure or deadline).
 */
export async function portHolders(
  port: number,
  protocol: "udp" | "tcp",
  os: string,
  timeoutMs = SS_TIMEOUT_MS,
): Promise<Result<PortHolders, string>> {
  if (os !== "linux") return err("only possible on Linux");
  const sockets = protocol === "udp" ? ["-u", "-a"] : ["-t", "-l"];
  const ran = await runBounded("ss", {
    args: ["-H", "-n", "-p", ...sockets, "sport", "=", `:${port}`],
    timeoutMs,
    maxBytes: MAX_OUTPUT_BYTES,
    name: "`ss` (iproute2)",
  });
  if (!ran.ok) return ran;
  if (!ran.value.success) return err(`ss failed: ${ran.value.stderr.trim()}`);
  return ok(parseSsOutput(ran.value.stdout));
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
  const ran = await portHolders(port, protocol, os, ms);
  if (!ran.ok || ran.value.owners.length === 0) return undefined;
  const found = ran.value;
  const more = found.owners.length - MAX_NAMED;
  // Another user's process may be named anything, escape sequences included.
  const named = formatOwners(
    found.owners.slice(0, MAX_NAMED).map((o) => ({ pid: o.pid, name: cleanText(o.name, 64) })),
  );
  return more > 0 ? `${named} and ${more} more` : named;
}
