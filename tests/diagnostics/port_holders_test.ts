import { assert, assertEquals } from "../support/assert.ts";
import { formatOwners, holdersPhrase, parseSsOutput } from "../../lib/diagnostics/port_holders.ts";

Deno.test("port holders", async (t) => {
  await t.step("ss output: owners each once, sockets without one counted", () => {
    const found = parseSsOutput(
      'UNCONN 0 0 0.0.0.0:1900 0.0.0.0:* users:(("minidlnad",pid=812,fd=5))\n' +
        'UNCONN 0 0 0.0.0.0:1900 0.0.0.0:* users:(("minidlnad",pid=812,fd=6))\n' +
        "UNCONN 0 0 0.0.0.0:1900 0.0.0.0:*\n",
    );
    assertEquals(found, { sockets: 3, owners: [{ pid: 812, name: "minidlnad" }], hidden: 1 });
    assertEquals(formatOwners(found.owners), "minidlnad (pid 812)");
  });

  await t.step("only Linux is asked", async () => {
    assertEquals(await holdersPhrase(1900, "udp", "darwin"), undefined);
    assertEquals(await holdersPhrase(1900, "udp", "windows"), undefined);
  });

  await t.step({
    name: "a socket of this process on 127.0.0.1 is named, within the deadline",
    ignore: Deno.build.os !== "linux",
    fn: async () => {
      const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
      try {
        const port = (socket.addr as Deno.NetAddr).port;
        const phrase = await holdersPhrase(port, "udp", "linux", 2000);
        // Without ss (a minimal container) there is nothing to name, and nothing is made up.
        if (phrase !== undefined) assert(phrase.includes(`(pid ${Deno.pid})`), phrase);
      } finally {
        socket.close();
      }
    },
  });
});
