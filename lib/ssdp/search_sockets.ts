/**
 * The sockets a search of our own goes out from: one on any address for a unicast search, or one
 * on each served interface's address for the SSDP group. Shared by `probe` and `import`.
 *
 * @module
 */

import { type InterfaceAddress, selectInterfaces } from "../network/interfaces.ts";
import { SSDP_MULTICAST_ADDRESS } from "./wire.ts";

/** Where a search goes and what it goes out from. */
export interface SearchSockets {
  /** Open sockets; the caller closes them. */
  sockets: Deno.DatagramConn[];
  /** The destination: the host searched, or the SSDP group. */
  to: Deno.NetAddr;
  /** The interfaces searched from, for the user (`eth0 192.168.1.20, …`). */
  from: string;
  /** Whether the search loops back to this computer too (multicast). */
  looped: boolean;
}

/**
 * Opens the sockets for a search of `target` (unicast), or of the SSDP group on `ssdpPort` from
 * every served interface (`interfaceNames` as `-i` names them). `undefined` when no interface is
 * served: the caller words that for its command.
 */
export function openSearchSockets(
  target: { hostname: string; port: number } | undefined,
  ssdpPort: number,
  interfaceNames: readonly string[],
  interfaces: () => InterfaceAddress[],
): SearchSockets | undefined {
  if (target) {
    return {
      sockets: [Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 })],
      to: { transport: "udp", ...target },
      from: "this computer",
      looped: false,
    };
  }
  const served = selectInterfaces(interfaces(), { interfaceNames }).filter((c) => c.served);
  if (served.length === 0) return undefined;
  // On Linux a socket bound to an interface's address sends multicast out of that interface;
  // elsewhere the default route decides (Deno cannot set IP_MULTICAST_IF). Deno turns multicast
  // loopback off unless asked: without it a helper on this computer would never hear the search.
  const sockets: Deno.DatagramConn[] = [];
  try {
    for (const c of served) {
      sockets.push(
        Deno.listenDatagram({ transport: "udp", hostname: c.address, port: 0, loopback: true }),
      );
    }
  } catch (error) {
    // An address gone since the list was read: the sockets already open must not stay open.
    for (const socket of sockets) socket.close();
    throw error;
  }
  return {
    sockets,
    to: { transport: "udp", hostname: SSDP_MULTICAST_ADDRESS, port: ssdpPort },
    from: served.map((c) => `${c.name} ${c.address}`).join(", "),
    looped: true,
  };
}
