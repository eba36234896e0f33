// The SSDP socket's group memberships, on a scripted socket: one join per address, an interface
// that is a member already counts as joined, a re-join says whether the membership had been lost,
// and leaving ignores an interface that is gone. Opening the socket on a port held without sharing
// is a SocketError naming it (the open itself is exercised by serve's and the lab's tests).

import { assert, assertEquals, assertRejects, assertThrows } from "../support/assert.ts";
import { Memberships, openSsdpSocket, type SsdpSocket } from "../../lib/ssdp/socket.ts";
import { SocketError } from "../../lib/errors.ts";

/**
 * A socket whose joins follow `outcomes` per address (an error, or `undefined` for a success; then
 * success), recording every call.
 */
function scripted(outcomes: Record<string, (Error | undefined)[]> = {}) {
  const calls: string[] = [];
  const socket = {
    joinMulticastV4: (group: string, address: string) => {
      calls.push(`join ${group} ${address}`);
      const failure = outcomes[address]?.shift();
      if (failure) return Promise.reject(failure);
      return Promise.resolve({
        leave: () => {
          calls.push(`leave ${address}`);
          return address === "10.0.0.9" ? Promise.reject(new Error("gone")) : Promise.resolve();
        },
        setLoopback: () => Promise.resolve(),
        setTTL: () => Promise.resolve(),
      });
    },
  };
  return { calls, socket: socket as unknown as SsdpSocket };
}

Deno.test("join joins the group once per address; a membership in place counts as joined", async () => {
  const { calls, socket } = scripted({ "10.0.0.2": [new Deno.errors.AddrInUse("in use")] });
  const memberships = new Memberships(socket);
  await memberships.join("10.0.0.1");
  await memberships.join("10.0.0.1");
  await memberships.join("10.0.0.2");
  assertEquals(memberships.addresses, ["10.0.0.1", "10.0.0.2"]);
  assertEquals(calls, ["join 239.255.255.250 10.0.0.1", "join 239.255.255.250 10.0.0.2"]);
});

Deno.test("join throws the system's other errors and does not count the address", async () => {
  const { socket } = scripted({
    "10.0.0.3": [new Deno.errors.AddrNotAvailable("no such address")],
  });
  const memberships = new Memberships(socket);
  const error = await assertRejects(memberships.join("10.0.0.3"));
  assert(error instanceof Deno.errors.AddrNotAvailable);
  assertEquals(memberships.addresses, []);
});

Deno.test("reassert: a refused re-join lost nothing, a successful one had been lost; unknown addresses are not joined", async () => {
  const { calls, socket } = scripted({
    "10.0.0.1": [new Deno.errors.AddrInUse("in place")],
    "10.0.0.4": [undefined, new Error("no interface")],
  });
  const memberships = new Memberships(socket);
  assertEquals(await memberships.reassert("10.0.0.1"), false, "not joined: nothing to reassert");
  assertEquals(calls, []);
  await memberships.join("10.0.0.1"); // takes the AddrInUse: counted as joined
  assertEquals(await memberships.reassert("10.0.0.1"), true, "the system took it: it was lost");
  await memberships.join("10.0.0.4");
  await memberships.join("10.0.0.5");
  const failure = await assertRejects(memberships.reassert("10.0.0.4"));
  assert(failure instanceof Error);
  assertEquals(failure.message, "no interface");
});

Deno.test("leave drops the membership, even when the interface is gone", async () => {
  const { calls, socket } = scripted({ "10.0.0.2": [new Deno.errors.AddrInUse("in use")] });
  const memberships = new Memberships(socket);
  for (const address of ["10.0.0.1", "10.0.0.2", "10.0.0.9"]) await memberships.join(address);
  calls.length = 0;
  await memberships.leave("10.0.0.9");
  await memberships.leave("10.0.0.2"); // joined through a membership in place: nothing to leave
  await memberships.leave("10.0.0.1");
  await memberships.leave("10.0.0.7");
  assertEquals(calls, ["leave 10.0.0.9", "leave 10.0.0.1"]);
  assertEquals(memberships.addresses, []);
});

Deno.test({
  name: "openSsdpSocket on a port held without sharing is a SocketError naming it",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    // Held on 127.0.0.1 without reuse: binding 0.0.0.0 on that port is refused, and nothing opens.
    const holder = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const port = (holder.addr as Deno.NetAddr).port;
    try {
      const error = assertThrows(() => openSsdpSocket(port), SocketError);
      assertEquals([error.transport, error.host, error.port], ["udp", "0.0.0.0", port]);
      assertEquals(error.problem, "in-use");
    } finally {
      holder.close();
    }
  },
});
