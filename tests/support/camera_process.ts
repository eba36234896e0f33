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
): Promise<{ code: number; report: Partial<PairingReport>; output: string }> {
  const out = await ns.output([Deno.execPath(), "run", "--allow-net", CAMERA_SIM, mode, target]);
  const output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  const last = output.trim().split("\n").findLast((l) => l.startsWith("{"));
  return { code: out.code, report: last ? JSON.parse(last) : {}, output };
}
