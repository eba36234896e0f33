// The firewall advice per OS from made-up facts (ufw's rules read, firewalld, bare nftables or
// iptables, macOS's application firewall, Windows), and the facts of this machine's kind.

import {
  firewallAdvice,
  firewallFacts,
  type LinuxFirewall,
  ufwAllows,
} from "../../lib/diagnostics/firewall.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { err, ok } from "../../lib/util/result.ts";

const PORTS = { ssdp: 1900, desc: 8043 };

Deno.test("firewall advice per OS", async (t) => {
  const linux = (over: Partial<LinuxFirewall>): LinuxFirewall => ({
    os: "linux",
    nftables: false,
    iptables: false,
    ...over,
  });

  await t.step("nothing found on Linux passes", () => {
    assertEquals(firewallAdvice(linux({}), PORTS, "/x").map((a) => a.grade), ["pass"]);
  });

  await t.step("ufw active without the rules fails with the missing commands only", () => {
    const rules = "### tuple ### allow udp 1900 0.0.0.0/0 any 0.0.0.0/0 in\n" +
      "-A ufw-user-input -p udp --dport 1900 -j ACCEPT\n";
    assert(ufwAllows(rules, "udp", 1900));
    assert(!ufwAllows(rules, "tcp", 8043));
    assert(!ufwAllows(rules, "udp", 19000));
    const [advice] = firewallAdvice(linux({ ufw: { enabled: true, rules } }), PORTS, "/x");
    assertEquals(advice.grade, "fail");
    assertEquals(advice.commands, ["sudo ufw allow 8043/tcp"]);
  });

  await t.step(
    "ufw with both rules passes; unreadable rules warn; inactive ufw is no firewall",
    () => {
      const rules = "-A ufw-user-input -p udp --dport 1900 -j ACCEPT\n" +
        "-A ufw-user-input -p tcp --dport 8043 -j ACCEPT\n";
      assertEquals(
        firewallAdvice(linux({ ufw: { enabled: true, rules } }), PORTS, "/x")[0].grade,
        "pass",
      );
      const unread = firewallAdvice(linux({ ufw: { enabled: true } }), PORTS, "/x")[0];
      assertEquals(unread.grade, "warn");
      assertEquals(unread.commands, ["sudo ufw allow 1900/udp", "sudo ufw allow 8043/tcp"]);
      assertEquals(
        firewallAdvice(linux({ ufw: { enabled: false } }), PORTS, "/x")[0].grade,
        "pass",
      );
    },
  );

  await t.step("firewalld running warns with its commands, on the ports given", () => {
    const [advice] = firewallAdvice(
      linux({ firewalld: { running: true }, nftables: true }),
      { ssdp: 19000, desc: 9000 },
      "/x",
    );
    assertEquals(advice.grade, "warn");
    assertEquals(advice.commands, [
      "sudo firewall-cmd --permanent --add-port=19000/udp --add-port=9000/tcp",
      "sudo firewall-cmd --reload",
    ]);
  });

  await t.step("bare nftables or iptables cannot be checked; their commands are given", () => {
    const advice = firewallAdvice(linux({ nftables: true, iptables: true }), PORTS, "/x");
    assertEquals(advice.map((a) => a.grade), ["unknown", "unknown"]);
    assertEquals(
      advice[0].commands[0],
      "sudo nft add rule inet filter input udp dport 1900 accept",
    );
    assertEquals(advice[1].commands[1], "sudo iptables -I INPUT -p tcp --dport 8043 -j ACCEPT");
  });

  await t.step("macOS: on warns with the binary to allow; unknown says why", () => {
    const [on] = firewallAdvice({ os: "darwin", enabled: ok(true) }, PORTS, "/usr/local/bin/pch");
    assertEquals(on.grade, "warn");
    assertEquals(on.commands, [
      "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --add /usr/local/bin/pch",
      "sudo /usr/libexec/ApplicationFirewall/socketfilterfw --unblockapp /usr/local/bin/pch",
    ]);
    assertEquals(
      firewallAdvice({ os: "darwin", enabled: ok(false) }, PORTS, "/b")[0].grade,
      "pass",
    );
    const unknown = firewallAdvice({ os: "darwin", enabled: err("denied") }, PORTS, "/b");
    assertMatch(unknown[0].summary, /could not be read: denied/);
  });

  await t.step("Windows: the netsh rules for both ports", () => {
    const [advice] = firewallAdvice({ os: "windows" }, PORTS, "C:\\pch.exe");
    assertEquals(advice.grade, "unknown");
    assertMatch(
      advice.commands[0],
      /^netsh advfirewall firewall add rule .* protocol=UDP localport=1900$/,
    );
    assertMatch(advice.commands[1], /protocol=TCP localport=8043$/);
  });
});

Deno.test("another OS gets no check, only the ports to allow", () => {
  const [advice] = firewallAdvice({ os: "other" }, { ssdp: 19000, desc: 9000 }, "/x");
  assertEquals(advice.grade, "unknown");
  assertEquals(advice.commands, []);
  assertMatch(advice.summary, /UDP 19000 and TCP 9000/);
});

Deno.test("firewallFacts: Windows and other systems are named without looking; Linux reads files only", async () => {
  assertEquals(await firewallFacts("windows"), { os: "windows" });
  assertEquals(await firewallFacts("freebsd"), { os: "other" });
  if (Deno.build.os !== "linux") return;
  const linux = await firewallFacts("linux");
  assert(linux.os === "linux");
  assertEquals([typeof linux.nftables, typeof linux.iptables], ["boolean", "boolean"]);
  if (linux.ufw) assertEquals(typeof linux.ufw.enabled, "boolean");
  if (linux.firewalld) assertEquals(typeof linux.firewalld.running, "boolean");
});
