// The opt-in announcements on 127.0.0.1: a test socket stands in for the SSDP group. ssdp:alive for
// the root device and the UUID at start, a second round after the gap, nothing again for an address
// already announced, and ssdp:byebye from every address still served at stop.

import { assert, assertEquals } from "../support/assert.ts";
import { TEST_UUID } from "../support/uuid.ts";
import { Announcer } from "../../lib/ssdp/announcer.ts";
import { deviceOf, identityFor } from "../../lib/ssdp/search.ts";
import { locationProvider } from "../../lib/ssdp/response.ts";
import type { ServedAddress } from "../../lib/network/interfaces.ts";
import { Waiters } from "../../lab/waiters.ts";

const device = deviceOf(identityFor(TEST_UUID));
const decoder = new TextDecoder();

function served(address: string): ServedAddress {
  return { name: "lo", address, addressValue: 0, netmaskValue: 0 };
}

/** A socket on 127.0.0.1 that keeps every datagram's headers. */
function listener() {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const heard: Map<string, string>[] = [];
  const waiters = new Waiters();
  const loop = (async () => {
    try {
      for await (const [data] of socket) {
        const [, ...lines] = decoder.decode(data).split("\r\n").filter((l) => l);
        heard.push(
          new Map(
            lines.map((
              l,
            ) => [l.slice(0, l.indexOf(":")).toUpperCase(), l.slice(l.indexOf(":") + 1).trim()]),
          ),
        );
        waiters.wake();
      }
    } catch {
      // closed
    }
  })();
  return {
    addr: socket.addr as Deno.NetAddr,
    heard,
    count: (n: number, what: string) => waiters.until(() => heard.length >= n, what, 3000),
    close: async () => {
      socket.close();
      await loop;
    },
  };
}

Deno.test("alive twice for the root device and the UUID, then byebye at stop", async () => {
  const camera = listener();
  const errors: string[] = [];
  const announcer = new Announcer({
    targets: [device.root, device.uuid],
    maxAge: 1800,
    locationOf: locationProvider(49152, "desc.xml"),
    destination: camera.addr,
    onError: (error, address) => errors.push(`${address}: ${error}`),
  });
  try {
    await announcer.update([served("127.0.0.1")]);
    await camera.count(4, "two rounds of ssdp:alive");
    assertEquals(camera.heard.map((h) => [h.get("NTS"), h.get("NT")]), [
      ["ssdp:alive", "upnp:rootdevice"],
      ["ssdp:alive", `uuid:${TEST_UUID}`],
      ["ssdp:alive", "upnp:rootdevice"],
      ["ssdp:alive", `uuid:${TEST_UUID}`],
    ]);
    for (const h of camera.heard) {
      assertEquals(h.get("LOCATION"), "http://127.0.0.1:49152/desc.xml");
      assertEquals(h.get("CACHE-CONTROL"), "max-age=1800");
    }
    assertEquals(camera.heard[0].get("USN"), `uuid:${TEST_UUID}::upnp:rootdevice`);

    // The same address again is not new: nothing more is sent for it.
    await announcer.update([served("127.0.0.1")]);
    await announcer.stop();
    await camera.count(6, "ssdp:byebye");
    assertEquals(camera.heard.slice(4).map((h) => [h.get("NTS"), h.get("NT")]), [
      ["ssdp:byebye", "upnp:rootdevice"],
      ["ssdp:byebye", `uuid:${TEST_UUID}`],
    ]);
    assert(!camera.heard[4].has("LOCATION"), "a byebye has nothing to fetch");
    assertEquals(errors, []);
  } finally {
    await announcer.stop();
    await camera.close();
  }
  assertEquals(camera.heard.length, 6, "nothing after the byebye");
});

Deno.test("an address no longer served says no byebye; one that cannot be bound is an error", async () => {
  const camera = listener();
  const errors: string[] = [];
  const announcer = new Announcer({
    targets: [device.root],
    maxAge: 1800,
    locationOf: locationProvider(49152, "desc.xml"),
    destination: camera.addr,
    onError: (_error, address) => errors.push(address),
  });
  try {
    await announcer.update([served("127.0.0.1")]);
    await camera.count(2, "two rounds of ssdp:alive");
    // 192.0.2.1 (TEST-NET-1) is on no interface here: binding it fails before anything is sent.
    await announcer.update([served("192.0.2.1")]);
    assertEquals(errors, ["192.0.2.1"]);
    await announcer.stop();
  } finally {
    await camera.close();
  }
  assertEquals(camera.heard.map((h) => h.get("NTS")), ["ssdp:alive", "ssdp:alive"]);
});
