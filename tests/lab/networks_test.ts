// The helper on the networks people have: several LANs, addresses that change, announcements,
// virtual interfaces. Every test builds its own private namespaces; skipped visibly where impossible.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { pairFrom, ssdpToolArgv } from "../../lab/camera_process.ts";
import { helperArgv, startHelper } from "../../lab/helper_process.ts";
import { lines } from "../../lab/lines.ts";
import { namespaceTest, type Netns, NetnsLab } from "../../lab/netns.ts";

const decoder = new TextDecoder();

await namespaceTest(
  "each LAN gets its own interface's LOCATION; a third subnet gets nothing",
  async (t) => {
    await using lab = await NetnsLab.create();
    const pc = await lab.host("pc");
    const home = await lab.host("home");
    const office = await lab.host("office");
    const stranger = await lab.host("stranger");
    await lab.link(pc, "10.231.11.1/24", home, "10.231.11.2/24", { aName: "eth0" });
    await lab.link(pc, "10.231.12.1/24", office, "10.231.12.2/24", { aName: "wlan0" });
    // The stranger reaches the computer through a Docker-named bridge, which is not served.
    await lab.link(pc, "10.231.13.1/24", stranger, "10.231.13.2/24", {
      aName: "docker0",
      multicastRoute: false,
    });
    await stranger.ip("route", "add", "default", "via", "10.231.13.1");

    await using helper = await startHelper(["-v"], { netns: pc });
    await helper.waitForLine(/ready/);

    await t.step("the camera at home is sent to the eth0 address", async () => {
      const { code, report, output } = await pairFrom(home, "--multicast", "1900");
      assertEquals(code, 0, output);
      assertEquals(report.location, "http://10.231.11.1:8043/ptpip-canon-desc-helper.xml");
    });

    await t.step("the camera at the office is sent to the wlan0 address", async () => {
      const { code, report, output } = await pairFrom(office, "--multicast", "1900");
      assertEquals(code, 0, output);
      assertEquals(report.location, "http://10.231.12.1:8043/ptpip-canon-desc-helper.xml");
    });

    await t.step("a search from a third subnet is not answered, and -v says why", async () => {
      const searching = pairFrom(stranger, "--unicast", "10.231.11.1:1900", 1500);
      await helper.waitForLine(
        /datagram from 10\.231\.13\.2:\d+: ignored: source 10\.231\.13\.2 is not on a served subnet/,
      );
      const { code, output } = await searching;
      assertEquals(code, 1, output);
      assertMatch(output, /no answer within 1500 ms/);
    });
  },
);

await namespaceTest("a changed address is served again without a restart", async () => {
  await using lab = await NetnsLab.create();
  const { pc, camera } = await lab.pcAndCamera("10.231.21");
  await using helper = await startHelper(["--rescan-interval", "1"], { netns: pc });
  await helper.waitForLine(/serving eth0 10\.231\.21\.1/);

  // A new lease on another subnet, for both hosts. New before old, as a DHCP client does: an interface
  // left without any address loses its routes, the multicast one included.
  await pc.ip("addr", "add", "10.231.22.1/24", "dev", "eth0");
  await pc.ip("addr", "del", "10.231.21.1/24", "dev", "eth0");
  await camera.ip("addr", "add", "10.231.22.2/24", "dev", "wlan0");
  await camera.ip("addr", "del", "10.231.21.2/24", "dev", "wlan0");
  const changedAt = performance.now();
  await helper.waitForLine(/interface eth0 10\.231\.21\.1 is gone/, 3000);
  await helper.waitForLine(/serving eth0 10\.231\.22\.1/, 3000);
  assert(
    performance.now() - changedAt < 2500,
    "noticed within the rescan interval (1 s) and a margin",
  );

  const { code, report, output } = await pairFrom(camera, "--multicast", "1900");
  assertEquals(code, 0, output);
  assertEquals(report.location, "http://10.231.22.1:8043/ptpip-canon-desc-helper.xml");
});

/** A NOTIFY listener on another host of the LAN, as a program in its namespace. */
async function notifyListener(ns: Netns, address: string) {
  const child = ns.spawn(ssdpToolArgv("listen", ["--on", address]), { stdout: "piped" });
  const events = lines(child.stdout);
  const received: { from: string; text: string; listening?: boolean }[] = [];
  const next = async () => {
    const line = await events.next();
    if (line.done) throw new Error(`the listener on ${address} ended`);
    return JSON.parse(line.value);
  };
  const first = await next();
  assert(first.listening, "the listener joined the group");
  return {
    received,
    /** Resolves once `count` NOTIFYs with this NTS have arrived. */
    async wait(nts: string, count: number) {
      while (received.filter((r) => r.text.includes(`NTS: ${nts}`)).length < count) {
        received.push(await next());
      }
      return received.filter((r) => r.text.includes(`NTS: ${nts}`));
    },
    async [Symbol.asyncDispose]() {
      child.kill("SIGKILL");
      await events.return(undefined).catch(() => {});
      await child.status;
    },
  };
}

await namespaceTest("--announce: alive at start on each interface, byebye at Ctrl+C", async () => {
  await using lab = await NetnsLab.create();
  const pc = await lab.host("pc");
  const home = await lab.host("home");
  const office = await lab.host("office");
  await lab.link(pc, "10.231.51.1/24", home, "10.231.51.2/24", { aName: "eth0" });
  await lab.link(pc, "10.231.52.1/24", office, "10.231.52.2/24", { aName: "wlan0" });
  await using atHome = await notifyListener(home, "10.231.51.2");
  await using atOffice = await notifyListener(office, "10.231.52.2");

  const helper = await startHelper(["--announce"], { netns: pc });
  await helper.waitForLine(/ready/);
  for (const [listener, address] of [[atHome, "10.231.51.1"], [atOffice, "10.231.52.1"]] as const) {
    // Root device and UUID, twice each, from this LAN's own interface and with its own LOCATION.
    const alive = await listener.wait("ssdp:alive", 4);
    assert(alive.every((r) => r.from === address), JSON.stringify(alive.map((r) => r.from)));
    for (const r of alive) {
      assert(r.text.startsWith("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"), r.text);
      assert(r.text.includes(`LOCATION: http://${address}:8043/ptpip-canon-desc-helper.xml\r\n`));
      assert(r.text.includes("Server: Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0\r\n"));
    }
    assert(alive.some((r) => r.text.includes("NT: upnp:rootdevice\r\n")));
    assert(alive.some((r) => /NT: uuid:[0-9a-f-]{36}\r\n/.test(r.text)));
  }

  const { code } = await helper.stop("SIGINT");
  assertEquals(code, 0);
  await atHome.wait("ssdp:byebye", 2);
  await atOffice.wait("ssdp:byebye", 2);
});

await namespaceTest("`interfaces` explains which interfaces are served and why", async () => {
  await using lab = await NetnsLab.create();
  const pc = await lab.host("pc");
  const other = await lab.host("other");
  await lab.link(pc, "10.231.61.1/24", other, "10.231.61.2/24", {
    aName: "veth-lan",
    bName: "eth0",
  });
  await lab.link(pc, "192.168.77.1/24", other, "192.168.77.2/24", { aName: "eth0", bName: "eth1" });
  await lab.link(pc, "169.254.3.4/16", other, "169.254.3.5/16", { aName: "eth1", bName: "eth2" });
  await pc.ip("link", "add", "docker0", "type", "bridge");
  await pc.ip("addr", "add", "172.17.0.1/16", "dev", "docker0");
  await pc.ip("link", "set", "docker0", "up");

  const out = await pc.output(helperArgv(["interfaces"]));
  const text = decoder.decode(out.stdout);
  assert(out.success, decoder.decode(out.stderr));
  const row = (name: string) => text.split("\n").find((l) => l.includes(` ${name} `)) ?? "";
  assertMatch(row("eth0"), /^serve\s+eth0\s+192\.168\.77\.1\s+usable LAN address/);
  assertMatch(row("lo"), /^skip\s+lo\s+127\.0\.0\.1\s+loopback/);
  assertMatch(row("veth-lan"), /^skip\s+veth-lan\s+10\.231\.61\.1\s+virtual bridge or tunnel/);
  assertMatch(row("docker0"), /^skip\s+docker0\s+172\.17\.0\.1\s+virtual bridge or tunnel/);
  assertMatch(row("eth1"), /^skip\s+eth1\s+169\.254\.3\.4\s+link-local/);
  assertMatch(text, /1 address would be served\./);

  const named = decoder.decode(
    (await pc.output(helperArgv(["interfaces", "-i", "docker0"]))).stdout,
  );
  assertMatch(named, /serve\s+docker0\s+172\.17\.0\.1\s+named with -i/);
});
