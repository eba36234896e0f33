/**
 * The SSDP socket loop: receive, ask the {@linkcode SearchAnswerer}, send. Nothing a datagram holds, and
 * no receive error, ends the loop; only closing the socket does.
 *
 * @module
 */

import type { Decision, SearchAnswerer } from "./answerer.ts";
import type { SsdpMessage } from "./message.ts";
import { isClosedError } from "../errors.ts";

/** What the loop reports; the caller turns these into log lines and camera tracking. */
export interface ResponderEvents {
  /** Every datagram and its decision; called only when `verbose` (it is per-packet work). */
  onDecision?(decision: Decision, from: Deno.NetAddr): void;
  /** A search that is being answered. */
  onAnswered(decision: Decision & { kind: "answer" }, from: Deno.NetAddr): void;
  /** A message that is not a search (a NOTIFY, an answer to our own search): camera presence. */
  onOtherMessage?(message: SsdpMessage, from: Deno.NetAddr): void;
  /** A receive that failed but left the socket usable. */
  onReceiveError(error: unknown): void;
  /** A send that failed (the network may have changed). */
  onSendError(error: unknown, to: Deno.NetAddr): void;
}

/** One byte over the datagram limit, so that an oversized datagram shows as a full buffer. */
const RECEIVE_BUFFER_BYTES = 8192 + 1;

/** Receives waiting on the socket at once (each with its own buffer). */
const RECEIVERS = 2;

/** Receives from `conn` until it is closed, answering what `answerer` says to. */
export async function runResponder(
  conn: Deno.DatagramConn,
  answerer: SearchAnswerer,
  events: ResponderEvents,
  verbose: boolean,
): Promise<void> {
  // A second receive already waits in the runtime while one datagram is handled, so the socket is
  // read with no gap between datagrams.
  const loops = Array.from(
    { length: RECEIVERS },
    () => receiveLoop(conn, answerer, events, verbose),
  );
  await Promise.all(loops);
}

async function receiveLoop(
  conn: Deno.DatagramConn,
  answerer: SearchAnswerer,
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
      if (failures > 10) await new Promise((r) => setTimeout(r, Math.min(1000, failures * 10)));
      continue;
    }
    const decision = answerer.decide(datagram, from.hostname);
    if (verbose) events.onDecision?.(decision, from);
    if (decision.kind !== "answer") {
      const message = decision.message;
      if (message !== undefined && message.method !== "M-SEARCH") {
        events.onOtherMessage?.(message, from);
      }
      continue;
    }
    events.onAnswered(decision, from);
    for (const answer of decision.answers) {
      if (answer.delayMs <= 0) send(conn, answer.bytes, from, events);
      else setTimeout(() => send(conn, answer.bytes, from, events), answer.delayMs);
    }
  }
}

function send(
  conn: Deno.DatagramConn,
  bytes: Uint8Array,
  to: Deno.NetAddr,
  events: ResponderEvents,
) {
  // Not awaited: the next datagram is read while the kernel sends this one.
  conn.send(bytes, to).catch((error) => {
    if (!isClosedError(error)) events.onSendError(error, to);
  });
}
