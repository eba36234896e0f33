/**
 * Opening the SSDP socket and keeping its multicast memberships in step with the served addresses.
 *
 * @module
 */

import { SocketError } from "../errors.ts";
import { SSDP_MULTICAST_ADDRESS } from "./wire.ts";

/** What `serve` needs of the SSDP socket: the real one, or a fake in the in-process tests. */
export type SsdpSocket = Pick<Deno.DatagramConn, "receive" | "send" | "joinMulticastV4" | "close">;

/** Opens the UDP socket on `0.0.0.0:port` with address reuse; throws a {@linkcode SocketError}. */
export function openSsdpSocket(port: number): Deno.DatagramConn {
  if (typeof Deno.listenDatagram !== "function") {
    throw new SocketError("udp", "0.0.0.0", port, "no-udp-api");
  }
  try {
    return Deno.listenDatagram({
      transport: "udp",
      hostname: "0.0.0.0",
      port,
      // Other SSDP software (Windows' SSDP service, minidlna, browsers) often holds 1900 too.
      reuseAddress: true,
    });
  } catch (error) {
    throw SocketError.from("udp", "0.0.0.0", port, error);
  }
}

/** The multicast group memberships of one socket, one per served address. */
export class Memberships {
  readonly #conn: SsdpSocket;
  readonly #joined = new Map<string, Deno.MulticastV4Membership | undefined>();

  /** Keeps its settings; starts nothing. */
  constructor(conn: SsdpSocket) {
    this.#conn = conn;
  }

  /** The addresses whose interface has joined the group. */
  get addresses(): string[] {
    return [...this.#joined.keys()];
  }

  /**
   * Joins the group on the interface that owns `address`; throws the system's error. An interface that
   * is a member already counts as joined: when its address changes, the old membership cannot be
   * dropped by the vanished address, yet it still receives the group on the new one.
   */
  async join(address: string): Promise<void> {
    if (this.#joined.has(address)) return;
    try {
      this.#joined.set(address, await this.#conn.joinMulticastV4(SSDP_MULTICAST_ADDRESS, address));
    } catch (error) {
      if (!(error instanceof Deno.errors.AddrInUse)) throw error;
      this.#joined.set(address, undefined);
    }
  }

  /**
   * Joins the group on `address`'s interface again. The system refuses a membership that is in place
   * (false: nothing was lost); one that succeeds had been lost, as happens when the interface is
   * deleted and re-created with the same address (true). Throws the system's other errors.
   */
  async reassert(address: string): Promise<boolean> {
    if (!this.#joined.has(address)) return false;
    try {
      const membership = await this.#conn.joinMulticastV4(SSDP_MULTICAST_ADDRESS, address);
      this.#joined.set(address, membership);
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.AddrInUse) return false;
      throw error;
    }
  }

  /** Leaves the group on `address`'s interface; an interface that is gone has left already. */
  async leave(address: string): Promise<void> {
    const membership = this.#joined.get(address);
    this.#joined.delete(address);
    await membership?.leave().catch(() => {});
  }
}
