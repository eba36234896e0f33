/**
 * Runs the camera simulator as a program inside a namespace: the camera is another host on the LAN.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import type { PairingReport } from "./camera_sim.ts";
import type { Netns } from "./netns.ts";

const CAMERA_SIM = fileURLToPath(new URL("./camera_sim.ts", import.meta.url));

/** Pairs from `ns` (multicast to `port`, or unicast to `HOST:PORT`) and returns the report. */
export async function pairFrom(
  ns: Netns,
  mode: "--multicast" | "--unicast",
  target: string,
  timeoutMs = 5000,
): Promise<{ code: number; report: Partial<PairingReport>; output: string }> {
  const argv = [
    Deno.execPath(),
    "run",
    "--allow-net",
    CAMERA_SIM,
    mode,
    target,
    "--timeout",
    `${timeoutMs}`,
  ];
  const out = await ns.output(argv);
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const last = output.trim().split("\n").findLast((l) => l.startsWith("{"));
  return { code: out.code, report: last ? JSON.parse(last) : {}, output };
}

const SSDP_TOOLS = fileURLToPath(new URL("./ssdp_tools.ts", import.meta.url));

/** The argv that runs one of the SSDP tools (`flood`, `listen`) of `ssdp_tools.ts`. */
export function ssdpToolArgv(tool: "flood" | "listen", args: readonly string[]): string[] {
  return [Deno.execPath(), "run", "--unstable-net", "--allow-net", SSDP_TOOLS, tool, ...args];
}
