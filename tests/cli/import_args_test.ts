// `import [CAMERA_IP] [--to DIR]`: what parses, and what each mistake says.

import { assertEquals, assertMatch } from "../support/assert.ts";
import { parsed, usageError } from "../support/cli.ts";

const importCommand = (args: string[]) => parsed(args, "import");

Deno.test("import: the command line", async (t) => {
  await t.step("no address, no folder: both left to the command", () => {
    const command = importCommand(["import"]);
    assertEquals(command.camera, undefined);
    assertEquals(command.to, undefined);
    assertEquals(command.config.verbosity, "normal");
    assertEquals(command.config.logFormat, "text");
    assertEquals(command.config.ssdpPort, 1900);
  });

  await t.step("CAMERA_IP and --to, in any order, with -v, -q and --log-format json", () => {
    const a = importCommand(["import", "192.168.1.23", "--to", "/photos"]);
    assertEquals([a.camera, a.to], ["192.168.1.23", "/photos"]);
    const b = importCommand(["--to=/photos", "-q", "import", "192.168.1.23"]);
    assertEquals([b.camera, b.to, b.config.verbosity], ["192.168.1.23", "/photos", "quiet"]);
    const c = importCommand(["import", "-v", "--log-format", "json"]);
    assertEquals([c.config.verbosity, c.config.logFormat], ["verbose", "json"]);
  });

  await t.step("--uuid, --uuid-file, -i and -p apply: the GUID and the search", () => {
    const command = importCommand(
      ["import", "--uuid-file", "/u", "-i", "wlan0", "-p", "1901"],
    );
    assertEquals(command.config.uuidFile, "/u");
    assertEquals(command.config.interfaceNames, ["wlan0"]);
    assertEquals(command.config.ssdpPort, 1901);
  });

  await t.step("a CAMERA_IP that is no IPv4 address names the argument", () => {
    assertMatch(
      usageError(["import", "camera.local"]),
      /^CAMERA_IP "camera\.local" is not an IPv4/,
    );
    assertMatch(usageError(["import", "192.168.1.300"]), /^CAMERA_IP "192\.168\.1\.300"/);
    assertMatch(usageError(["import", "fe80::1"]), /^CAMERA_IP "fe80::1" is not an IPv4/);
    assertMatch(usageError(["import", "camera.local"]), /Leave it out to find the camera/);
  });

  await t.step("a CAMERA_IP that reaches many hosts is refused, saying which", () => {
    assertMatch(usageError(["import", "255.255.255.255"]), /is the broadcast address/);
    assertMatch(usageError(["import", "239.255.255.250"]), /is a multicast address/);
    assertMatch(usageError(["import", "0.0.0.0"]), /is the unspecified address/);
  });

  await t.step("two addresses are one too many, named as CAMERA_IP", () => {
    assertMatch(
      usageError(["import", "10.0.0.2", "10.0.0.3"]),
      /^expected at most one CAMERA_IP, got "10\.0\.0\.2" "10\.0\.0\.3"/,
    );
  });

  await t.step("an empty --to is refused; a missing value too", () => {
    assertMatch(usageError(["import", "--to", ""]), /^--to needs a folder/);
    assertMatch(usageError(["import", "--to=  "]), /^--to needs a folder/);
    assertMatch(usageError(["import", "--to"]), /^--to needs a value/);
  });

  await t.step("--to given to another command does not apply, with an example", () => {
    const message = usageError(["--to", "/photos"]);
    assertMatch(message, /^--to does not apply to "serve": it goes with "import"/);
    assertMatch(message, /as in: ptpip-canon-helper import 192\.168\.1\.23 --to /);
    assertMatch(usageError(["probe", "--to", "/p"]), /--to does not apply to "probe"/);
  });

  await t.step("serve's options do not apply to import", () => {
    assertMatch(usageError(["import", "-n", "Studio"]), /-n\/--name does not apply to "import"/);
    assertMatch(usageError(["import", "--eos"]), /--eos does not apply to "import"/);
  });

  await t.step("a typo of import gets a hint", () => {
    assertMatch(usageError(["improt"]), /Did you mean import\?/);
  });
});
