/**
 * IPv4 addresses as 32-bit numbers, for subnet tests on the hot path without string work.
 *
 * @module
 */

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted-quad IPv4 literal; `undefined` for anything else (host names, IPv6, `1.2.3`). */
export function parseIpv4(text: string): number | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255 || (m[i].length > 1 && m[i][0] === "0")) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
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
