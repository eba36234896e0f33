/**
 * The SSDP socket loop: receive, dispatch by message kind, send. Searches go to the
 * {@linkcode SearchAnswerer}; NOTIFYs and answers go to the {@linkcode PresenceHandler} (the cameras),
 * each behind its own cheap prefilter. The answer is sent before anything is reported. Nothing a
 * datagram holds, and no receive error, ends the loop; only closing the socket does.
 *
 * A failed send usually means a served address went away, so every failure asks for a rescan at
 * once; but a gone address fails every send, so its line comes once a second at most
 * ({@linkcode sendFailureHandler}).
 *
 * @module
 */

import { type Decision, type SearchAnswerer, startsWithSearch } from "./answerer.ts";
import {
  DEFAULT_PARSE_LIMITS,
  isRejection,
  parseSsdpMessage,
  type SsdpMessage,
} from "./message.ts";
import { notASearch } from "./search.ts";
import { errorMessage, isClosedError } from "../errors.ts";
import type { Emit } from "../events.ts";
import { after, type Clock, sleep } from "../util/timers.ts";

/** Who hears NOTIFYs and answers to our own searches: camera presence. */
export interface PresenceHandler {
  /**
   * Whether this datagram from this IP matters (a camera being followed, a type it listens for),
   * judged without decoding it. Others' NOTIFYs and responses, the bulk of a chattering LAN, are
   * dropped undecoded.
   */
  wants(ip: string, datagram: Uint8Array): boolean;
  /** A decoded message that is not a search, which it or another handler wanted. */
  heard(message: SsdpMessage, ip: string): void;
}

/**
 * Several presence handlers as one: a datagram is decoded once when any of them wants it, and
 * every one hears it (each ignores what is not its own).
 */
export function everyPresence(handlers: readonly PresenceHandler[]): PresenceHandler {
  return {
    wants: (ip, datagram) => handlers.some((h) => h.wants(ip, datagram)),
    heard: (message, ip) => handlers.forEach((h) => h.heard(message, ip)),
  };
}

/** The handlers datagrams are dispatched to. */
export interface SsdpHandlers {
  /** Searches (and anything that might be one). */
  search: Pick<SearchAnswerer, "decide">;
  /** Everything else; without it, only searches are decoded. */
  presence?: PresenceHandler;
}

/** What the loop reports; the caller turns these into log lines and camera tracking. */
export interface ResponderEvents {
  /** Every datagram and its decision; called only when `verbose` (it is per-packet work). */
  onDecision?(decision: Decision, from: Deno.NetAddr): void;
  /** A search that was answered (its answers are sent, or scheduled, already). */
  onAnswered(decision: Decision & { kind: "answer" }, from: Deno.NetAddr): void;
  /** A receive that failed but left the socket usable. */
  onReceiveError(error: unknown): void;
  /** A send that failed (the network may have changed). */
  onSendError(error: unknown, to: Deno.NetAddr): void;
}

/** One byte over the datagram limit, so that an oversized datagram shows as a full buffer. */
const RECEIVE_BUFFER_BYTES = DEFAULT_PARSE_LIMITS.maxBytes + 1;

/** Receives waiting on the socket at once (each with its own buffer). */
const RECEIVERS = 2;

/** The part of a UDP socket the loop uses; a fake in tests. */
export type DatagramSocket = Pick<Deno.DatagramConn, "receive" | "send">;

/** Receives from `conn` until it is closed, dispatching each datagram to its handler. */
export async function runResponder(
  conn: DatagramSocket,
  handlers: SsdpHandlers,
  events: ResponderEvents,
  verbose: boolean,
): Promise<void> {
  // A second receive already waits in the runtime while one datagram is handled, so the socket is
  // read with no gap between datagrams.
  const loops = Array.from(
    { length: RECEIVERS },
    () => receiveLoop(conn, handlers, events, verbose),
  );
  await Promise.all(loops);
}

/**
 * The decision for a datagram that is not a search: decoded only when its source is wanted, then
 * handed to presence. Never answered.
 */
export function dispatchOther(
  datagram: Uint8Array,
  ip: string,
  presence: PresenceHandler | undefined,
): Decision {
  if (!presence?.wants(ip, datagram)) return { kind: "ignore", reason: "not an M-SEARCH" };
  const parsed = parseSsdpMessage(datagram);
  if (isRejection(parsed)) return { kind: "ignore", reason: parsed.rejected };
  presence.heard(parsed, ip);
  return { kind: "ignore", reason: notASearch(parsed) };
}

async function receiveLoop(
  conn: DatagramSocket,
  handlers: SsdpHandlers,
  events: ResponderEvents,
  verbose: boolean,
): Promise<void> {
  // One buffer for every receive of this loop: no allocation per datagram.
  const buffer = new Uint8Array(RECEIVE_BUFFER_BYTES);
  let failures = 0;
  for (;;) {
    let datagram: Uint8Array;
    let from: Deno.NetAddr;
    try {
      const [data, addr] = await conn.receive(buffer);
      datagram = data;
      from = addr as Deno.NetAddr;
      failures = 0;
    } catch (error) {
      if (isClosedError(error)) return;
      // Windows reports an earlier ICMP "port unreachable" as a receive error; the socket is fine.
      events.onReceiveError(error);
      // A socket that fails on every receive must not spin a core: back off, up to a second.
      failures++;
      if (failures > 10) await sleep(Math.min(1000, failures * 10));
      continue;
    }
    const decision = datagram.byteLength === 0 || startsWithSearch(datagram)
      ? handlers.search.decide(datagram, from.hostname)
      : dispatchOther(datagram, from.hostname, handlers.presence);
    if (decision.kind === "answer") {
      for (const answer of decision.answers) {
        if (answer.delayMs <= 0) send(conn, answer.bytes, from, events);
        else after(answer.delayMs, () => send(conn, answer.bytes, from, events));
      }
    }
    if (verbose) events.onDecision?.(decision, from);
    if (decision.kind === "answer") events.onAnswered(decision, from);
  }
}

function send(
  conn: DatagramSocket,
  bytes: Uint8Array,
  to: Deno.NetAddr,
  events: ResponderEvents,
) {
  // Not awaited: the next datagram is read while the kernel sends this one.
  conn.send(bytes, to).catch((error) => {
    if (!isClosedError(error)) events.onSendError(error, to);
  });
}

/** The least time between two `send-failed` lines, in milliseconds. */
const LINE_INTERVAL_MS = 1000;

/** What the send-failure handler needs. */
export interface SendFailureOptions {
  /** Times the lines. */
  clock: Pick<Clock, "now">;
  /** Where the line goes. */
  emit: Emit;
  /** Reads the interfaces again at once. */
  rescan: () => void;
}

/** The handler for the responder's failed sends: a throttled line, and a rescan each time. */
export function sendFailureHandler(
  options: SendFailureOptions,
): (error: unknown, to: Deno.NetAddr) => void {
  let lastLine = -Infinity;
  return (error, to) => {
    const now = options.clock.now();
    if (now - lastLine > LINE_INTERVAL_MS) {
      lastLine = now;
      options.emit({ event: "send-failed", to: to.hostname, error: errorMessage(error) });
    }
    options.rescan();
  };
}
