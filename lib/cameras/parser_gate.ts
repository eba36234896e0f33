/**
 * The XML parser the EOS flow reads descriptions with is an npm package, loaded on first need. On an
 * empty cache without network (a fresh install, on the camera's own access point) that load fails,
 * and a failure there must not end the helper: it is one value, said once, and every EOS camera is
 * then skipped before anything is fetched. Until the load settles, announcements wait for it (a few,
 * bounded), so the first one heard at start is not lost.
 *
 * @module
 */

import type { SsdpMessage } from "../ssdp/message.ts";
import type { PresenceHandler } from "../ssdp/responder.ts";
import { errorMessage } from "../errors.ts";

/** Loads the XML parser's module; rejects when it cannot be had. */
export type XmlParserLoader = () => Promise<unknown>;

/** The parser as the EOS flow loads it: the description reader and, with it, `saxes`. */
export function loadXmlParser(): Promise<unknown> {
  return import("../description/reader.ts");
}

/** Announcements kept while the parser loads; more in that time are a flood, not cameras. */
const MAX_WAITING_ANNOUNCEMENTS = 64;

// deno-lint-ignore no-control-regex
const COLOUR = /\x1b\[[0-9;]*m/g;

/**
 * A failed load in one line: Deno's module errors are coloured and go on with the import's source
 * (raw text in a JSON log); their first line says what failed. Pure.
 */
function loadFailure(error: unknown): string {
  return errorMessage(error).replace(COLOUR, "").split("\n", 1)[0].trim().slice(0, 300);
}

/** Loads the parser once and lets EOS work through only once it is loaded. */
export class ParserGate {
  readonly #load: XmlParserLoader;
  readonly #onFailure: (message: string) => void;
  /** Whether the parser loaded; `undefined` until its load settles. */
  #loaded: boolean | undefined;
  #loading: Promise<boolean> | undefined;
  #waiting = 0;

  /**
   * Keeps how to load; loads nothing yet.
   * @param load imports the parser
   * @param onFailure told once, when the load failed, what failed (see {@linkcode loadFailure})
   */
  constructor(load: XmlParserLoader, onFailure: (message: string) => void) {
    this.#load = load;
    this.#onFailure = onFailure;
  }

  /** Loads the parser unless it is loading or loaded; resolves to whether it is. Never rejects. */
  load(): Promise<boolean> {
    // A loader that throws instead of rejecting is a failed load too.
    this.#loading ??= Promise.try(this.#load).then(
      () => {
        this.#loaded = true;
        return true;
      },
      (error) => {
        this.#loaded = false;
        this.#onFailure(loadFailure(error));
        return false;
      },
    );
    return this.#loading;
  }

  /**
   * `handler` with its `heard` let through only once the parser is loaded: at once when it is, after
   * the load when it is under way (in order, a bounded number), never when it failed.
   */
  guard(handler: PresenceHandler): PresenceHandler {
    return {
      wants: (ip, datagram) => handler.wants(ip, datagram),
      heard: (message: SsdpMessage, ip: string) => {
        if (this.#loaded) return handler.heard(message, ip);
        if (this.#loaded === false || this.#waiting >= MAX_WAITING_ANNOUNCEMENTS) return;
        this.#waiting++;
        this.load().then((loaded) => {
          this.#waiting--;
          if (loaded) handler.heard(message, ip);
        });
      },
    };
  }
}
