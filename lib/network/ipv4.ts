/**
 * IPv4 addresses as 32-bit numbers, for subnet tests on the hot path without string work.
 *
 * @module
 */

/**
 * Parses a dotted-quad IPv4 literal; `undefined` for anything else (host names, IPv6, `1.2.3`, leading
 * zeros). Reads characters directly: it runs for every datagram's source.
 */
export function parseIpv4(text: string): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "." closes the last octet
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46 && digits > 0) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      if (i < text.length && ++dots > 3) return undefined;
    } else {
      return undefined;
    }
  }
  return dots === 3 ? value >>> 0 : undefined;
}

/** Whether `address` lies in the subnet of `network` under `netmask` (all as numbers). */
export function sameSubnet(address: number, network: number, netmask: number): boolean {
  return ((address & netmask) >>> 0) === ((network & netmask) >>> 0);
}

/** 127.0.0.0/8. */
export function isLoopback(address: number): boolean {
  return address >>> 24 === 127;
}

/** 169.254.0.0/16, self-assigned when DHCP failed. */
export function isLinkLocal(address: number): boolean {
  return address >>> 16 === 0xa9fe;
}

/**
 * Why `address` is not one host's own unicast address, or `undefined` when it is: the unspecified
 * address, limited broadcast, multicast, and the network and broadcast addresses of the subnet of
 * `network` under `netmask` all reach many hosts, so an answer sent there would reach every one of
 * them. A /31 or /32 subnet has no network or broadcast address. Pure; never throws.
 */
export function notHostReason(
  address: number,
  network: number,
  netmask: number,
): string | undefined {
  if (address === 0) return "the unspecified address";
  if (address === 0xffffffff) return "the broadcast address";
  if (address >>> 28 === 0xe) return "a multicast address";
  const mask = netmask >>> 0;
  if (mask >= 0xfffffffe || !sameSubnet(address, network, mask)) return undefined;
  const host = (address & ~mask) >>> 0;
  if (host === 0) return "the subnet's network address";
  if (host === (~mask >>> 0)) return "the subnet's broadcast address";
  return undefined;
}
