// The fake cameras and the look-alike PC themselves, on 127.0.0.1 only (unicast, nothing leaves the
// machine): each says over SSDP and HTTP what the facts file reports of its kind.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { FakeEos6D, FakePowerShot, FakeUpnpPc, POWERSHOT_TYPE } from "../../lab/canon_fakes.ts";
import { canonTrait } from "../../lib/cameras/recognise.ts";
import {
  EOS_SEARCH,
  eosFetchRequest,
  fetchEosCamera,
  readEosMessage,
} from "../../lib/cameras/eos_flow.ts";
import { exchangeRaw, fetchRaw } from "../../lib/description/fetch.ts";
import { formatSearchRequest } from "../../lib/ssdp/search_request.ts";
import { isRejection, parseSsdpMessage, type SsdpMessage } from "../../lib/ssdp/message.ts";
import { withTimeout } from "../../lib/util/timeout.ts";

const LOOPBACK = "127.0.0.1";
const encoder = new TextEncoder();

/** A test's own SSDP socket on loopback. */
function client(): Deno.DatagramConn & Disposable {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: LOOPBACK, port: 0 });
  return Object.assign(socket, { [Symbol.dispose]: () => socket.close() });
}

async function receive(socket: Deno.DatagramConn): Promise<SsdpMessage> {
  const [data] = await withTimeout(socket.receive(), 3000, "SSDP datagram");
  const parsed = parseSsdpMessage(data);
  if (isRejection(parsed)) throw new Error(parsed.rejected);
  return parsed;
}

function search(st: string, port: number): Uint8Array {
  return encoder.encode(formatSearchRequest({ host: `${LOOPBACK}:${port}`, st, mx: 1 }));
}

/**
 * On loopback the fake's description is on a free port, not the 49152 of a real body, which the
 * helper refuses to fetch from: every other check of the EOS announcement must pass.
 */
function assertOnlyOffPort(read: ReturnType<typeof readEosMessage>): void {
  assert(read?.kind === "invalid", JSON.stringify(read));
  assertMatch(read.reason, /^LOCATION is on port \d+, not 49152/);
}

function senderOf(message: SsdpMessage) {
  return {
    server: message.headers.get("server"),
    usn: message.headers.get("usn"),
    type: message.headers.get("st") ?? message.headers.get("nt"),
  };
}

Deno.test("the fake PowerShot answers ssdp:all and its Canon type, never upnp:rootdevice", async () => {
  await using camera = new FakePowerShot({ hostname: LOOPBACK });
  using socket = client();
  const to = { transport: "udp" as const, hostname: LOOPBACK, port: camera.ssdp.port };
  // Asked first for the root device: an answer to it would arrive before the one to ssdp:all.
  await socket.send(search("upnp:rootdevice", to.port), to);
  await socket.send(search("ssdp:all", to.port), to);
  const first = await receive(socket);
  assertEquals(first.headers.get("st"), POWERSHOT_TYPE);
  assertEquals(canonTrait(senderOf(first)), "server");
  await socket.send(search(POWERSHOT_TYPE, to.port), to);
  await receive(socket);
  await camera.ssdp.searched(3, 3000);
  assertEquals(camera.ssdp.searches.map((s) => [s.st, s.answered]), [
    ["upnp:rootdevice", false],
    ["ssdp:all", true],
    [POWERSHOT_TYPE, true],
  ]);
});

Deno.test("the generic UPnP PC answers like a PC, and is no Canon camera", async () => {
  await using pc = new FakeUpnpPc({ hostname: LOOPBACK });
  using socket = client();
  const to = { transport: "udp" as const, hostname: LOOPBACK, port: pc.ssdp.port };
  await socket.send(search("upnp:rootdevice", to.port), to);
  const answer = await receive(socket);
  assertEquals(canonTrait(senderOf(answer)), undefined);
  await pc.announce({
    transport: "udp",
    hostname: LOOPBACK,
    port: (socket.addr as Deno.NetAddr).port,
  });
  const notify = await receive(socket);
  assertEquals(notify.method, "NOTIFY");
  assertEquals(canonTrait(senderOf(notify)), undefined);
  assertEquals(readEosMessage(notify, LOOPBACK), undefined);
});

Deno.test("the fake 6D announces, is armed only by the Windows GET, and records PTP/IP connects", async (t) => {
  await using camera = new FakeEos6D({ hostname: LOOPBACK });
  using socket = client();
  const me = {
    transport: "udp" as const,
    hostname: LOOPBACK,
    port: (socket.addr as Deno.NetAddr).port,
  };

  await t.step("its NOTIFY is an EOS announcement with a LOCATION on its own address", async () => {
    await camera.announce(me);
    const notify = await receive(socket);
    assertEquals(canonTrait(senderOf(notify)), "server");
    assertEquals(notify.headers.get("location"), camera.location);
    assertOnlyOffPort(readEosMessage(notify, LOOPBACK));
  });

  await t.step("it answers the start-up search for its type", async () => {
    const to = { transport: "udp" as const, hostname: LOOPBACK, port: camera.ssdp.port };
    await socket.send(encoder.encode(EOS_SEARCH), to);
    assertOnlyOffPort(readEosMessage(await receive(socket), LOOPBACK));
  });

  await t.step("a plain GET is recorded but does not arm it", async () => {
    const { head } = await fetchRaw(camera.location, "GET", 2000);
    assert(head.startsWith("HTTP/1.1 200 OK"));
    assertEquals(camera.armed, false);
    assertEquals(camera.requests.map((r) => r.armed), [false]);
  });

  await t.step("the Windows GET arms it and yields the model; the bytes are recorded", async () => {
    const port = Number(new URL(camera.location).port);
    const announcement = {
      ip: LOOPBACK,
      port,
      path: "/upnp/CameraDevDesc.xml",
      location: camera.location,
    };
    const names = await fetchEosCamera(announcement, exchangeRaw, 2000);
    assertEquals(names, {
      kind: "camera",
      names: { friendlyName: "EOS6D", modelName: "Canon EOS 6D" },
    });
    assert(camera.armed);
    assertEquals(camera.requests[1], { bytes: eosFetchRequest(announcement), armed: true });
  });

  await t.step("its armed listener takes one connection; the next is burnt", async () => {
    assertEquals(camera.connects, []);
    for (let i = 0; i < 2; i++) {
      const conn = await Deno.connect({ hostname: LOOPBACK, port: camera.ptpipPort });
      conn.close();
    }
    await camera.connected(2, 3000);
    assertEquals(camera.connects, [{ armed: true, accepted: true }, {
      armed: true,
      accepted: false,
    }]);
  });

  await t.step("its byebye is an EOS byebye", async () => {
    await camera.byebye(me);
    assertEquals(readEosMessage(await receive(socket), LOOPBACK)?.kind, "byebye");
  });
});
