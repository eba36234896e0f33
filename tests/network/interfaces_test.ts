import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  addressFor,
  type Candidate,
  diffServed,
  type InterfaceAddress,
  selectInterfaces,
  type ServedAddress,
  servedAddresses,
} from "../../lib/network/interfaces.ts";
import { parseIpv4 } from "../../lib/network/ipv4.ts";

const v4 = (name: string, address: string, netmask = "255.255.255.0"): InterfaceAddress => ({
  name,
  family: "IPv4",
  address,
  netmask,
});
const v6 = (name: string, address: string): InterfaceAddress => ({
  name,
  family: "IPv6",
  address,
  netmask: "ffff:ffff:ffff:ffff::",
});
const ip = (text: string) => parseIpv4(text)!;

// A laptop with loopback, Wi-Fi and the usual virtual clutter.
const MACHINE = [
  v4("lo", "127.0.0.1", "255.0.0.0"),
  v6("lo", "::1"),
  v4("wlan0", "192.168.1.20"),
  v6("wlan0", "fe80::1234"),
  v4("docker0", "172.17.0.1", "255.255.0.0"),
  v4("br-3f2a9c", "172.18.0.1", "255.255.0.0"),
  v4("veth12ab", "172.17.0.5", "255.255.0.0"),
  v4("virbr0", "192.168.122.1"),
  v4("vmnet8", "192.168.200.1"),
  v4("tun0", "10.8.0.2", "255.255.255.255"),
  v4("wg0", "10.9.0.2"),
  v4("utun3", "10.10.0.2"),
  v4("ztabcdef", "10.147.17.5"),
  v4("tailscale0", "100.64.0.7", "255.255.255.255"),
];

const served = (candidates: Candidate[]) => candidates.filter((c) => c.served).map((c) => c.name);
const verdictOf = (candidates: Candidate[], name: string) => {
  const found = candidates.filter((c) => c.name === name);
  assertEquals(found.length, 1, `one verdict for ${name}`);
  return found[0];
};

Deno.test("selectInterfaces", async (t) => {
  await t.step("serves the LAN, skips loopback, IPv6 and virtual interfaces with reasons", () => {
    const candidates = selectInterfaces(MACHINE, {});
    assertEquals(served(candidates), ["wlan0"]);
    // IPv6 addresses get no verdict at all: only IPv4 is considered.
    assertEquals(candidates.length, MACHINE.filter((i) => i.family === "IPv4").length);
    assert(candidates.every((c) => !c.address.includes(":")));
    assertEquals(verdictOf(candidates, "lo").reason, "loopback");
    assertEquals(verdictOf(candidates, "wlan0").reason, "usable LAN address");
    for (
      const name of [
        "docker0",
        "br-3f2a9c",
        "veth12ab",
        "virbr0",
        "vmnet8",
        "tun0",
        "wg0",
        "utun3",
        "ztabcdef",
        "tailscale0",
      ]
    ) {
      const verdict = verdictOf(candidates, name);
      assertEquals(verdict.served, false, name);
      assertMatch(verdict.reason, /virtual bridge or tunnel/, name);
      assertMatch(verdict.reason, /-i/, name);
    }
  });

  await t.step("keeps address and netmask in each verdict", () => {
    const verdict = verdictOf(selectInterfaces(MACHINE, {}), "docker0");
    assertEquals(verdict.address, "172.17.0.1");
    assertEquals(verdict.netmask, "255.255.0.0");
  });

  await t.step("ordinary interface names are served", () => {
    const names = ["eth0", "en0", "enp3s0", "wlp2s0", "Wi-Fi", "Ethernet 2", "bridge0"];
    const all = names.map((name, i) => v4(name, `192.168.${i}.10`));
    assertEquals(served(selectInterfaces(all, {})), names);
  });

  await t.step("Windows and macOS virtual adapters are skipped too, whatever their case", () => {
    const all = ["vEthernet (WSL)", "ZeroTier One [8056c2e21c000001]", "Tailscale", "bridge100"]
      .map((name, i) => v4(name, `10.99.${i}.1`, "255.255.255.0"));
    for (const verdict of selectInterfaces(all, {})) {
      assertEquals(verdict.served, false, verdict.name);
      assertMatch(verdict.reason, /virtual bridge or tunnel/, verdict.name);
    }
    // bridge0 on a Mac is the Thunderbolt bridge, a real LAN.
    assertEquals(served(selectInterfaces([v4("bridge0", "10.98.0.1", "255.255.255.0")], {})), [
      "bridge0",
    ]);
  });

  await t.step("a virtual interface named with -i is served, and only named ones are", () => {
    const candidates = selectInterfaces(MACHINE, { interfaceNames: ["docker0", "tun0"] });
    assertEquals(served(candidates), ["docker0", "tun0"]);
    assertEquals(verdictOf(candidates, "docker0").reason, "named with -i");
    assertEquals(verdictOf(candidates, "wlan0").reason, "not named with -i");
  });

  await t.step("-i can select loopback and link-local too", () => {
    const all = [v4("lo", "127.0.0.1", "255.0.0.0"), v4("eth0", "169.254.3.4", "255.255.0.0")];
    assertEquals(served(selectInterfaces(all, { interfaceNames: ["lo", "eth0"] })), [
      "lo",
      "eth0",
    ]);
  });

  await t.step("an interface with several addresses gets one verdict per address", () => {
    const all = [v4("eth0", "192.168.1.20"), v4("eth0", "10.0.0.5")];
    const candidates = selectInterfaces(all, { interfaceNames: ["eth0"] });
    assertEquals(candidates.map((c) => [c.address, c.served]), [
      ["192.168.1.20", true],
      ["10.0.0.5", true],
    ]);
  });

  await t.step("link-local is skipped when another address is served", () => {
    const all = [v4("eth0", "192.168.1.20"), v4("eth1", "169.254.10.20", "255.255.0.0")];
    const candidates = selectInterfaces(all, {});
    assertEquals(served(candidates), ["eth0"]);
    assertEquals(verdictOf(candidates, "eth1").reason, "link-local");
  });

  await t.step("link-local is served when nothing else is", () => {
    const all = [
      v4("lo", "127.0.0.1", "255.0.0.0"),
      v4("docker0", "172.17.0.1", "255.255.0.0"),
      v4("eth0", "169.254.10.20", "255.255.0.0"),
      v4("eth1", "169.254.99.1", "255.255.0.0"),
    ];
    const candidates = selectInterfaces(all, {});
    assertEquals(served(candidates), ["eth0", "eth1"]);
    assertEquals(
      verdictOf(candidates, "eth0").reason,
      "link-local, served because no other address exists",
    );
    // The fallback does not revive loopback or virtual interfaces.
    assertEquals(verdictOf(candidates, "lo").served, false);
    assertEquals(verdictOf(candidates, "docker0").served, false);
  });

  await t.step("a virtual link-local address stays skipped", () => {
    const candidates = selectInterfaces([v4("veth0", "169.254.1.1", "255.255.0.0")], {});
    assertEquals(served(candidates), []);
  });

  await t.step("LAN_IP narrows to that one address", () => {
    const candidates = selectInterfaces(MACHINE, { lanAddress: "172.17.0.1" });
    assertEquals(served(candidates), ["docker0"]);
    assertEquals(verdictOf(candidates, "docker0").reason, "the LAN_IP given");
    assertEquals(verdictOf(candidates, "wlan0").reason, "not the LAN_IP given");
  });

  await t.step("LAN_IP together with -i must agree", () => {
    const agree = selectInterfaces(MACHINE, {
      lanAddress: "192.168.1.20",
      interfaceNames: ["wlan0"],
    });
    assertEquals(served(agree), ["wlan0"]);
    const disagree = selectInterfaces(MACHINE, {
      lanAddress: "192.168.1.20",
      interfaceNames: ["eth0"],
    });
    assertEquals(served(disagree), []);
    assertEquals(verdictOf(disagree, "wlan0").reason, "LAN_IP, but not named with -i");
  });

  await t.step("a link-local LAN_IP is served, and no fallback adds others", () => {
    const all = [
      v4("eth0", "169.254.1.1", "255.255.0.0"),
      v4("eth1", "169.254.2.2", "255.255.0.0"),
    ];
    assertEquals(served(selectInterfaces(all, { lanAddress: "169.254.2.2" })), ["eth1"]);
    assertEquals(served(selectInterfaces(all, { lanAddress: "10.0.0.1" })), []);
  });

  await t.step("a loopback LAN_IP not listed (127.0.0.2) is synthesised on lo", () => {
    const candidates = selectInterfaces(MACHINE, { lanAddress: "127.0.0.2" });
    const synthesised = candidates.filter((c) => c.served);
    assertEquals(synthesised, [{
      name: "lo",
      address: "127.0.0.2",
      netmask: "255.0.0.0",
      served: true,
      reason: "loopback LAN_IP given",
    }]);
  });

  await t.step("a listed loopback LAN_IP (127.0.0.1) is served as listed, not twice", () => {
    const candidates = selectInterfaces(MACHINE, { lanAddress: "127.0.0.1" });
    const servedOnes = candidates.filter((c) => c.served);
    assertEquals(servedOnes.length, 1);
    assertEquals(servedOnes[0].reason, "the LAN_IP given");
  });

  await t.step("no interfaces, no verdicts", () => {
    assertEquals(selectInterfaces([], {}), []);
    assertEquals(selectInterfaces([v6("eth0", "fe80::1")], {}), []);
  });

  await t.step("an IPv4 entry whose address does not parse is left out", () => {
    assertEquals(selectInterfaces([v4("eth0", "not-an-ip")], {}), []);
  });
});

Deno.test("servedAddresses", async (t) => {
  await t.step("only served candidates, with numeric address and netmask", () => {
    const result = servedAddresses(selectInterfaces(MACHINE, {}));
    assertEquals(result, [{
      name: "wlan0",
      address: "192.168.1.20",
      addressValue: ip("192.168.1.20"),
      netmaskValue: ip("255.255.255.0"),
    }]);
  });

  await t.step("a served candidate with an unparseable netmask is dropped", () => {
    const candidates: Candidate[] = [
      { name: "eth0", address: "10.0.0.1", netmask: "", served: true, reason: "x" },
      { name: "eth1", address: "10.0.1.1", netmask: "255.255.255.0", served: true, reason: "x" },
    ];
    assertEquals(servedAddresses(candidates).map((s) => s.name), ["eth1"]);
  });
});

Deno.test("addressFor", async (t) => {
  const two = servedAddresses(selectInterfaces([
    v4("eth0", "192.168.1.20"),
    v4("wlan0", "10.0.0.5", "255.255.0.0"),
  ], {}));

  await t.step("picks the served address whose subnet holds the source", () => {
    assertEquals(addressFor(two, ip("192.168.1.77"))?.name, "eth0");
    assertEquals(addressFor(two, ip("10.0.200.3"))?.name, "wlan0");
    assertEquals(addressFor(two, ip("192.168.1.20"))?.name, "eth0");
  });

  await t.step("undefined for a source on no served subnet", () => {
    assertEquals(addressFor(two, ip("192.168.2.1")), undefined);
    assertEquals(addressFor(two, ip("10.1.0.1")), undefined);
    assertEquals(addressFor(two, ip("127.0.0.1")), undefined);
    assertEquals(addressFor([], ip("192.168.1.77")), undefined);
  });

  await t.step("a loopback source matches a served loopback address", () => {
    const lo = servedAddresses(selectInterfaces(MACHINE, { lanAddress: "127.0.0.2" }));
    assertEquals(addressFor(lo, ip("127.0.0.1"))?.address, "127.0.0.2");
  });
});

Deno.test("diffServed", async (t) => {
  const a: ServedAddress = {
    name: "eth0",
    address: "192.168.1.20",
    addressValue: ip("192.168.1.20"),
    netmaskValue: ip("255.255.255.0"),
  };
  const b: ServedAddress = {
    name: "wlan0",
    address: "10.0.0.5",
    addressValue: ip("10.0.0.5"),
    netmaskValue: ip("255.255.0.0"),
  };

  await t.step("nothing changed", () => {
    assertEquals(diffServed([a, b], [{ ...b }, { ...a }]), { added: [], removed: [] });
    assertEquals(diffServed([], []), { added: [], removed: [] });
  });

  await t.step("added and removed", () => {
    assertEquals(diffServed([a], [b]), { added: [b], removed: [a] });
    assertEquals(diffServed([], [a, b]), { added: [a, b], removed: [] });
    assertEquals(diffServed([a, b], [a]), { added: [], removed: [b] });
  });

  await t.step("a changed netmask or interface name counts as removed and added", () => {
    const remasked = { ...a, netmaskValue: ip("255.255.0.0") };
    assertEquals(diffServed([a], [remasked]), { added: [remasked], removed: [a] });
    const renamed = { ...a, name: "eth1" };
    assertEquals(diffServed([a], [renamed]), { added: [renamed], removed: [a] });
  });
});
