// A port held by a program that does not share it: the helper's one line names that program (on
// Linux, where `ss` shows it) instead of leaving the user to find it.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { freePorts, startHelper } from "../../lab/helper_process.ts";

const LINUX = Deno.build.os === "linux";

/** Whether `ss` runs here: without it the line is the one without a name. */
async function hasSs(): Promise<boolean> {
  try {
    return (await new Deno.Command("ss", { args: ["-V"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

Deno.test("a port in use names the process holding it", async (t) => {
  const named = LINUX && await hasSs();

  await t.step("UDP: the SSDP port held without address reuse", async () => {
    // No reuseAddress: the helper's shared 0.0.0.0 socket cannot be bound beside it. Bound to a port
    // of its own first: a port found free and then bound may be taken between the two by another
    // test running beside this one.
    const held = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const ports = { udp: (held.addr as Deno.NetAddr).port, tcp: freePorts().tcp };
    const helper = await startHelper(["-p", `${ports.udp}`, "-P", `${ports.tcp}`, "127.0.0.1"]);
    const { code, stderr } = await helper.exit().finally(() => held.close());
    assertEquals(code, 1);
    assertMatch(stderr, new RegExp(`UDP port ${ports.udp} is in use by a program that does not`));
    if (named) assert(stderr.includes(`(on it now: deno (pid ${Deno.pid}))`), stderr);
    else console.log(`  (holder not named: ${LINUX ? "no ss here" : "not Linux"})`);
    assertMatch(
      stderr.trim().split("\n").at(-1)!,
      /^ptpip-canon-helper: UDP port .* -p\/--port\.$/,
    );
  });

  await t.step("TCP: the description port", async () => {
    // Held from its first bind, as the UDP port above.
    using held = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const ports = { udp: freePorts().udp, tcp: (held.addr as Deno.NetAddr).port };
    const helper = await startHelper(["-p", `${ports.udp}`, "-P", `${ports.tcp}`, "127.0.0.1"]);
    const { code, stderr } = await helper.exit();
    assertEquals(code, 1);
    assertMatch(stderr, new RegExp(`TCP port ${ports.tcp} on 127\\.0\\.0\\.1 is already in use`));
    assertMatch(stderr, /-P\/--desc-port/);
    assert(!/^\s+at /m.test(stderr), `no stack trace: ${stderr}`);
    if (named) assert(stderr.includes(`in use by deno (pid ${Deno.pid})`), stderr);
  });
});
