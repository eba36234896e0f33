// NetworkFollower with fake sockets: what it joins, listens on and drops as the interfaces change.

import { assert, assertEquals } from "../support/assert.ts";
import type { ServedAddress } from "../../lib/network/interfaces.ts";
import { parseIpv4 } from "../../lib/network/ipv4.ts";
import { NetworkFollower } from "../../lib/network/follower.ts";
import type { ServeEvent } from "../../lib/events.ts";

function served(name: string, address: string, netmask = "255.255.255.0"): ServedAddress {
  return { name, address, addressValue: parseIpv4(address)!, netmaskValue: parseIpv4(netmask)! };
}

function world(options: { failJoin?: string; failListen?: string; bindAll?: boolean } = {}) {
  const calls: string[] = [];
  const events: ServeEvent[] = [];
  /** Addresses whose membership the system dropped (an interface deleted and re-created). */
  const lost = new Set<string>();
  const changes: string[][] = [];
  let current: ServedAddress[] = [];
  let selects = 0;
  const follower = new NetworkFollower({
    select: () => {
      selects++;
      return current;
    },
    memberships: {
      join: (a) => {
        calls.push(`join ${a}`);
        return a === options.failJoin
          ? Promise.reject(new Error("no multicast"))
          : Promise.resolve();
      },
      leave: (a) => {
        calls.push(`leave ${a}`);
        return Promise.resolve();
      },
      reassert: (a) => Promise.resolve(lost.delete(a)),
    },
    server: {
      listen: (a) => {
        calls.push(`listen ${a}`);
        if (a === options.failListen) throw new Error("port in use");
      },
      unlisten: (a) => void calls.push(`unlisten ${a}`),
    },
    bindAll: options.bindAll ?? false,
    ssdpPort: 1900,
    locationOf: (address) => `http://${address}:8043/d.xml`,
    emit: (e) => void events.push(e),
    onChange: (s) => {
      changes.push(s.map((x) => x.address));
      return Promise.resolve();
    },
  });
  return {
    follower,
    calls,
    events,
    lost,
    changes,
    set: (list: ServedAddress[]) => (current = list),
    selects: () => selects,
  };
}

Deno.test("NetworkFollower", async (t) => {
  await t.step("serves what is there at start: listener and group on each address", async () => {
    const w = world();
    w.set([served("eth0", "192.168.1.20"), served("wlan0", "10.0.0.5")]);
    await w.follower.start(0);
    assertEquals(w.calls, [
      "listen 192.168.1.20",
      "join 192.168.1.20",
      "listen 10.0.0.5",
      "join 10.0.0.5",
    ]);
    assertEquals(w.changes, [["192.168.1.20", "10.0.0.5"]]);
  });

  await t.step(
    "a changed address is dropped and the new one served on the next rescan",
    async () => {
      const w = world();
      w.set([served("eth0", "192.168.1.20")]);
      await w.follower.start(0);
      w.calls.length = 0;
      w.set([served("eth0", "192.168.2.20")]);
      w.follower.rescan();
      await w.follower.stop();
      assertEquals(w.calls, [
        "leave 192.168.1.20",
        "unlisten 192.168.1.20",
        "listen 192.168.2.20",
        "join 192.168.2.20",
      ]);
      assertEquals(w.follower.served.map((s) => s.address), ["192.168.2.20"]);
    },
  );

  await t.step("nothing changed, nothing done", async () => {
    const w = world();
    w.set([served("eth0", "192.168.1.20")]);
    await w.follower.start(0);
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.changes.length, 1);
  });

  await t.step("an address whose group cannot be joined is still served for unicast", async () => {
    const w = world({ failJoin: "127.0.0.1" });
    w.set([served("lo", "127.0.0.1", "255.0.0.0")]);
    await w.follower.start(0);
    assertEquals(w.follower.served.map((s) => s.address), ["127.0.0.1"]);
    assert(w.calls.includes("leave 127.0.0.1"), "the half-made membership is undone");
  });

  await t.step("a description port that cannot be opened is fatal at start", async () => {
    const w = world({ failListen: "192.168.1.20" });
    w.set([served("eth0", "192.168.1.20")]);
    let failed = false;
    await w.follower.start(0).catch(() => (failed = true));
    assert(failed);
  });

  await t.step("later, it is skipped and retried at the next rescan", async () => {
    const w = world({ failListen: "10.0.0.5" });
    w.set([served("eth0", "192.168.1.20")]);
    await w.follower.start(0);
    w.set([served("eth0", "192.168.1.20"), served("wlan0", "10.0.0.5")]);
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.follower.served.map((s) => s.address), ["192.168.1.20"]);
    w.calls.length = 0;
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.calls, ["listen 10.0.0.5"], "tried again");
  });

  await t.step("with --bind-all the description listener is not moved per address", async () => {
    const w = world({ bindAll: true });
    w.set([served("eth0", "192.168.1.20")]);
    await w.follower.start(0);
    assertEquals(w.calls, ["join 192.168.1.20"]);
  });

  await t.step("a burst of rescan requests reads the interfaces at most twice", async () => {
    const w = world();
    await w.follower.start(0);
    const before = w.selects();
    for (let i = 0; i < 50; i++) w.follower.rescan();
    await w.follower.stop();
    assert(w.selects() - before <= 2, `${w.selects() - before} reads`);
  });

  await t.step("nothing to serve at start is said, and so is serving again", async () => {
    const w = world();
    await w.follower.start(0);
    assertEquals(w.events.map((e) => e.event), ["no-interface"]);
    w.set([served("eth0", "192.168.1.20")]);
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.events.map((e) => e.event), [
      "no-interface",
      "interface-added",
      "serving-again",
    ]);
  });

  await t.step("a membership lost to a re-created interface is joined again", async () => {
    const w = world();
    w.set([served("eth0", "192.168.1.20")]);
    await w.follower.start(0);
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.events.filter((e) => e.event === "interface-rejoined"), []);
    w.lost.add("192.168.1.20");
    w.follower.rescan();
    await w.follower.stop();
    assertEquals(w.events.filter((e) => e.event === "interface-rejoined"), [
      { event: "interface-rejoined", iface: "eth0", address: "192.168.1.20" },
    ]);
  });
});
