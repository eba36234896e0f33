// The command line's syntax as parseArgs (strict) read it: long and short forms, groups, "--",
// and each way a line can be wrong, as a value naming the option.

import { assertEquals } from "../support/assert.ts";
import { splitArgs } from "../../lib/cli/args.ts";

Deno.test("splitArgs reads every form an option can be written in", async (t) => {
  await t.step("long options: --name value, --name=value, flags, a value starting with -", () => {
    assertEquals(splitArgs(["--name", "Studio", "--port=1901", "--announce", "--name=-x"]), {
      ok: true,
      value: {
        values: { name: "-x", port: "1901", announce: true },
        positionals: [],
        beforeTerminator: 0,
      },
    });
  });

  await t.step("short options: -n value, -nvalue, -n=value, grouped flags, a value last", () => {
    const split = splitArgs(["-n", "A", "-pv1901", "-vq", "-f=x.xml", "-aP", "8044"]);
    assertEquals(split.ok && split.value.values, {
      name: "A",
      port: "v1901",
      verbose: true,
      quiet: true,
      "file-path": "x.xml",
      "bind-all": true,
      "desc-port": "8044",
    });
  });

  await t.step("lists collect, other options keep the last value", () => {
    const split = splitArgs(["-i", "eth0", "--iface=wlan0", "-n", "A", "-n", "B"]);
    assertEquals(split.ok && split.value.values, { iface: ["eth0", "wlan0"], name: "B" });
  });

  await t.step("positionals anywhere; after -- everything is one, options too", () => {
    const split = splitArgs(["10.0.0.1", "-q", "--", "prog", "-q", "--", "x"]);
    assertEquals(split.ok && split.value, {
      values: { quiet: true },
      positionals: ["10.0.0.1", "prog", "-q", "--", "x"],
      beforeTerminator: 1,
    });
    const lone = splitArgs(["-"]);
    assertEquals(lone.ok && lone.value.positionals, ["-"]);
  });
});

Deno.test("splitArgs says what is wrong, naming the option", () => {
  assertEquals(splitArgs(["--nmae", "x"]), {
    ok: false,
    error: { kind: "unknown", flag: "--nmae" },
  });
  assertEquals(splitArgs(["-x"]), { ok: false, error: { kind: "unknown", flag: "-x" } });
  assertEquals(splitArgs(["-vx"]), { ok: false, error: { kind: "unknown", flag: "-x" } });
  assertEquals(splitArgs(["--toString"]), {
    ok: false,
    error: { kind: "unknown", flag: "--toString" },
  });
  assertEquals(splitArgs(["--name"]), {
    ok: false,
    error: { kind: "missing-value", name: "name" },
  });
  assertEquals(splitArgs(["-n"]), { ok: false, error: { kind: "missing-value", name: "name" } });
  assertEquals(splitArgs(["--name", "-q"]), {
    ok: false,
    error: { kind: "dash-value", name: "name", value: "-q" },
  });
  assertEquals(splitArgs(["--announce=yes"]), {
    ok: false,
    error: { kind: "unexpected-value", name: "announce" },
  });
});
