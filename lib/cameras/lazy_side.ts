/**
 * The camera side, loaded when a camera may first be about: an answered search, a fetch of the
 * description, or an EOS body's announcement. Until then nothing is followed, so the only datagrams
 * that matter are EOS announcements (a 6D announces once), spotted by a byte scan that loads with the
 * responder. Calls made while the module loads are kept and replayed in order, so nothing a camera
 * did in those milliseconds is lost; the helper's first answer never waits for the camera code.
 *
 * @module
 */

import type { CameraSide } from "./camera_side.ts";
import { mentionsEosType } from "./eos_type.ts";
import { WAITING_STATUS } from "./text.ts";
import type { SsdpMessage } from "../ssdp/message.ts";

/**
 * Calls kept while the camera side loads (a few milliseconds); past them, calls are dropped: that
 * many searches in so short a time are a flood, not a camera.
 */
export const MAX_WAITING_CALLS = 256;

/** How the camera side is loaded. */
export interface LazySideOptions {
  /** Imports and builds the camera side. */
  load: () => Promise<CameraSide>;
  /** It could not be loaded (answers go on, but no camera is followed), or threw when first used. */
  onLoadError: (error: unknown) => void;
  /** Shows the live status (a terminal only): "waiting" until the camera side shows its own. */
  status?: (text: string) => void;
}

/** A {@linkcode CameraSide} that loads the real one on first need. */
export class LazyCameraSide implements CameraSide {
  readonly #options: LazySideOptions;
  #side: CameraSide | undefined;
  #loading: Promise<void> | undefined;
  #waiting: ((side: CameraSide) => void)[] = [];
  #started = false;
  #stopped = false;
  #failed = false;

  /** Keeps how to load; loads nothing yet. */
  constructor(options: LazySideOptions) {
    this.#options = options;
  }

  /** Loads the camera side unless it is loading or loaded; resolves once it is, or failed. */
  load(): Promise<void> {
    this.#loading ??= this.#options.load().then(
      (side) => {
        if (this.#stopped) return;
        this.#side = side;
        // Nothing awaits this promise (calls start the load and go on): a throw here would be an
        // unhandled rejection, which ends the process. It is reported instead, and the side stays.
        const calls = this.#waiting.splice(0);
        if (this.#started) calls.push((side) => side.start());
        for (const call of calls) {
          try {
            call(side);
          } catch (error) {
            this.#options.onLoadError(error);
          }
        }
      },
      (error) => {
        this.#failed = true;
        this.#waiting = [];
        this.#options.onLoadError(error);
      },
    );
    return this.#loading;
  }

  /** See {@linkcode CameraSide}; before loading, only EOS announcements are wanted. */
  wants(ip: string, datagram: Uint8Array): boolean {
    if (this.#side) return this.#side.wants(ip, datagram);
    return !this.#stopped && mentionsEosType(datagram);
  }

  /** See {@linkcode CameraSide}; loads the camera side. */
  heard(message: SsdpMessage, ip: string): void {
    this.#call((side) => side.heard(message, ip), true);
  }

  /** See {@linkcode CameraSide}; loads the camera side. */
  searched(ip: string, userAgent: string | undefined): void {
    this.#call((side) => side.searched(ip, userAgent), true);
  }

  /** See {@linkcode CameraSide}; loads the camera side. */
  fetched(ip: string): void {
    this.#call((side) => side.fetched(ip), true);
  }

  /** See {@linkcode CameraSide}; kept for when it loads (it searches only with `--eos`). */
  searchFrom(addresses: readonly string[]): void {
    this.#call((side) => side.searchFrom(addresses), false);
  }

  /** Starts the camera side now, or as soon as it is loaded; until then the status is "waiting". */
  start(): void {
    this.#started = true;
    if (this.#side) this.#side.start();
    else this.#options.status?.(WAITING_STATUS);
  }

  /** Stops the camera side, after its loading if it is under way; later calls do nothing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#waiting = [];
    await this.#loading;
    await this.#side?.stop();
  }

  #call(call: (side: CameraSide) => void, loads: boolean): void {
    if (this.#stopped || this.#failed) return;
    if (this.#side) return call(this.#side);
    if (this.#waiting.length < MAX_WAITING_CALLS) this.#waiting.push(call);
    if (loads) this.load();
  }
}
