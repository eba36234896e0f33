import { assertEquals } from "../support/assert.ts";
import {
  interfaceList,
  MAX_LISTED,
  missingInterfaces,
  missingInterfacesText,
} from "../../lib/network/missing_interfaces.ts";
import type { InterfaceAddress } from "../../lib/network/interfaces.ts";

const v4 = (name: string, address: string): InterfaceAddress => ({
  name,
  family: "IPv4",
  address,
  netmask: "255.255.255.0",
});
const v6 = (name: string, address: string): InterfaceAddress => ({
  name,
  family: "IPv6",
  address,
  netmask: "ffff:ffff:ffff:ffff::",
});

// A laptop whose Wi-Fi is not connected: wlp2s0 has only its IPv6 link-local address.
const LAPTOP = [
  v4("lo", "127.0.0.1"),
  v6("lo", "::1"),
  v4("eth0", "192.168.1.20"),
  v4("eth0", "192.168.7.1"),
  v6("wlp2s0", "fe80::1"),
];

Deno.test("-i names that cannot be served", async (t) => {
  await t.step("a name no interface has is absent; one with IPv6 only has no IPv4", () => {
    assertEquals(missingInterfaces(LAPTOP, ["eth0", "nosuch", "wlp2s0", "nosuch"]), [
      { name: "nosuch", why: "absent" },
      { name: "wlp2s0", why: "no-ipv4" },
    ]);
    assertEquals(missingInterfaces(LAPTOP, ["lo", "eth0"]), []);
    assertEquals(missingInterfaces(LAPTOP, []), []);
  });

  await t.step("the words say which, and list every interface with its first IPv4 address", () => {
    assertEquals(
      missingInterfacesText(missingInterfaces(LAPTOP, ["nosuch", "wlp2s0"])),
      "there is no interface named nosuch; wlp2s0 has no IPv4 address (is it connected to the " +
        "camera's network?)",
    );
    assertEquals(interfaceList(LAPTOP), "lo 127.0.0.1, eth0 192.168.1.20, wlp2s0 without IPv4");
    assertEquals(interfaceList([]), "none");
  });

  await t.step("a name from the command line cannot write control characters", () => {
    const text = missingInterfacesText([{ name: "x\x1b[2J\x9b1m", why: "absent" }]);
    assertEquals(text, 'there is no interface named "x\\u001b[2J\\u009b1m"');
  });

  await t.step("a host with many interfaces gets the first ones and a count", () => {
    const many = Array.from({ length: MAX_LISTED + 30 }, (_, i) => v4(`veth${i}`, `10.0.${i}.1`));
    const list = interfaceList(many);
    assertEquals(list.split(", ").length, MAX_LISTED);
    assertEquals(list.endsWith("veth11 10.0.11.1 and 30 more"), true);
  });
});
