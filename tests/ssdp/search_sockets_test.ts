// Where our own search goes from: one socket to a named host, or none when no interface is served.
// The multicast sockets, one per served interface, need a LAN and are exercised by the lab's probe
// tests.

import { assertEquals } from "../support/assert.ts";
import { searchRound } from "../../lib/ssdp/search_sockets.ts";
import type { InterfaceAddress } from "../../lib/network/interfaces.ts";
import { CAMERA_SEARCH } from "../../lib/ssdp/search_request.ts";
import { raceDeadline, TIMED_OUT, withTimeout } from "../../lib/util/timeout.ts";

Deno.test("a named host is searched from one socket of this computer, without looping back", async () => {
  const host = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const port = (host.addr as Deno.NetAddr).port;
    let asked = 0;
    const interfaces = () => {
      asked++;
      return [];
    };
    const round = await searchRound(
      { target: { hostname: "127.0.0.1", port }, ssdpPort: 1900, interfaceNames: [], interfaces },
      CAMERA_SEARCH,
      0,
      () => {},
    );
    assertEquals(round, {
      to: { transport: "udp", hostname: "127.0.0.1", port },
      from: "this computer",
      looped: false,
      sendErrors: [],
    });
    assertEquals(asked, 0, "the interfaces are not looked at");
    // One socket: the host hears the search once. Both sends, were there two, were done before the
    // round returned, so a second datagram would be waiting already.
    const [data] = await withTimeout(host.receive(), 5000, "search");
    assertEquals(new TextDecoder().decode(data), CAMERA_SEARCH);
    assertEquals(await raceDeadline(host.receive(), 100), TIMED_OUT, "a second search");
  } finally {
    host.close();
  }
});

Deno.test("with no served interface (only loopback, or -i naming none) there is nothing to search from", async () => {
  const place = (interfaceNames: string[], list: InterfaceAddress[]) => ({
    ssdpPort: 1900,
    interfaceNames,
    interfaces: () => list,
  });
  let heard = 0;
  const search = (names: string[], list: InterfaceAddress[]) =>
    searchRound(place(names, list), CAMERA_SEARCH, 0, () => heard++);
  const loopback: InterfaceAddress[] = [
    { name: "lo", family: "IPv4", address: "127.0.0.1", netmask: "255.0.0.0" },
  ];
  assertEquals(await search([], loopback), undefined);
  const lan: InterfaceAddress[] = [
    { name: "eth0", family: "IPv4", address: "10.0.0.2", netmask: "255.255.255.0" },
  ];
  assertEquals(await search(["wlan9"], lan), undefined);
  assertEquals(heard, 0);
});
