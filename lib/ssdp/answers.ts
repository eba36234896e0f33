/**
 * Answers to a search of our own: read from the socket the search was sent from, until that socket
 * is closed. Shared by our search round (`search_sockets.ts`, for `probe` and `import`) and the EOS
 * flow's start-up search.
 *
 * @module
 */

import { isClosedError } from "../errors.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "./message.ts";

/**
 * Hands every well-formed SSDP response (`HTTP/1.1 …`) that arrives on `socket` to `onAnswer`, and
 * resolves once the socket is closed. Requests (someone else's search or NOTIFY reaching the same
 * port) and datagrams that do not parse are skipped; a receive error that leaves the socket usable
 * (an ICMP report of an earlier send) does not end it.
 */
export async function receiveAnswers(
  socket: Pick<Deno.DatagramConn, "receive">,
  onAnswer: (message: SsdpMessage, from: Deno.NetAddr) => void,
): Promise<void> {
  for (;;) {
    let data: Uint8Array;
    let from: Deno.NetAddr;
    try {
      const [d, a] = await socket.receive();
      data = d;
      from = a as Deno.NetAddr;
    } catch (error) {
      if (isClosedError(error)) return;
      continue;
    }
    const message = parseSsdpMessage(data);
    if (isRejection(message) || message.status === undefined) continue;
    onAnswer(message, from);
  }
}
