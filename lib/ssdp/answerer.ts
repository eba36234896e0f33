/**
 * The decision for one received datagram, without sockets: parse it, judge it, check the source and
 * the rate limits, and pick the pre-encoded answers for the requester's subnet. The socket loop in
 * `responder.ts` only moves bytes.
 *
 * @module
 */

import { addressFor, type ServedAddress } from "../network/interfaces.ts";
import { isLoopback, notHostReason, parseIpv4 } from "../network/ipv4.ts";
import type { RateLimiter } from "./rate_limit.ts";
import { isIgnored, judgeSearch, type Target } from "./search.ts";
import { encodeSearchResponses, type LocationOf } from "./response.ts";
import { isRejection, parseSsdpMessage } from "./message.ts";
import { SSDP_MULTICAST_ADDRESS } from "./wire.ts";

/** Settings of the answerer. */
export interface AnswererOptions {
  /** Every target answered, root device first. */
  targets: readonly Target[];
  /** Seconds cameras may cache an answer. */
  maxAge: number;
  /** The description URL of a served address. */
  locationOf: LocationOf;
  /** Answer sources outside every served subnet (with the first served address). */
  anySource: boolean;
  /** Spread answers to multicast searches over their MX. */
  mxDelay: boolean;
  /** The abuse limits. */
  limiter: RateLimiter;
  /** Uniform in [0, 1); injected so tests choose the delay. */
  random: () => number;
}

/** One answer to send: bytes and how long to wait first. */
export interface Answer {
  /** The answer's bytes, encoded once per served address. */
  bytes: Uint8Array;
  /** How long to wait before sending it. */
  delayMs: number;
}

/** What to do with a datagram. */
export type Decision =
  | {
    kind: "answer";
    answers: Answer[];
    searchTarget: string;
    location: string;
    /** The search's `USER-AGENT`, which may name the camera. */
    userAgent?: string;
  }
  | { kind: "ignore"; reason: string };

/** Gap between the answers to one `ssdp:all` search, so a slow receiver is not overrun. */
export const ALL_TARGETS_SPACING_MS = 5;

/**
 * Most bytes answered per byte received: a forged source gets at most this factor of the traffic sent
 * in its name. A camera's search (about 100 bytes) still gets every answer of `ssdp:all` (about 870).
 */
const MAX_AMPLIFICATION = 10;

/** Longest MX honoured: UDA caps it at 5 s, and a camera will not wait longer. */
const MAX_MX_SECONDS = 5;

interface AddressAnswers {
  served: ServedAddress;
  location: string;
  answers: Map<Target, Uint8Array>;
}

/** Decides, per datagram, whether and what to answer. */
export class SearchAnswerer {
  readonly #options: AnswererOptions;
  #served: AddressAnswers[] = [];
  /** The same, as plain addresses and by address: the per-datagram lookup allocates nothing. */
  #addresses: ServedAddress[] = [];
  #answersOf = new Map<ServedAddress, AddressAnswers>();

  /** Keeps its settings; starts nothing. */
  constructor(options: AnswererOptions) {
    this.#options = options;
  }

  /** Sets the served addresses and pre-encodes each one's answers. */
  setServed(addresses: readonly ServedAddress[]): void {
    const { targets, maxAge, locationOf } = this.#options;
    this.#served = addresses.map((served) => {
      const location = locationOf(served.address);
      return { served, location, answers: encodeSearchResponses(targets, { location, maxAge }) };
    });
    this.#addresses = this.#served.map((s) => s.served);
    this.#answersOf = new Map(this.#served.map((s) => [s.served, s]));
  }

  /** The decision for `datagram` from `sourceIp`. Never throws. */
  decide(datagram: Uint8Array, sourceIp: string): Decision {
    // Chatter (NOTIFYs, others' answers) is dropped without being decoded.
    if (datagram.byteLength > 0 && !startsWithSearch(datagram)) {
      return { kind: "ignore", reason: "not an M-SEARCH" };
    }
    const parsed = parseSsdpMessage(datagram);
    if (isRejection(parsed)) return { kind: "ignore", reason: parsed.rejected };
    const verdict = judgeSearch(parsed, this.#options.targets);
    if (isIgnored(verdict)) return { kind: "ignore", reason: verdict.ignored };

    const sender = this.#sender(sourceIp);
    if (typeof sender === "string") return { kind: "ignore", reason: sender };
    const { source, via } = sender;
    const targets = withinBudget(verdict.targets, via.answers, datagram.byteLength);
    if (targets.length === 0) {
      return { kind: "ignore", reason: "search too short to be worth an answer" };
    }
    const refusal = this.#options.limiter.take(source, targets.length);
    if (refusal !== undefined) {
      return { kind: "ignore", reason: `rate limit (${refusal}) reached` };
    }

    // UDA: a multicast search names the group in HOST, a unicast one the device's own address.
    const multicast = parsed.headers.get("host")?.split(":")[0].trim() === SSDP_MULTICAST_ADDRESS;
    const spread = this.#options.mxDelay && multicast && verdict.mx !== undefined
      ? this.#options.random() * Math.min(verdict.mx, MAX_MX_SECONDS) * 1000
      : 0;
    const answers = targets.map((target, i) => ({
      bytes: via.answers.get(target)!,
      delayMs: spread + i * ALL_TARGETS_SPACING_MS,
    }));
    return {
      kind: "answer",
      answers,
      searchTarget: verdict.searchTarget,
      location: via.location,
      userAgent: parsed.headers.get("user-agent"),
    };
  }

  /**
   * Whether `sourceIp` is a host this helper serves: on a served subnet (or any, with
   * `--any-source`), and neither its network nor its broadcast address. Other components that act on
   * what a LAN host sends (the EOS flow) apply the same rule.
   */
  serves(sourceIp: string): boolean {
    return typeof this.#sender(sourceIp) !== "string";
  }

  /** The sender's address and the served address that answers it, or why there is none. */
  #sender(sourceIp: string): { source: number; via: AddressAnswers } | string {
    const source = parseIpv4(sourceIp);
    if (source === undefined) return `source ${sourceIp} is not IPv4`;
    const via = this.#addressFor(source);
    if (via === undefined) {
      return this.#served.length === 0
        ? "no interface is served right now"
        : `source ${sourceIp} is not on a served subnet (use --any-source to answer it)`;
    }
    const notHost = notHostReason(source, via.served.addressValue, via.served.netmaskValue);
    if (notHost !== undefined) return `source ${sourceIp} is ${notHost}, not one host`;
    return { source, via };
  }

  #addressFor(source: number): AddressAnswers | undefined {
    const served = this.#served;
    const match = addressFor(this.#addresses, source);
    if (match) return this.#answersOf.get(match);
    if (this.#options.anySource) return served[0];
    // Loopback searches are answered when a loopback address is served, whatever its netmask.
    if (isLoopback(source)) return served.find((s) => isLoopback(s.served.addressValue));
    return undefined;
  }
}

/**
 * The leading targets whose answers fit in {@linkcode MAX_AMPLIFICATION} times the search's size,
 * in the order given (the root device first). Pure; never throws.
 */
function withinBudget(
  targets: readonly Target[],
  answers: Map<Target, Uint8Array>,
  received: number,
): readonly Target[] {
  let budget = received * MAX_AMPLIFICATION;
  for (let i = 0; i < targets.length; i++) {
    budget -= answers.get(targets[i])!.byteLength;
    if (budget < 0) return targets.slice(0, i);
  }
  return targets;
}

const SEARCH_METHOD = new TextEncoder().encode("M-SEARCH");
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Whether the datagram starts with `M-SEARCH` (ASCII, any case, after blanks), read straight from the
 * bytes: the cheap test that keeps chatter off the parser and sends each datagram to its handler.
 */
export function startsWithSearch(datagram: Uint8Array): boolean {
  let i = 0;
  while (i < datagram.length && (datagram[i] === SPACE || datagram[i] === TAB)) i++;
  if (datagram.length - i < SEARCH_METHOD.length) return false;
  for (let j = 0; j < SEARCH_METHOD.length; j++) {
    // Setting bit 0x20 lower-cases ASCII letters and leaves "-" (0x2d) as it is.
    if ((datagram[i + j] | 0x20) !== (SEARCH_METHOD[j] | 0x20)) return false;
  }
  return true;
}
