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
