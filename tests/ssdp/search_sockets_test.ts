// Where our own search goes from: one socket to a named host, or none when no interface is served.
// The multicast sockets, one per served interface, need a LAN and are exercised by the lab's probe
// tests.

import { assertEquals } from "../support/assert.ts";
import { openSearchSockets } from "../../lib/ssdp/search_sockets.ts";
import type { InterfaceAddress } from "../../lib/network/interfaces.ts";

Deno.test("a named host is searched from one socket of this computer, without looping back", () => {
  let asked = 0;
  const search = openSearchSockets({ hostname: "127.0.0.1", port: 1901 }, 1900, [], () => {
    asked++;
    return [];
  });
  try {
    assertEquals(
      search && {
        sockets: search.sockets.length,
        to: search.to,
        from: search.from,
        looped: search.looped,
      },
      {
        sockets: 1,
        to: { transport: "udp", hostname: "127.0.0.1", port: 1901 },
        from: "this computer",
        looped: false,
      },
    );
    assertEquals(asked, 0, "the interfaces are not looked at");
  } finally {
    for (const socket of search?.sockets ?? []) socket.close();
  }
});

Deno.test("with no served interface (only loopback, or -i naming none) there is nothing to search from", () => {
  const loopback: InterfaceAddress[] = [
    { name: "lo", family: "IPv4", address: "127.0.0.1", netmask: "255.0.0.0" },
  ];
  assertEquals(openSearchSockets(undefined, 1900, [], () => loopback), undefined);
  const lan: InterfaceAddress[] = [
    { name: "eth0", family: "IPv4", address: "10.0.0.2", netmask: "255.255.255.0" },
  ];
  assertEquals(openSearchSockets(undefined, 1900, ["wlan9"], () => lan), undefined);
});
