// Answers to our own search, from a scripted socket: responses are handed on with their sender,
// requests and garbage skipped, a passing receive error survived, and a closed socket ends it.

import { assertEquals } from "../support/assert.ts";
import { receiveAnswers } from "../../lib/ssdp/answers.ts";

const encoder = new TextEncoder();

/** A socket whose receive yields each step in turn: a datagram, or an error to throw. */
function scripted(steps: (string | Error)[]) {
  let received = 0;
  return {
    get received() {
      return received;
    },
    receive(): Promise<[Uint8Array<ArrayBuffer>, Deno.Addr]> {
      const step = steps[received++] ?? new Deno.errors.BadResource("closed");
      if (step instanceof Error) return Promise.reject(step);
      const port = 1900 + received;
      return Promise.resolve([encoder.encode(step), {
        transport: "udp",
        hostname: "10.0.0.2",
        port,
      }]);
    },
  };
}

const answer = (usn: string) => `HTTP/1.1 200 OK\r\nUSN: ${usn}\r\nST: upnp:rootdevice\r\n\r\n`;

Deno.test("responses go to onAnswer with their sender; requests and garbage do not", async () => {
  const socket = scripted([
    answer("uuid:one"),
    'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n',
    "NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n",
    "\x00\x01 not ssdp",
    answer("uuid:two"),
  ]);
  const heard: [string | undefined, number, string][] = [];
  await receiveAnswers(socket, (message, from) => {
    heard.push([message.headers.get("usn"), message.status!, `${from.hostname}:${from.port}`]);
  });
  assertEquals(heard, [["uuid:one", 200, "10.0.0.2:1901"], ["uuid:two", 200, "10.0.0.2:1905"]]);
  assertEquals(socket.received, 6);
});

Deno.test("a receive error that leaves the socket usable does not end it; closing does", async () => {
  for (const closed of [new Deno.errors.BadResource("closed"), new Deno.errors.Interrupted("x")]) {
    const socket = scripted([
      new Deno.errors.ConnectionRefused("ICMP port unreachable"),
      answer("uuid:after"),
      closed,
      answer("uuid:never"),
    ]);
    const heard: (string | undefined)[] = [];
    await receiveAnswers(socket, (message) => heard.push(message.headers.get("usn")));
    assertEquals(heard, ["uuid:after"]);
    assertEquals(socket.received, 3);
  }
});
