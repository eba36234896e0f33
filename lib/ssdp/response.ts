/**
 * The SSDP messages we send, byte for byte. The header set and order of the search answer are what
 * Windows sends and what cameras are known to accept; do not add, drop or reorder lines.
 *
 * @module
 */

import type { Target } from "./search.ts";
import { SSDP_MULTICAST_ADDRESS, SSDP_PORT, SSDP_SERVER } from "./wire.ts";

/** Where the description is and how long answers stay valid. */
export interface Advertisement {
  /** The description URL, `http://<LAN_IP>:<port>/<path>`. */
  location: string;
  /** Seconds, for `Cache-Control: max-age`. */
  maxAge: number;
}

function crlfLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\r\n`).join("") + "\r\n";
}

/** The unicast `200 OK` that answers an M-SEARCH for `target`. */
export function formatSearchResponse(target: Target, ad: Advertisement): string {
  return crlfLines([
    "HTTP/1.1 200 OK",
    `ST: ${target.st}`,
    `USN: ${target.usn}`,
    `LOCATION: ${ad.location}`,
    `Cache-Control: max-age=${ad.maxAge}`,
    `Server: ${SSDP_SERVER}`,
    "Ext: ",
  ]);
}

/** The two kinds of announcement. */
export type NotifyKind = "ssdp:alive" | "ssdp:byebye";

/**
 * A multicast `NOTIFY` for `target`. `byebye` carries only what UDA asks of it (no LOCATION,
 * Server or Cache-Control): the device is leaving, there is nothing to fetch.
 */
export function formatNotify(kind: NotifyKind, target: Target, ad: Advertisement): string {
  const head = ["NOTIFY * HTTP/1.1", `HOST: ${SSDP_MULTICAST_ADDRESS}:${SSDP_PORT}`];
  if (kind === "ssdp:byebye") {
    return crlfLines([...head, `NT: ${target.st}`, `NTS: ${kind}`, `USN: ${target.usn}`]);
  }
  return crlfLines([
    ...head,
    `Cache-Control: max-age=${ad.maxAge}`,
    `LOCATION: ${ad.location}`,
    `NT: ${target.st}`,
    `NTS: ${kind}`,
    `Server: ${SSDP_SERVER}`,
    `USN: ${target.usn}`,
  ]);
}

/** The description URL of a served address: built once from the port and path, used by all. */
export type LocationOf = (address: string) => string;

/** The {@linkcode LocationOf} for a description port and path. */
export function locationProvider(port: number, path: string): LocationOf {
  return (address) => descriptionUrl(address, port, path);
}

/** The description URL for an address, port and path. */
export function descriptionUrl(address: string, port: number, path: string): string {
  return `http://${address}:${port}/${path}`;
}

const encoder = new TextEncoder();

/**
 * The encoded answers of each target for one advertisement, made once per address so that answering a
 * search is a lookup and a send, with no formatting on the hot path.
 */
export function encodeSearchResponses(
  targets: readonly Target[],
  ad: Advertisement,
): Map<Target, Uint8Array> {
  return new Map(targets.map((t) => [t, encoder.encode(formatSearchResponse(t, ad))]));
}
