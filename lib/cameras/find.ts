/**
 * Finding Canon cameras on the network without their address, for `import`: one `ssdp:all`
 * M-SEARCH to the SSDP group from each served address, the answers collected for a few seconds,
 * and those {@linkcode canonTrait} recognises kept, one per address.
 *
 * @module
 */

import type { SsdpMessage } from "../ssdp/message.ts";
import { formatSearchRequest } from "../ssdp/search_request.ts";
import { type SearchPlace, searchRound } from "../ssdp/search_sockets.ts";
import { ALL_TARGET, SSDP_MULTICAST_ADDRESS } from "../ssdp/wire.ts";
import { err, ok, type Result } from "../util/result.ts";
import { canonTrait } from "./recognise.ts";

/** A Canon camera that answered. */
export interface FoundCamera {
  /** Its IPv4 address: where its PTP/IP port is. */
  ip: string;
  /** What made it a Canon camera (`server`, `type`, `usn`). */
  trait: string;
}

/** How long answers are collected by default. */
const FIND_WINDOW_MS = 3000;

/** Answers kept at most: a LAN of chatty UPnP devices cannot grow the list without bound. */
const MAX_ANSWERS = 1024;

/** The Canon cameras among `answers`, one per address, in the order they first answered. Pure. */
export function canonCameras(
  answers: readonly { from: string; message: SsdpMessage }[],
): FoundCamera[] {
  const found = new Map<string, FoundCamera>();
  for (const { from, message } of answers) {
    if (found.has(from)) continue;
    const trait = canonTrait({
      server: message.headers.get("server"),
      usn: message.headers.get("usn"),
      type: message.headers.get("st"),
    });
    if (trait !== undefined) found.set(from, { ip: from, trait });
  }
  return [...found.values()];
}

/** Where (the SSDP group, from the served interfaces) and how long to search. */
export interface FindOptions extends Omit<SearchPlace, "target"> {
  /** How long to collect answers; {@linkcode FIND_WINDOW_MS} by default. */
  windowMs?: number;
}

/**
 * Searches and returns the Canon cameras that answered within the window; `no-interface` when no
 * interface is served (nothing to search from).
 */
export async function findCanonCameras(
  options: FindOptions,
): Promise<Result<FoundCamera[], "no-interface">> {
  const answers: { from: string; message: SsdpMessage }[] = [];
  const search = formatSearchRequest({
    host: `${SSDP_MULTICAST_ADDRESS}:${options.ssdpPort}`,
    st: ALL_TARGET,
    mx: 2,
  });
  const round = await searchRound(
    options,
    search,
    options.windowMs ?? FIND_WINDOW_MS,
    (m, from) => {
      if (answers.length < MAX_ANSWERS) answers.push({ from: from.hostname, message: m });
    },
  );
  if (round === undefined) return err("no-interface");
  return ok(canonCameras(answers));
}
