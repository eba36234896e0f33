/**
 * The EOS flow while the helper serves: hears EOS bodies announce themselves (on the SSDP socket the
 * helper already has, and in answer to one search at start), fetches each one's description the way
 * Windows does — the fetch that arms its PTP/IP listener — and re-fetches it on a bounded schedule
 * while the camera waits. Off by default (`--eos`): a camera heard while it is off gets one log line
 * saying how to turn it on.
 *
 * Announcements come off the LAN and their source can be forged, so only a sender this helper serves
 * (a host on a served subnet) is fetched, only from its own address, only what an EOS body serves
 * (port 49152, a description path), and it is called a camera only when the description is a Canon
 * camera's. One schedule per camera and a few at a time; a full table queues the rest (bounded),
 * and an address that failed is not fetched again for a while. Every line a sender can cause goes
 * through a budget, past which the lines are summed up once a second.
 *
 * @module
 */

import {
  afterEosFetch,
  DEFAULT_EOS_FETCH_PLAN,
  EOS_SEARCH,
  type EosAnnouncement,
  type EosFetchPlan,
  type EosNames,
  type EosSchedule,
  fetchEosCamera,
  type RawExchange,
  readEosMessage,
  startEosSchedule,
} from "./eos_flow.ts";
import { mentionsEosType } from "./eos_type.ts";
import type { Emit, ServeEvent } from "../events.ts";
import { FloodLog, type LineBudget } from "../terminal/flood_log.ts";
import { eventLine } from "../terminal/event_lines.ts";
import type { SsdpMessage } from "../ssdp/message.ts";
import type { PresenceHandler } from "../ssdp/responder.ts";
import { receiveAnswers } from "../ssdp/answers.ts";
import { RecentMap } from "../util/recent_map.ts";
import { Cooldowns } from "./cooldowns.ts";
import { errorMessage } from "../errors.ts";
import { SSDP_MULTICAST_ADDRESS } from "../ssdp/wire.ts";
import { isLoopback, parseIpv4 } from "../network/ipv4.ts";
import type { Clock, Timer } from "../util/timers.ts";

/** EOS cameras fetched at once; more announcing at the same time wait their turn. */
export const MAX_EOS_CAMERAS = 8;
/**
 * Announcements kept while every fetch slot is taken, first come first fetched: a 6D announces
 * once, so one dropped while silent forged senders held the slots would never be fetched.
 */
export const MAX_EOS_WAITING = 32;
/** How long an address whose fetches failed (or that is no camera) is not fetched again. */
const EOS_FAILED_COOLDOWN_MS = 60_000;
/** Failed addresses remembered for their cooldown. */
const FAILED_CAPACITY = 256;
/**
 * Lines the EOS flow may write for what senders do, a budget for its warnings and one for its
 * notices: a real camera needs a few, a flood of forged announcements gets a summary a second.
 */
const EOS_LINE_BUDGET: LineBudget = { perSecond: 1, burst: 20 };
/** How long after the budget is spent its summary goes out. */
const EOS_SUMMARY_MS = 1000;
/** Cameras remembered as told about (the flow is off) or as refused, so each is said once. */
const TOLD_CAPACITY = 64;
/** How long the start-up search listens: its MX (2 s) and a second for the answer to arrive. */
const EOS_SEARCH_WINDOW_MS = 3000;

/** A socket for the start-up search, bound to one served address. */
export type SearchSocket = Pick<Deno.DatagramConn, "receive" | "send" | "close">;

/** Settings of the EOS watch. */
export interface EosWatchOptions {
  /** `--eos`: fetch announcing cameras; when off, only say that one was heard. */
  enabled: boolean;
  /** Reports each step. */
  emit: Emit;
  /** Times the schedules, the cooldowns, the line budgets and the start-up search. */
  clock: Clock;
  /** Whether a sender is a host the helper serves (see `SearchAnswerer.serves`). */
  serves: (ip: string) => boolean;
  /**
   * A fetch of the camera's description succeeded: it is armed. Returns `false` when the camera may
   * not become ready now (it left moments ago), and the schedule then ends.
   */
  fetched: (announcement: EosAnnouncement, names: EosNames) => boolean;
  /** Whether the camera left too recently to be fetched again. */
  coolingDown: (ip: string) => boolean;
  /** Sends the request bytes and reads the response; `exchangeRaw` in production. */
  exchange: RawExchange;
  /** Where the start-up search goes: the SSDP group on the SSDP port. */
  ssdpPort: number;
  /** Opens a socket bound to a served address, for the start-up search. */
  openSearchSocket?: (address: string) => SearchSocket;
  /** The re-fetch schedule; {@linkcode DEFAULT_EOS_FETCH_PLAN} in production. */
  plan?: EosFetchPlan;
  /** The budget of each kind of line senders can cause; {@linkcode EOS_LINE_BUDGET} by default. */
  lineBudget?: LineBudget;
  /** How long an address that failed is not fetched again; {@linkcode EOS_FAILED_COOLDOWN_MS}. */
  failedCooldownMs?: number;
}

interface Fetching {
  announcement: EosAnnouncement;
  schedule: EosSchedule;
  /** Whether a fetch made it ready already: later fetches only keep it armed. */
  ready: boolean;
  timer?: Timer;
}

const encoder = new TextEncoder();

function openBoundSocket(address: string): SearchSocket {
  // Bound to the served address, the search leaves by that interface (on Linux) and its answers
  // come back to this socket, not to the helper's port 1900.
  return Deno.listenDatagram({ transport: "udp", hostname: address, port: 0 });
}

/** Hears and fetches EOS bodies that announce themselves. */
export class EosWatch implements PresenceHandler {
  readonly #options: EosWatchOptions;
  readonly #fetching = new Map<string, Fetching>();
  readonly #told = new RecentMap<string, true>(TOLD_CAPACITY);
  /** Announcements waiting for a fetch slot, by address, in the order they came. */
  readonly #waiting = new Map<string, EosAnnouncement>();
  /** Addresses and paths that failed, not fetched again until their cooldown is over. */
  readonly #failed: Cooldowns;
  readonly #warnings: FloodLog;
  readonly #notices: FloodLog;
  readonly #searched = new Set<string>();
  readonly #pending = new Set<Promise<void>>();
  readonly #searchSockets = new Set<SearchSocket>();
  #stopped = false;

  /**
   * Keeps its settings; starts nothing.
   * @param options whether it is on, how to fetch, and where to report
   */
  constructor(options: EosWatchOptions) {
    this.#options = options;
    this.#failed = new Cooldowns(
      FAILED_CAPACITY,
      options.failedCooldownMs ?? EOS_FAILED_COOLDOWN_MS,
      options.clock,
    );
    const budget = (lines: "warnings" | "notices") =>
      new FloodLog({
        budget: options.lineBudget ?? EOS_LINE_BUDGET,
        clock: options.clock,
        summaryMs: EOS_SUMMARY_MS,
        summarise: (flood) => options.emit({ event: "eos-summed", ...flood, lines }),
      });
    this.#warnings = budget("warnings");
    this.#notices = budget("notices");
  }

  /** Whether a datagram is about the EOS flow at all: a byte scan, nothing decoded. */
  wants(_ip: string, datagram: Uint8Array): boolean {
    return mentionsEosType(datagram);
  }

  /** An SSDP message that names the EOS type, from the multicast group or our search's answers. */
  heard(message: SsdpMessage, ip: string): void {
    if (this.#stopped) return;
    const read = readEosMessage(message, ip);
    if (read === undefined) return;
    if (read.kind === "byebye") {
      this.#waiting.delete(ip);
      return this.#end(ip, "byebye");
    }
    if (!this.#options.serves(ip)) {
      return this.#tellOnce(ip, { event: "eos-ignored", ip, reason: "not a served host" });
    }
    if (read.kind === "invalid") {
      return this.#tellOnce(ip, { event: "eos-ignored", ip, reason: read.reason });
    }
    if (!this.#options.enabled) return this.#tellOnce(ip, { event: "eos-off", ip });
    const { announcement } = read;
    if (this.#fetching.has(ip) || this.#mayNotFetch(announcement)) return;
    if (this.#fetching.size < MAX_EOS_CAMERAS) return this.#start(announcement);
    if (this.#waiting.has(ip)) {
      this.#waiting.set(ip, announcement);
      return;
    }
    const full = this.#waiting.size >= MAX_EOS_WAITING;
    if (!full) this.#waiting.set(ip, announcement);
    const busy = `${MAX_EOS_CAMERAS} EOS cameras are being fetched already`;
    this.#tellOnce(ip, {
      event: "eos-ignored",
      ip,
      reason: full
        ? `${busy} and ${MAX_EOS_WAITING} more wait: dropped (announcements from many hosts at once: forged?)`
        : `${busy}: it is fetched when one is done (${this.#waiting.size} waiting)`,
      busy: true,
    });
  }

  #mayNotFetch(announcement: EosAnnouncement): boolean {
    return this.#options.coolingDown(announcement.ip) ||
      this.#failed.active(failedKey(announcement));
  }

  #start(announcement: EosAnnouncement): void {
    const entry: Fetching = {
      announcement,
      schedule: startEosSchedule(this.#options.clock.now()),
      ready: false,
    };
    this.#fetching.set(announcement.ip, entry);
    this.#track(this.#fetch(entry));
  }

  /** Fills the free fetch slots from the announcements waiting, first come first. */
  #startWaiting(): void {
    for (const [ip, announcement] of this.#waiting) {
      if (this.#stopped || this.#fetching.size >= MAX_EOS_CAMERAS) return;
      this.#waiting.delete(ip);
      if (!this.#fetching.has(ip) && !this.#mayNotFetch(announcement)) this.#start(announcement);
    }
  }

  /**
   * Asks, once per served address, for EOS bodies that announced before the helper started (the 6D
   * announces once, then stays silent). Their answers are heard like announcements. Loopback
   * addresses are skipped. Does nothing while the flow is off: then only announcements are noticed.
   */
  searchFrom(addresses: readonly string[]): void {
    if (!this.#options.enabled || this.#stopped) return;
    const open = this.#options.openSearchSocket ?? openBoundSocket;
    const to: Deno.NetAddr = {
      transport: "udp",
      hostname: SSDP_MULTICAST_ADDRESS,
      port: this.#options.ssdpPort,
    };
    for (const address of addresses) {
      // No camera is on loopback, and a search bound to it must not go out by the default route.
      if (isLoopback(parseIpv4(address) ?? 0) || this.#searched.has(address)) continue;
      this.#searched.add(address);
      let socket: SearchSocket;
      try {
        socket = open(address);
      } catch (error) {
        this.#options.emit({ event: "eos-search", address, error: errorMessage(error) });
        continue;
      }
      this.#searchSockets.add(socket);
      const close = () => {
        if (this.#searchSockets.delete(socket)) socket.close();
      };
      const timer = this.#options.clock.after(EOS_SEARCH_WINDOW_MS, close);
      this.#track(
        (async () => {
          // Answers for other types are dropped by `heard` like any other message.
          const answers = receiveAnswers(
            socket,
            (message, from) => this.heard(message, from.hostname),
          );
          try {
            await socket.send(encoder.encode(EOS_SEARCH), to);
            this.#options.emit({ event: "eos-search", address });
          } catch (error) {
            this.#options.emit({ event: "eos-search", address, error: errorMessage(error) });
            close();
          }
          await answers;
          timer.cancel();
        })(),
      );
    }
  }

  /** Ends every schedule and search; resolves once no fetch is in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const entry of this.#fetching.values()) entry.timer?.cancel();
    this.#fetching.clear();
    this.#waiting.clear();
    for (const socket of this.#searchSockets) socket.close();
    this.#searchSockets.clear();
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    // Counts still pending go out before the stop line.
    this.#warnings.close();
    this.#notices.close();
  }

  #track(work: Promise<void>): void {
    this.#pending.add(work);
    work.finally(() => this.#pending.delete(work));
  }

  #tellOnce(ip: string, event: ServeEvent): void {
    if (this.#told.peek(ip)) return;
    this.#told.use(ip, () => true);
    this.#say(ip, event);
  }

  /** Emits a line a sender caused, within the budget of its level (the one `logEvent` gives it). */
  #say(ip: string, event: ServeEvent): void {
    const warns = eventLine(event)[0] === "warn";
    (warns ? this.#warnings : this.#notices).report(ip, () => this.#options.emit(event));
  }

  async #fetch(entry: Fetching): Promise<void> {
    const { announcement } = entry;
    const { ip, location } = announcement;
    const options = this.#options;
    const outcome = await fetchEosCamera(announcement, options.exchange);
    // A byebye or a stop while the fetch was out: its schedule is over.
    if (this.#fetching.get(ip) !== entry) return;
    const fetch = entry.schedule.fetches + 1;
    entry.schedule = afterEosFetch(
      entry.schedule,
      outcome.kind === "camera",
      options.clock.now(),
      options.plan ?? DEFAULT_EOS_FETCH_PLAN,
    );
    if (outcome.kind === "camera") {
      this.#say(ip, { event: "eos-fetch", ip, location, fetch });
      if (!entry.ready) {
        entry.ready = options.fetched(announcement, outcome.names);
        if (!entry.ready) return this.#end(ip, "left moments ago");
      }
    } else {
      const error = outcome.kind === "failed"
        ? outcome.error
        : `not a Canon camera's description: ${outcome.reason}`;
      this.#say(ip, { event: "eos-fetch-failed", ip, location, fetch, error });
      // A host that answers with something else is no camera: asking again changes nothing.
      if (outcome.kind === "not-camera") return this.#end(ip, "not a Canon camera", true);
    }
    const schedule = entry.schedule;
    if (schedule.phase === "done") {
      return this.#end(ip, schedule.reason, schedule.reason === "failures" && !entry.ready);
    }
    entry.timer = options.clock.after(
      Math.max(0, schedule.nextAt - options.clock.now()),
      () => this.#track(this.#fetch(entry)),
    );
  }

  /** Ends the schedule of `ip`; `failed`: the address is not fetched again for a while. */
  #end(ip: string, reason: string, failed = false): void {
    const entry = this.#fetching.get(ip);
    if (entry === undefined) return;
    entry.timer?.cancel();
    this.#fetching.delete(ip);
    if (failed) this.#failed.start(failedKey(entry.announcement));
    const fetches = entry.schedule.fetches;
    this.#say(ip, { event: "eos-fetches-done", ip, reason, fetches });
    this.#startWaiting();
  }
}

/**
 * The cooldown's key: the address and the path, so that a forged announcement naming a real
 * camera's address with a path it does not serve cannot cool that camera's own announcement down.
 */
function failedKey(announcement: EosAnnouncement): string {
  return `${announcement.ip} ${announcement.path}`;
}
