// The command line of issue 5: --on-camera/--exec with its program after "--", --probe-ptpip, and the
// doctor and probe commands with their arguments.

import { assertEquals, assertMatch } from "../support/assert.ts";
import { parsed, usageError } from "../support/cli.ts";

Deno.test("--on-camera takes everything after -- as the program, verbatim", async (t) => {
  await t.step("program and arguments, placeholders kept for the runner", () => {
    const { config } = parsed(
      ["--on-camera", "--", "gphoto2", "--port", "ptpip:{ip}", "--summary"],
      "serve",
    );
    assertEquals(config.onCamera, ["gphoto2", "--port", "ptpip:{ip}", "--summary"]);
    assertEquals(config.lanAddress, undefined);
  });

  await t.step("LAN_IP and options go before --; a later -- belongs to the program", () => {
    const { config } = parsed(
      ["10.0.0.1", "-p", "5000", "--on-camera", "-v", "--", "prog", "-p", "x", "--", "10.0.0.9"],
      "serve",
    );
    assertEquals(config.lanAddress, "10.0.0.1");
    assertEquals(config.ssdpPort, 5000);
    assertEquals(config.verbosity, "verbose");
    assertEquals(config.onCamera, ["prog", "-p", "x", "--", "10.0.0.9"]);
  });

  await t.step("--exec is the same flag; the program may be named like a subcommand", () => {
    assertEquals(parsed(["--exec", "--", "probe"], "serve").config.onCamera, ["probe"]);
  });

  await t.step("without --on-camera, -- still ends the options before LAN_IP", () => {
    const { config } = parsed(["--", "10.0.0.1"], "serve");
    assertEquals(config.lanAddress, "10.0.0.1");
    assertEquals(config.onCamera, undefined);
  });

  await t.step("no program is a usage error showing the syntax", () => {
    for (
      const args of [
        ["--on-camera"],
        ["--on-camera", "--"],
        ["--on-camera", "--", ""],
        ["--on-camera", "myscript.sh"],
        ["--on-camera", "gphoto2", "--summary"],
      ]
    ) {
      assertMatch(
        usageError(args),
        /--on-camera needs the program to run after "--", as in: ptpip-canon-helper --on-camera -- gphoto2 --port ptpip:\{ip\} --summary/,
        args.join(" "),
      );
    }
  });

  await t.step("--on-camera=PROGRAM is refused with the syntax", () => {
    assertMatch(usageError(["--on-camera=gphoto2"]), /--on-camera takes the program after "--"/);
    assertMatch(usageError(["--exec=x"]), /--exec takes the program after "--"/);
  });

  await t.step("only serving runs programs", () => {
    assertMatch(
      usageError(["doctor", "--on-camera", "--", "x"]),
      /--on-camera does not apply to "doctor": it goes with "serve"/,
    );
    assertMatch(usageError(["probe", "--exec", "--", "x"]), /--exec does not apply to "probe"/);
  });
});

Deno.test("--probe-ptpip is off by default and only for serving", () => {
  assertEquals(parsed([], "serve").config.probePtpip, false);
  assertEquals(parsed(["--probe-ptpip"], "serve").config.probePtpip, true);
  assertMatch(
    usageError(["uuid", "--probe-ptpip"]),
    /--probe-ptpip does not apply to "uuid": it goes with "serve"/,
  );
});

Deno.test("doctor takes the serve options and an optional LAN_IP", () => {
  const { config } = parsed(["doctor", "10.1.2.3", "-P", "9000", "-p", "19000"], "doctor");
  assertEquals(config.lanAddress, "10.1.2.3");
  assertEquals(config.descPort, 9000);
  assertEquals(config.ssdpPort, 19000);
  assertMatch(usageError(["doctor", "nas.local"]), /LAN_IP "nas\.local" is not an IPv4 address/);
});

Deno.test("probe takes HOST[:PORT] and --timeout", async (t) => {
  await t.step("no HOST: multicast, with the default window", () => {
    const command = parsed(["probe"], "probe");
    assertEquals(command.target, undefined);
    assertEquals(command.timeoutSeconds, 3);
  });

  await t.step("HOST alone uses the SSDP port, -p included", () => {
    assertEquals(parsed(["probe", "10.0.0.1"], "probe").target, {
      hostname: "10.0.0.1",
      port: 1900,
    });
    assertEquals(parsed(["probe", "-p", "5000", "10.0.0.1"], "probe").target?.port, 5000);
    assertEquals(parsed(["probe", "127.0.0.1:19000"], "probe").target, {
      hostname: "127.0.0.1",
      port: 19000,
    });
  });

  await t.step("--timeout in whole seconds from 1 to 60", () => {
    assertEquals(parsed(["probe", "--timeout", "10"], "probe").timeoutSeconds, 10);
    assertMatch(usageError(["probe", "--timeout", "0"]), /--timeout must be a whole number from 1/);
    assertMatch(
      usageError(["--timeout", "5"]),
      /--timeout does not apply to "serve": it goes with "probe"/,
    );
  });

  await t.step("a bad HOST names itself and the expected form", () => {
    assertMatch(usageError(["probe", "camera.local"]), /probe HOST must be an IPv4 address/);
    assertMatch(usageError(["probe", "10.0.0.1:70000"]), /HOST:PORT must be a whole number/);
    assertMatch(usageError(["probe", "10.0.0.1", "10.0.0.2"]), /expected at most one HOST/);
  });
});

Deno.test("the EOS flow and the camera rule are opt-in flags of serve", () => {
  const defaults = parsed([], "serve").config;
  assertEquals([defaults.eos, defaults.onCameraAny], [false, false]);
  const on = parsed(["--eos", "--on-camera-any"], "serve").config;
  assertEquals([on.eos, on.onCameraAny], [true, true]);
  assertMatch(usageError(["doctor", "--eos"]), /--eos does not apply to "doctor"/);
});

Deno.test("gphoto2-guid: --write and --settings-file, with the UUID options", async (t) => {
  await t.step("prints by default; --write and a settings file when asked", () => {
    const plain = parsed(["gphoto2-guid"], "gphoto2-guid");
    assertEquals([plain.write, plain.settingsPath], [false, undefined]);
    const written = parsed(
      ["gphoto2-guid", "--write", "--settings-file", "/tmp/s", "--uuid-file", "/tmp/u"],
      "gphoto2-guid",
    );
    assertEquals([written.write, written.settingsPath], [true, "/tmp/s"]);
    assertEquals(written.config.uuidFile, "/tmp/u");
  });

  await t.step("a settings file without --write, an empty one, an address: usage errors", () => {
    assertMatch(usageError(["gphoto2-guid", "--settings-file", "s"]), /add --write/);
    assertMatch(usageError(["gphoto2-guid", "--write", "--settings-file", " "]), /needs a path/);
    assertMatch(usageError(["gphoto2-guid", "10.0.0.1"]), /"gphoto2-guid" takes no address/);
    assertMatch(usageError(["--write"]), /--write does not apply to "serve"/);
  });

  await t.step("a near miss of the command name is suggested", () => {
    assertMatch(usageError(["gphoto2-gui"]), /Did you mean gphoto2-guid\?/);
  });
});
