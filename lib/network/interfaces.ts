/**
 * Which of this machine's IPv4 interfaces the helper serves, and why the others are not. Pure: the
 * interface list comes from `Deno.networkInterfaces()` at the edge.
 *
 * @module
 */

import { isLinkLocal, isLoopback, parseIpv4, sameSubnet } from "./ipv4.ts";

/** An interface address as `Deno.networkInterfaces()` reports it (only the fields used here). */
export interface InterfaceAddress {
  /** The interface's name (`eth0`, `wlan0`, `en0`). */
  name: string;
  /** Only IPv4 is served: cameras pair over IPv4. */
  family: "IPv4" | "IPv6";
  /** Its address. */
  address: string;
  /** Dotted form, as `Deno.networkInterfaces` gives it. */
  netmask: string;
}

/** An IPv4 address the helper serves: it joins the multicast group there and answers its subnet. */
export interface ServedAddress {
  /** The interface's name. */
  name: string;
  /** The address served. */
  address: string;
  /** Numeric forms, for the per-datagram subnet test. */
  addressValue: number;
  /** The netmask as a number. */
  netmaskValue: number;
}

/** One candidate and the verdict on it. */
export interface Candidate {
  /** The interface's name. */
  name: string;
  /** Its IPv4 address. */
  address: string;
  /** Its netmask. */
  netmask: string;
  /** Whether the helper serves it. */
  served: boolean;
  /** Why it is served or not, for the `interfaces` table. */
  reason: string;
}

/**
 * Names of virtual bridges and tunnels that cameras are never on, as Linux, macOS (`bridge100` is
 * Internet Sharing and VMs) and Windows (`vEthernet (WSL)`, `ZeroTier One`) name them; case does not
 * matter. `-i NAME` still selects them.
 */
const VIRTUAL_INTERFACE =
  /^(docker|br-|veth|virbr|vmnet|vboxnet|tun|tap|wg|utun|zt|zerotier|tailscale|vethernet|bridge1\d\d)/i;

/** What narrows the set: a LAN address given on the command line, `-i` names. */
export interface Selection {
  /** Serve only this address. */
  lanAddress?: string;
  /** Serve only these interfaces, virtual ones included. */
  interfaceNames?: readonly string[];
}

/** Decides which addresses to serve. Pure. */
export function selectInterfaces(
  all: readonly InterfaceAddress[],
  selection: Selection,
): Candidate[] {
  const named = new Set(selection.interfaceNames ?? []);
  const verdicts: Candidate[] = [];
  for (const info of all) {
    if (info.family !== "IPv4") continue;
    const value = parseIpv4(info.address);
    if (value === undefined) continue;
    const verdict = (served: boolean, reason: string) =>
      verdicts.push({
        name: info.name,
        address: info.address,
        netmask: info.netmask,
        served,
        reason,
      });
    if (selection.lanAddress !== undefined) {
      if (info.address !== selection.lanAddress) verdict(false, "not the LAN_IP given");
      else if (named.size > 0 && !named.has(info.name)) {
        verdict(false, "LAN_IP, but not named with -i");
      } else verdict(true, "the LAN_IP given");
      continue;
    }
    if (named.size > 0) {
      if (named.has(info.name)) verdict(true, "named with -i");
      else verdict(false, "not named with -i");
      continue;
    }
    if (isLoopback(value)) verdict(false, "loopback");
    else if (VIRTUAL_INTERFACE.test(info.name)) {
      verdict(false, "virtual bridge or tunnel (select it with -i if a camera is there)");
    } else if (isLinkLocal(value)) verdict(false, "link-local");
    else verdict(true, "usable LAN address");
  }
  // Every 127/8 address is this machine's, though interface lists show only 127.0.0.1.
  const lan = selection.lanAddress;
  const lanValue = lan === undefined ? undefined : parseIpv4(lan);
  if (lanValue !== undefined && isLoopback(lanValue) && !verdicts.some((c) => c.served)) {
    verdicts.push({
      name: "lo",
      address: lan!,
      netmask: "255.0.0.0",
      served: true,
      reason: "loopback LAN_IP given",
    });
  }
  // A camera and a computer without DHCP both fall back to 169.254/16: then that is the LAN.
  if (!verdicts.some((c) => c.served) && selection.lanAddress === undefined && named.size === 0) {
    for (const c of verdicts) {
      if (c.reason === "link-local") {
        c.served = true;
        c.reason = "link-local, served because no other address exists";
      }
    }
  }
  return verdicts;
}

/** The served addresses of a selection, in numeric form for the responder. */
export function servedAddresses(candidates: readonly Candidate[]): ServedAddress[] {
  const result: ServedAddress[] = [];
  for (const c of candidates) {
    const addressValue = parseIpv4(c.address);
    const netmaskValue = parseIpv4(c.netmask);
    if (!c.served || addressValue === undefined || netmaskValue === undefined) continue;
    result.push({ name: c.name, address: c.address, addressValue, netmaskValue });
  }
  return result;
}

/**
 * The served address whose subnet holds `source`, so an answer's LOCATION is reachable from the
 * requester. A loopback source is answered with a loopback address when one is served.
 */
export function addressFor(
  served: readonly ServedAddress[],
  source: number,
): ServedAddress | undefined {
  for (const s of served) {
    if (sameSubnet(source, s.addressValue, s.netmaskValue)) return s;
  }
  return undefined;
}

/** What changed between two sets of served addresses. Pure. */
export function diffServed(
  before: readonly ServedAddress[],
  after: readonly ServedAddress[],
): { added: ServedAddress[]; removed: ServedAddress[] } {
  const key = (s: ServedAddress) => `${s.name}/${s.address}/${s.netmaskValue}`;
  const beforeKeys = new Set(before.map(key));
  const afterKeys = new Set(after.map(key));
  return {
    added: after.filter((s) => !beforeKeys.has(key(s))),
    removed: before.filter((s) => !afterKeys.has(key(s))),
  };
}
