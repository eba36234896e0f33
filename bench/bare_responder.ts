/**
 * The runtime's ceiling for the benchmark: the least a Deno program can do to answer SSDP searches.
 * Every datagram gets the same fixed answer; nothing is parsed, checked or logged, and each send is
 * awaited before the next receive, the plain `for await` pattern. Whatever the helper costs beyond
 * this is its own doing rather than the runtime's.
 *
 *     deno run --unstable-net --allow-net bench/bare_responder.ts PORT LOCATION
 *
 * @module
 */

const [portText, location] = Deno.args;
const port = Number(portText);
if (!Number.isInteger(port) || port <= 0 || port > 65535 || !location) {
  console.error("usage: bare_responder.ts PORT LOCATION");
  Deno.exit(2);
}

// The same header set the helper sends, so both put the same bytes on the wire.
const answer = new TextEncoder().encode(
  "HTTP/1.1 200 OK\r\n" +
    "ST: upnp:rootdevice\r\n" +
    "USN: uuid:00000000-0000-4000-8000-000000000000::upnp:rootdevice\r\n" +
    `LOCATION: ${location}\r\n` +
    "Cache-Control: max-age=900\r\n" +
    "Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n" +
    "Ext: \r\n" +
    "\r\n",
);

const socket = Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port });
for await (const [, from] of socket) {
  await socket.send(answer, from);
}
