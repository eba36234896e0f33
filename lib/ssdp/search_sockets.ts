/**
 * A search of our own, one round: open the sockets (one on any address for a unicast search, or
 * one on each served interface's address for the SSDP group), listen, send the request from each,
 * collect answers for the window, close. Shared by `probe` and `import`.
 *
 * @module
 */

import { type InterfaceAddress, selectInterfaces } from "../network/interfaces.ts";
import { receiveAnswers } from "./answers.ts";
import type { SsdpMessage } from "./message.ts";
import { sleep } from "../util/timers.ts";
import { SSDP_MULTICAST_ADDRESS } from "./wire.ts";

/** A host searched alone (unicast). */
export interface SearchTarget {
  /** Its IPv4 address. */
  hostname: string;
  /** Its SSDP port. */
  port: number;
}

/** Where a search goes from. */
export interface SearchPlace {
  /** A host to search unicast; the SSDP group when absent. */
  target?: SearchTarget;
  /** The SSDP port of the group search (1900, or `-p`). */
  ssdpPort: number;
  /** `-i` names: the interfaces to search from; every LAN interface when empty. */
  interfaceNames: readonly string[];
  /** The interface list. */
  interfaces: () => InterfaceAddress[];
}

/** Where a round's search went, for the user. */
export interface SearchRound {
  /** The destination: the host searched, or the SSDP group. */
  to: Deno.NetAddr;
  /** The interfaces searched from, for the user (`eth0 192.168.1.20, …`). */
  from: string;
  /** Whether the search loops back to this computer too (multicast). */
  looped: boolean;
  /** Each failed send's error, in the order of the interfaces; the others still searched. */
  sendErrors: string[];
}

interface OpenSockets extends Omit<SearchRound, "sendErrors"> {
  sockets: Deno.DatagramConn[];
}

function openSockets(place: SearchPlace): OpenSockets | undefined {
  if (place.target) {
    return {
      sockets: [Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port: 0 })],
      to: { transport: "udp", ...place.target },
      from: "this computer",
      looped: false,
    };
  }
  const served = selectInterfaces(place.interfaces(), { interfaceNames: place.interfaceNames })
    .filter((c) => c.served);
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
    to: { transport: "udp", hostname: SSDP_MULTICAST_ADDRESS, port: place.ssdpPort },
    from: served.map((c) => `${c.name} ${c.address}`).join(", "),
    looped: true,
  };
}

/**
 * Sends `request` from `place`, hands every answer heard within `windowMs` to `onAnswer`, and
 * closes the sockets. `undefined` when no interface is served: the caller words that for its
 * command.
 */
export async function searchRound(
  place: SearchPlace,
  request: string,
  windowMs: number,
  onAnswer: (message: SsdpMessage, from: Deno.NetAddr) => void,
): Promise<SearchRound | undefined> {
  const opened = openSockets(place);
  if (opened === undefined) return undefined;
  const { sockets, ...round } = opened;
  const collecting = sockets.map((socket) => receiveAnswers(socket, onAnswer));
  const bytes = new TextEncoder().encode(request);
  // A send that fails (an interface going down) leaves the others searching.
  const sent = await Promise.all(
    sockets.map((s) => s.send(bytes, round.to).then(() => undefined, (error) => String(error))),
  );
  await sleep(windowMs);
  sockets.forEach((s) => s.close());
  await Promise.all(collecting);
  return { ...round, sendErrors: sent.filter((e) => e !== undefined) };
}
