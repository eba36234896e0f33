// Infrastructure throws facts; the user's wording, flags included, comes from one place.

import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { forUser, HelperError, SocketError, userMessage } from "../lib/errors.ts";
import { err, ok, type Result } from "../lib/util/result.ts";

Deno.test("socket errors carry facts and are worded at the edge", async (t) => {
  await t.step("a taken TCP port names the port, host and -P/--desc-port", () => {
    const error = SocketError.from("tcp", "10.0.0.2", 8043, new Deno.errors.AddrInUse("x"));
    assertEquals([error.transport, error.host, error.port, error.problem], [
      "tcp",
      "10.0.0.2",
      8043,
      "in-use",
    ]);
    assertMatch(
      userMessage(error),
      /^TCP port 8043 on 10\.0\.0\.2 is already in use.*-P\/--desc-port/,
    );
    assert(!error.message.includes("--"), "the domain error itself names no flag");
  });

  await t.step("a taken UDP port names -p/--port", () => {
    const error = SocketError.from("udp", "0.0.0.0", 1900, new Deno.errors.AddrInUse("x"));
    assertMatch(userMessage(error), /^UDP port 1900 is in use by a program.*-p\/--port/);
  });

  await t.step("the processes on a port in use are named when the edge found them", () => {
    const udp = SocketError.from("udp", "0.0.0.0", 1900, new Deno.errors.AddrInUse("x"));
    assertEquals(
      userMessage(udp, "minidlnad (pid 812)"),
      "UDP port 1900 is in use by a program that does not share it (on it now: minidlnad " +
        "(pid 812)). Stop that program, or test with another port using -p/--port.",
    );
    const tcp = SocketError.from("tcp", "10.0.0.2", 8043, new Deno.errors.AddrInUse("x"));
    assertEquals(
      userMessage(tcp, "deno (pid 4242)"),
      "TCP port 8043 on 10.0.0.2 is already in use by deno (pid 4242). Stop that program, or " +
        "choose another port with -P/--desc-port.",
    );
  });

  await t.step("forUser turns it into a HelperError and leaves others alone", () => {
    const user = forUser(SocketError.from("tcp", "h", 1, new Deno.errors.NotCapable("x")));
    assert(user instanceof HelperError);
    assertMatch(user.message, /--allow-net/);
    assert((user as HelperError).cause instanceof SocketError, "the facts stay with the words");
    const other = new Error("boom");
    assertEquals(forUser(other), other);
    const inUse = SocketError.from("udp", "0.0.0.0", 1900, new Deno.errors.AddrInUse("x"));
    assertEquals(
      (forUser(inUse, "minidlnad (pid 812)") as HelperError).message,
      userMessage(inUse, "minidlnad (pid 812)"),
      "the holders the edge found are in its one wording",
    );
  });

  await t.step("Result has the agreed shape", () => {
    const good: Result<number> = ok(1);
    const bad: Result<number> = err("why");
    assertEquals(good, { ok: true, value: 1 });
    assertEquals(bad, { ok: false, error: "why" });
  });
});
