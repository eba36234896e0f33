/**
 * The M-SEARCH requests the helper sends: the one a Canon camera sends (for `probe`, which plays the
 * camera), and the unicast one that asks a paired camera for its own SSDP presence.
 *
 * @module
 */

import { ALL_TARGET, ROOT_DEVICE_TARGET, SSDP_MULTICAST_ADDRESS, SSDP_PORT } from "./wire.ts";

/** The fields of an M-SEARCH. */
export interface SearchRequest {
  /** The HOST header: the group and port, or the unicast target's `ip:port`. */
  host: string;
  /** The search target. */
  st: string;
  /** Seconds a responder may wait (UDA 1.0 requires the header, even for unicast). */
  mx: number;
}

/** Formats an M-SEARCH in the header order of common UPnP stacks. Pure. */
export function formatSearchRequest(request: SearchRequest): string {
  return [
    "M-SEARCH * HTTP/1.1",
    `HOST: ${request.host}`,
    'MAN: "ssdp:discover"',
    `MX: ${request.mx}`,
    `ST: ${request.st}`,
    "",
    "",
  ].join("\r\n");
}

/** The M-SEARCH a camera multicasts when it looks for computers (its exact MX is unknown; 3 is typical). */
export const CAMERA_SEARCH: string = formatSearchRequest({
  host: `${SSDP_MULTICAST_ADDRESS}:${SSDP_PORT}`,
  st: ROOT_DEVICE_TARGET,
  mx: 3,
});

/**
 * The unicast search that asks the device at `ip` (SSDP on `port`) to answer with its USN and
 * Server. It asks for `ssdp:all`: Canon cameras are reported to answer that and their own service
 * types, not `upnp:rootdevice`.
 */
export function unicastPresenceSearch(ip: string, port: number): string {
  return formatSearchRequest({ host: `${ip}:${port}`, st: ALL_TARGET, mx: 1 });
}
