/**
 * Opt-in SSDP announcements (`--announce`): `ssdp:alive` for the root device and the UUID on every
 * served address at start (twice, as UDP may drop one), again every max-age/3, and `ssdp:byebye` on a
 * clean shutdown. Each address sends from its own socket bound to it: on Linux the NOTIFY then leaves
 * by that address's interface; elsewhere the default route decides (Deno cannot set IP_MULTICAST_IF).
 *
 * @module
 */

import type { ServedAddress } from "../network/interfaces.ts";
import type { Target } from "./search.ts";
import { formatNotify, type LocationOf, type NotifyKind } from "./response.ts";
import { SSDP_MULTICAST_ADDRESS, SSDP_PORT } from "./wire.ts";
import { after, every, type Timer } from "../util/timers.ts";

/** Settings of the announcer. */
export interface AnnouncerOptions {
  /** The targets announced: root device and UUID. */
  targets: readonly Target[];
  /** Seconds the announcement is valid for; it is repeated every third of it. */
  maxAge: number;
  /** The description URL of a served address. */
  locationOf: LocationOf;
  /** Where NOTIFYs go; the SSDP group, or a test's own address and port. */
  destination?: Deno.NetAddr;
  /** A send that failed, per address. */
  onError(error: unknown, address: string): void;
}

/** Gap between the two start-up rounds of `ssdp:alive`. */
const REPEAT_GAP_MS = 200;

const encoder = new TextEncoder();

/** Sends the announcements of every served address. */
export class Announcer {
  readonly #options: AnnouncerOptions;
  readonly #sockets = new Map<string, Deno.DatagramConn>();
  #timer?: Timer;

  /** Keeps its settings; starts nothing. */
  constructor(options: AnnouncerOptions) {
    this.#options = options;
  }

  /** Announces `alive` on newly served addresses (twice) and forgets removed ones. */
  async update(served: readonly ServedAddress[]): Promise<void> {
    const current = new Set(served.map((s) => s.address));
    for (const [address, socket] of this.#sockets) {
      if (!current.has(address)) {
        socket.close();
        this.#sockets.delete(address);
      }
    }
    const fresh = served.filter((s) => !this.#sockets.has(s.address));
    for (const s of fresh) {
      try {
        this.#sockets.set(
          s.address,
          Deno.listenDatagram({ transport: "udp", hostname: s.address, port: 0 }),
        );
      } catch (error) {
        this.#options.onError(error, s.address);
      }
    }
    const addresses = fresh.map((s) => s.address).filter((a) => this.#sockets.has(a));
    await this.#send("ssdp:alive", addresses);
    after(REPEAT_GAP_MS, () => this.#send("ssdp:alive", addresses));
    if (this.#timer === undefined) {
      const everyMs = Math.max(1, Math.floor(this.#options.maxAge / 3)) * 1000;
      this.#timer = every(everyMs, () => this.#send("ssdp:alive", [...this.#sockets.keys()]));
    }
  }

  /** Sends `byebye` on every address and closes the sockets. */
  async stop(): Promise<void> {
    this.#timer?.cancel();
    await this.#send("ssdp:byebye", [...this.#sockets.keys()]);
    for (const socket of this.#sockets.values()) socket.close();
    this.#sockets.clear();
  }

  async #send(kind: NotifyKind, addresses: readonly string[]): Promise<void> {
    const { targets, maxAge, locationOf } = this.#options;
    const to = this.#options.destination ??
      { transport: "udp", hostname: SSDP_MULTICAST_ADDRESS, port: SSDP_PORT };
    for (const address of addresses) {
      const socket = this.#sockets.get(address);
      if (!socket) continue;
      const location = locationOf(address);
      for (const target of targets) {
        const bytes = encoder.encode(formatNotify(kind, target, { location, maxAge }));
        await socket.send(bytes, to).catch((error) => this.#options.onError(error, address));
      }
    }
  }
}
