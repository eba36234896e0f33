/**
 * Which cameras are around and how far along they are, by IP: a camera searches (M-SEARCH), fetches
 * our description (it is pairing, or reconnecting), then makes itself discoverable over SSDP (NOTIFY
 * `ssdp:alive`, or an answer to our unicast search) — from then on a PTP/IP client can connect to it.
 * A pure state machine over an injected clock; what follows from each step (log lines, the search we
 * send, hooks) is the caller's, through {@linkcode TrackerEvents}.
 *
 * @module
 */

import { RecentMap } from "../util/recent_map.ts";
import { cleanOptional } from "../util/text.ts";
import { Cooldowns } from "./cooldowns.ts";
import type { Clock } from "../util/timers.ts";
import type { SsdpMessage } from "../ssdp/message.ts";
import { CANON_SERVER, canonTrait, type SelfDescription } from "./recognise.ts";

/** How far a camera is: it searched; it fetched the description; it is up; it left or went quiet. */
export type CameraState = "searching" | "pairing" | "ready" | "gone";

/**
 * How a camera pairs: it searched for this computer and fetched our description (PowerShots, EOS R
 * bodies), or it announced itself and we fetched its description (older EOS bodies).
 */
export type CameraFlow = "search" | "eos";

/** What is known of one camera. */
export interface Camera {
  /** Its IPv4 address: the key cameras are followed by. */
  ip: string;
  /** How far along it is. */
  state: CameraState;
  /** Whether it fetched our description at least once: only such cameras are followed further. */
  fetched: boolean;
  /** Whether we asked it, once, for its presence with a unicast M-SEARCH. */
  probed: boolean;
  /** Its SSDP `Server` header, cleaned for display, once it announced itself. */
  server?: string;
  /** The `USER-AGENT` of its M-SEARCH, cleaned for display, if it sent one. */
  userAgent?: string;
  /** Its USN, once it announced itself. */
  usn?: string;
  /** When the state last changed (clock milliseconds). */
  since: number;
  /** When a ready camera is presumed gone unless heard again. */
  expiresAt?: number;
  /** Whether it sent something only a Canon camera sends (see `recognise.ts`). */
  canon?: boolean;
  /** Whether it was reported, once, as a device that is no camera. */
  notCamera?: boolean;
  /** How it pairs; `search` unless it announced the EOS flow. */
  flow: CameraFlow;
  /** The `modelName` of its own description, where reading that was safe (the EOS flow). */
  model?: string;
}

/** A camera's own SSDP message, as far as presence goes; its headers cleaned. */
export interface Presence extends SelfDescription {
  /** What the message was: an announcement, a farewell, or an answer to our search. */
  kind: "alive" | "byebye" | "answer";
  /** Seconds from its `CACHE-CONTROL: max-age`, if valid. */
  maxAgeSeconds?: number;
}

/**
 * What the EOS flow learnt of a camera: the `modelName` of its description, and the USN and max-age
 * it announced, cleaned.
 */
export type EosDetails = Pick<Presence, "usn" | "maxAgeSeconds"> & { model?: string };

/** What made a camera ready: its own SSDP message, or our fetch of an EOS camera's description. */
type ReadyVia = Presence["kind"] | "eos-fetch";

/** Why a camera is no longer counted as up. */
type GoneReason = "byebye" | "expired" | "silent";

/** What the tracker reports; each is called once per transition, never per packet. */
interface TrackerEvents {
  /** Ask this camera for its presence now (a unicast M-SEARCH); called once per pairing. */
  probe(camera: Camera): void;
  /** It fetched the description: pairing or reconnecting. */
  pairing(camera: Camera): void;
  /** It is up: a PTP/IP client may connect now. */
  ready(camera: Camera, via: ReadyVia): void;
  /** It fetched the description and answered, but is no Canon camera; said once per device. */
  notCamera(camera: Camera): void;
  /** It left, or was not heard from in time. */
  gone(camera: Camera, reason: GoneReason): void;
  /** Any change of the list, for the status line. */
  changed(): void;
}

/** Settings of the tracker. */
interface TrackerOptions {
  /** Our own UUID: our NOTIFYs and answers echoing back are not a camera's. */
  ownUuid: string;
  /** The clock (its monotonic time). */
  clock: Pick<Clock, "now">;
  /** Where each transition is reported. */
  events: TrackerEvents;
  /**
   * Cameras remembered, in each of two tables: addresses that only searched (the least recently seen
   * forgotten first), and cameras that fetched the description, which searches never push out (one
   * that left is forgotten first, then the least recently seen).
   */
  capacity?: number;
  /** How long a pairing camera may stay silent before it stops counting as pairing. */
  pairingTimeoutMs?: number;
  /**
   * `--on-camera-any`: any device that fetched the description and then answered counts as a
   * camera, as before Canon cameras were recognised.
   */
  anyDevice?: boolean;
}

/** UDA's default when a device gives no valid max-age. */
const DEFAULT_MAX_AGE_SECONDS = 1800;
const DEFAULT_CAPACITY = 64;
/** How long a camera that left stays unable to become ready again: forged byebye/alive pairs cannot run the hook in a loop. */
export const REARM_COOLDOWN_MS = 30_000;
/**
 * Addresses whose cooldown is kept apart from their entry. Each needs a camera that fetched and was
 * ready within the last {@linkcode REARM_COOLDOWN_MS}; past that many, the one ending first goes.
 */
const COOLDOWN_CAPACITY = 1024;
/** Time for a user to pick the computer on the camera and for the camera to come up. */
const DEFAULT_PAIRING_TIMEOUT_MS = 5 * 60_000;
/** Longest name shown or passed to a hook, in code points; real Server headers are well under it. */
export const MAX_NAME_LENGTH = 200;

/**
 * The name to show for a camera: its model where known, else its Server header, else its search's
 * User-Agent. Canon's own Server header names no model, so it shows as "Canon camera".
 */
export function cameraName(
  camera: Pick<Camera, "server" | "userAgent" | "model">,
): string | undefined {
  if (camera.model !== undefined) return camera.model;
  if (camera.server === CANON_SERVER) return "Canon camera";
  return camera.server ?? camera.userAgent;
}

/** The seconds of a `CACHE-CONTROL: max-age=N`, if valid. Pure. */
export function parseMaxAge(cacheControl: string | undefined): number | undefined {
  const match = /max-age\s*=\s*"?(\d{1,7})/i.exec(cacheControl ?? "");
  return match ? Number(match[1]) : undefined;
}

/** What a non-search SSDP message says about its sender's presence, if anything. Pure. */
export function presenceOf(message: SsdpMessage): Presence | undefined {
  let kind: Presence["kind"];
  if (message.method === "NOTIFY") {
    const nts = message.headers.get("nts")?.toLowerCase();
    if (nts === "ssdp:alive" || nts === "ssdp:update") kind = "alive";
    else if (nts === "ssdp:byebye") kind = "byebye";
    else return undefined;
  } else if (message.method === undefined && message.status === 200) {
    kind = "answer";
  } else {
    return undefined;
  }
  const header = (name: string) => cleanOptional(message.headers.get(name), MAX_NAME_LENGTH);
  return {
    kind,
    usn: header("usn"),
    server: header("server"),
    type: header(message.method === "NOTIFY" ? "nt" : "st"),
    maxAgeSeconds: parseMaxAge(message.headers.get("cache-control")),
  };
}

/**
 * Follows cameras by IP. A search costs nothing to forge (UDP, any source address on the LAN), so
 * addresses that only searched live in their own table and cannot push out a camera that fetched the
 * description (which takes a TCP connection from that address); cooldowns live in a third table that
 * neither can empty.
 */
export class CameraTracker {
  readonly #options: TrackerOptions;
  /** Addresses that searched and fetched nothing yet, in state `searching`. */
  readonly #searching: RecentMap<string, Camera>;
  /** Cameras that fetched the description (or were fetched, the EOS flow), in any later state. */
  readonly #cameras: RecentMap<string, Camera>;
  readonly #cooldowns: Cooldowns;
  readonly #ownUsn: string;

  /**
   * Keeps its settings; starts nothing.
   * @param options our UUID, the clock, the events and the bounds
   */
  constructor(options: TrackerOptions) {
    this.#options = options;
    this.#ownUsn = `uuid:${options.ownUuid}`.toLowerCase();
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    this.#searching = new RecentMap(capacity);
    this.#cameras = new RecentMap(capacity);
    this.#cooldowns = new Cooldowns(COOLDOWN_CAPACITY, REARM_COOLDOWN_MS, options.clock);
  }

  /** The cameras that fetched the description and are pairing or up, oldest first. */
  get active(): Camera[] {
    return [...this.#cameras.values()].filter((c) => c.state === "pairing" || c.state === "ready");
  }

  /** The camera at `ip`, if remembered. */
  get(ip: string): Camera | undefined {
    return this.#cameras.peek(ip) ?? this.#searching.peek(ip);
  }

  /** An answered M-SEARCH from `ip`. */
  searched(ip: string, userAgent: string | undefined): void {
    const camera = this.#cameras.peek(ip) === undefined
      ? this.#searching.use(ip, () => this.#newCamera(ip)).value
      : this.#touch(ip);
    const name = cleanOptional(userAgent, MAX_NAME_LENGTH);
    if (name !== undefined) camera.userAgent = name;
  }

  /** `ip` fetched our description (HTTP 200). */
  fetched(ip: string): void {
    const camera = this.#touch(ip);
    camera.fetched = true;
    if (camera.state !== "pairing") {
      this.#enter(camera, "pairing");
      this.#options.events.pairing(camera);
      this.#options.events.changed();
    }
    if (!camera.probed) {
      camera.probed = true;
      this.#options.events.probe(camera);
    }
  }

  /** Whether `ip` is a camera that fetched our description, whose SSDP presence is awaited. */
  follows(ip: string): boolean {
    return this.#cameras.peek(ip)?.fetched ?? false;
  }

  /**
   * A datagram from `ip` that is not a search (a NOTIFY, or an answer to our search). On the hot path:
   * a map lookup, and nothing more unless the sender is a camera that fetched our description.
   */
  heard(message: SsdpMessage, ip: string): void {
    const camera = this.#cameras.peek(ip);
    if (camera === undefined || !camera.fetched) return;
    const presence = presenceOf(message);
    if (presence === undefined) return;
    if (presence.usn?.toLowerCase().startsWith(this.#ownUsn)) return;
    const events = this.#options.events;
    if (presence.kind === "byebye") {
      if (camera.state === "ready" || camera.state === "pairing") this.#leave(camera, "byebye");
      return;
    }
    if (!camera.canon && !this.#options.anyDevice) {
      if (canonTrait(presence) === undefined) {
        if (!camera.notCamera) {
          camera.notCamera = true;
          events.notCamera(camera);
        }
        return;
      }
      camera.canon = true;
    }
    camera.server = presence.server ?? camera.server;
    camera.usn = presence.usn ?? camera.usn;
    this.#becomeReady(camera, presence.kind, presence.maxAgeSeconds);
  }

  /**
   * We fetched the description of the EOS camera at `ip` and it answered: the fetch armed its PTP/IP
   * listener, so it is ready now. Its NOTIFYs are followed from here on (a byebye makes it gone).
   * Returns `false` while it may not become ready again (after it left, see
   * {@linkcode REARM_COOLDOWN_MS}), so the caller stops fetching.
   */
  eosFetched(ip: string, details: EosDetails): boolean {
    if (this.coolingDown(ip)) return false;
    const camera = this.#touch(ip);
    camera.flow = "eos";
    camera.fetched = true;
    // Its presence is what it announced; no search is sent to it.
    camera.probed = true;
    camera.canon = true;
    camera.model = details.model ?? camera.model;
    camera.usn = details.usn ?? camera.usn;
    this.#becomeReady(camera, "eos-fetch", details.maxAgeSeconds);
    return true;
  }

  /** Whether the camera at `ip` left too recently to become ready again. */
  coolingDown(ip: string): boolean {
    return this.#cooldowns.active(ip);
  }

  /** Heard from it with this max-age: it stays ready that long, and becomes ready unless it is. */
  #becomeReady(camera: Camera, via: ReadyVia, maxAgeSeconds = DEFAULT_MAX_AGE_SECONDS): void {
    camera.expiresAt = this.#options.clock.now() + maxAgeSeconds * 1000;
    if (camera.state === "ready") return;
    // Ready at most once per pairing: after a byebye (which anyone on the LAN can forge) a camera
    // must fetch the description again, and not before the cooldown is over.
    if (this.#cooldowns.active(camera.ip)) return;
    this.#enter(camera, "ready");
    this.#options.events.ready(camera, via);
    this.#options.events.changed();
  }

  /** Retires ready cameras past their max-age and pairing ones silent for too long; call it now and then. */
  sweep(): void {
    const now = this.#options.clock.now();
    const pairingTimeout = this.#options.pairingTimeoutMs ?? DEFAULT_PAIRING_TIMEOUT_MS;
    for (const camera of this.#cameras.values()) {
      if (camera.state === "ready" && camera.expiresAt !== undefined && now >= camera.expiresAt) {
        this.#leave(camera, "expired");
      } else if (camera.state === "pairing" && now - camera.since >= pairingTimeout) {
        this.#leave(camera, "silent");
      }
    }
  }

  #leave(camera: Camera, reason: GoneReason): void {
    this.#enter(camera, "gone");
    camera.fetched = false;
    camera.probed = false;
    this.#cooldowns.start(camera.ip);
    this.#options.events.gone(camera, reason);
    this.#options.events.changed();
  }

  #enter(camera: Camera, state: CameraState): void {
    camera.state = state;
    camera.since = this.#options.clock.now();
  }

  /**
   * The camera at `ip` in the table of cameras that fetched, made most recently seen; moved there
   * from the searchers' table, or created, if new. A full table forgets the least recently seen
   * camera that left, else the least recently seen of all.
   */
  #touch(ip: string): Camera {
    if (this.#cameras.peek(ip) === undefined && this.#cameras.size >= this.#cameras.capacity) {
      const cameras = [...this.#cameras.values()];
      const victim = cameras.find((c) => c.state === "gone" || c.state === "searching") ??
        cameras[0];
      if (victim !== undefined) this.#cameras.delete(victim.ip);
    }
    return this.#cameras.use(ip, () => {
      const searcher = this.#searching.peek(ip);
      this.#searching.delete(ip);
      return searcher ?? this.#newCamera(ip);
    }).value;
  }

  #newCamera(ip: string): Camera {
    return {
      ip,
      state: "searching",
      fetched: false,
      probed: false,
      since: this.#options.clock.now(),
      flow: "search",
    };
  }
}
