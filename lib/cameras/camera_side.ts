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
import { loadXmlParser, ParserGate, type XmlParserLoader } from "./parser_gate.ts";
import { MAX_EOS_DESCRIPTION_BYTES, type RawExchange } from "./eos_flow.ts";
import { type Clock, systemClock } from "../util/timers.ts";

/**
 * The most of an EOS camera's answer that is read: a description at its bound, 8 KiB of head, and one
 * byte more, so that a longer description is refused as too big rather than read cut short. Exported
 * for tests: `tests/description/fetch_test.ts` measures what a trickled read retains at this cap.
 */
export const EOS_RESPONSE_MAX_BYTES: number = MAX_EOS_DESCRIPTION_BYTES + 8 * 1024 + 1;

/** The EOS watch's exchange: the raw one, stopped at what a description needs. */
const eosExchange: RawExchange = (hostname, port, request, timeoutMs) =>
  exchangeRaw(hostname, port, request, timeoutMs, EOS_RESPONSE_MAX_BYTES);

/** What `serve` asks of the camera side. */
export interface CameraSide extends PresenceHandler {
  /** A search from `ip` was answered; its User-Agent may name the camera. */
  searched(ip: string, userAgent: string | undefined): void;
  /** `ip` fetched the description: a camera pairing or reconnecting. */
  fetched(ip: string): void;
  /**
   * The served addresses, for the EOS start-up search (asked once per address): sent once the XML
   * parser has loaded, never when its load failed.
   */
  searchFrom(addresses: readonly string[]): void;
  /** Shows the first status and starts the periodic checks. */
  start(): void;
  /** Ends every fetch, timer and hook; resolves once none is left. */
  stop(): Promise<void>;
}

/** The settings of both watches; the EOS watch's links to the camera watch are made here. */
export interface CameraSideOptions extends Omit<CameraWatchOptions, "clock"> {
  /** The clock of both watches; {@linkcode systemClock} by default. */
  clock?: Clock;
  /** The EOS watch's own settings. */
  eos: Omit<
    EosWatchOptions,
    "emit" | "clock" | "ssdpPort" | "fetched" | "coolingDown" | "exchange"
  >;
  /** Sends a request to an EOS camera and reads its answer; `exchangeRaw`, capped, by default. */
  exchange?: RawExchange;
  /** Loads the XML parser EOS descriptions are read with; {@linkcode loadXmlParser} by default. */
  loadXmlParser?: XmlParserLoader;
}

/**
 * Builds both watches; starts nothing. With the EOS flow on, the XML parser is loaded at start (the
 * first of `searchFrom` and `start`); a failed load is one `eos-unavailable` line, and EOS cameras are
 * then skipped while the rest goes on.
 */
export function cameraSide(options: CameraSideOptions): CameraSide {
  const clock = options.clock ?? systemClock;
  const cameras = new CameraWatch({ ...options, clock });
  const parser = new ParserGate(
    options.loadXmlParser ?? loadXmlParser,
    (error) => options.emit({ event: "eos-unavailable", error }),
  );
  const eos = new EosWatch({
    ...options.eos,
    emit: options.emit,
    clock,
    ssdpPort: options.ssdpPort,
    fetched: (announcement, names) => cameras.eosFetched(announcement, names),
    coolingDown: (ip) => cameras.coolingDown(ip),
    exchange: options.exchange ?? eosExchange,
  });
  // Without --eos the EOS watch only says how to turn it on: no description is read.
  return {
    ...everyPresence([cameras, options.eos.enabled ? parser.guard(eos) : eos]),
    searched: (ip, userAgent) => cameras.searched(ip, userAgent),
    fetched: (ip) => cameras.fetched(ip),
    searchFrom: async (addresses) => {
      // The search's answers reach the EOS watch past the gate: it goes out only once they can be read.
      if (options.eos.enabled && await parser.load()) eos.searchFrom(addresses);
    },
    start: () => {
      if (options.eos.enabled) parser.load();
      cameras.start();
    },
    stop: async () => {
      // No EOS fetch may end after the cameras stopped: it would make one ready, and run its hook.
      await eos.stop();
      await cameras.stop();
    },
  };
}
