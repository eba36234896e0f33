/**
 * The camera side of `serve`, as one object: the watch that follows cameras of the search flow and
 * the EOS watch that hears and fetches announcing bodies, wired to each other. `serve` loads this
 * module only once a camera may be about (see `lazy_side.ts`), so the first answer never waits for it.
 *
 * @module
 */

import { CameraWatch, type CameraWatchOptions } from "./watch.ts";
import { EosWatch, type EosWatchOptions } from "./eos_watch.ts";
import { exchangeRaw } from "../description/fetch.ts";
import { everyPresence, type PresenceHandler } from "../ssdp/responder.ts";
import type { RawExchange } from "./eos_flow.ts";

/** What `serve` asks of the camera side. */
export interface CameraSide extends PresenceHandler {
  /** A search from `ip` was answered; its User-Agent may name the camera. */
  searched(ip: string, userAgent: string | undefined): void;
  /** `ip` fetched the description: a camera pairing or reconnecting. */
  fetched(ip: string): void;
  /** The served addresses, for the EOS start-up search (asked once per address). */
  searchFrom(addresses: readonly string[]): void;
  /** Shows the first status and starts the periodic checks. */
  start(): void;
  /** Ends every fetch, timer and hook; resolves once none is left. */
  stop(): Promise<void>;
}

/** The settings of both watches; the EOS watch's links to the camera watch are made here. */
export interface CameraSideOptions extends CameraWatchOptions {
  /** The EOS watch's own settings. */
  eos: Omit<EosWatchOptions, "emit" | "now" | "ssdpPort" | "fetched" | "coolingDown" | "exchange">;
  /** Sends a request to an EOS camera and reads its answer; `exchangeRaw` by default. */
  exchange?: RawExchange;
}

/** Builds both watches; starts nothing. */
export function cameraSide(options: CameraSideOptions): CameraSide {
  const cameras = new CameraWatch(options);
  const eos = new EosWatch({
    ...options.eos,
    emit: options.emit,
    now: options.now,
    ssdpPort: options.ssdpPort,
    fetched: (announcement, names) => cameras.eosFetched(announcement, names),
    coolingDown: (ip) => cameras.coolingDown(ip),
    exchange: options.exchange ?? exchangeRaw,
  });
  const presence = everyPresence([cameras, eos]);
  return {
    wants: presence.wants,
    heard: presence.heard,
    searched: (ip, userAgent) => cameras.searched(ip, userAgent),
    fetched: (ip) => cameras.fetched(ip),
    searchFrom: (addresses) => eos.searchFrom(addresses),
    start: () => cameras.start(),
    stop: async () => {
      // No EOS fetch may end after the cameras stopped: it would make one ready, and run its hook.
      await eos.stop();
      await cameras.stop();
    },
  };
}
