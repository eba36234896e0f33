import {
  assert,
  assertEquals,
  assertMatch,
  assertNotMatch,
  assertThrows,
  fail,
} from "../support/assert.ts";
import {
  type Command,
  lanAddressProblem,
  parseCommandLine,
  parseWholeNumber,
  suggestFlag,
} from "../../lib/cli/parse.ts";
import type { ServeConfig } from "../../lib/commands/serve.ts";
import { EXIT, UsageError } from "../../lib/errors.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

// The serve config of a command line that must parse as `serve`.
function serveConfig(args: string[]): ServeConfig {
  const command = parseCommandLine(args);
  assertEquals(command.kind, "serve", `${args.join(" ")} is a serve command`);
  return (command as Extract<Command, { kind: "serve" }>).config;
}

// The message of the UsageError a command line must raise; also checks the usage exit code.
function usageError(args: string[]): string {
  try {
    parseCommandLine(args);
  } catch (error) {
    assert(error instanceof UsageError, `${args.join(" ")}: ${error}`);
    assertEquals(error.exitCode, EXIT.usage);
    return error.message;
  }
  fail(`${JSON.stringify(args)} was accepted`);
}

Deno.test("parseCommandLine: defaults", () => {
  // Field by field rather than the whole object, so that a new option does not break this test,
  // while every documented default is still pinned.
  const config = serveConfig([]);
  const expected: Partial<ServeConfig> = {
    lanAddress: undefined,
    name: undefined,
    ssdpPort: 1900,
    descPort: 8043,
    descPath: "ptpip-canon-desc-helper.xml",
    maxAge: 900,
    bindAll: false,
    interfaceNames: [],
    uuid: undefined,
    uuidFile: undefined,
    verbosity: "normal",
    logFormat: "text",
    anySource: false,
    mxDelay: false,
    announce: false,
    rescanSeconds: 5,
    limits: { sourceRate: 5, sourceBurst: 10, globalRate: 200, sourceTable: 4096 },
  };
  for (const [key, value] of Object.entries(expected)) {
    assertEquals(config[key as keyof ServeConfig], value, key);
  }
});

Deno.test("parseCommandLine: flags", async (t) => {
  await t.step("LAN_IP positional, with and without the serve subcommand", () => {
    assertEquals(serveConfig(["192.168.1.20"]).lanAddress, "192.168.1.20");
    assertEquals(serveConfig(["serve", "10.0.0.2"]).lanAddress, "10.0.0.2");
    assertEquals(serveConfig(["serve"]).lanAddress, undefined);
  });

  await t.step("string and number flags, short and long", () => {
    const pairs: [string[], Partial<ServeConfig>][] = [
      [["-n", "Studio"], { name: "Studio" }],
      [["--name", "Studio"], { name: "Studio" }],
      [["--name=Studio PC"], { name: "Studio PC" }],
      [["-P", "9000"], { descPort: 9000 }],
      [["--desc-port", "9000"], { descPort: 9000 }],
      [["-p", "1901"], { ssdpPort: 1901 }],
      [["--port", "1901"], { ssdpPort: 1901 }],
      [["--max-age", "1800"], { maxAge: 1800 }],
      [["-f", "d.xml"], { descPath: "d.xml" }],
      [["--file-path", "/sub/d.xml"], { descPath: "sub/d.xml" }],
      [["--uuid", UUID], { uuid: UUID }],
      [["--uuid", ` ${UUID} `], { uuid: UUID }],
      [["--uuid-file", "/tmp/u"], { uuidFile: "/tmp/u" }],
      [["--log-format", "json"], { logFormat: "json" }],
      [["--log-format", "text"], { logFormat: "text" }],
      [["--rescan-interval", "0"], { rescanSeconds: 0 }],
      [["--rescan-interval", "60"], { rescanSeconds: 60 }],
    ];
    for (const [args, expected] of pairs) {
      const config = serveConfig(args);
      for (const [key, value] of Object.entries(expected)) {
        assertEquals(config[key as keyof ServeConfig], value, args.join(" "));
      }
    }
  });

  await t.step("boolean flags, short and long", () => {
    assertEquals(serveConfig(["-a"]).bindAll, true);
    assertEquals(serveConfig(["--bind-all"]).bindAll, true);
    assertEquals(serveConfig(["-v"]).verbosity, "verbose");
    assertEquals(serveConfig(["--verbose"]).verbosity, "verbose");
    assertEquals(serveConfig(["-q"]).verbosity, "quiet");
    assertEquals(serveConfig(["--quiet"]).verbosity, "quiet");
    assertEquals(serveConfig(["--any-source"]).anySource, true);
    assertEquals(serveConfig(["--mx-delay"]).mxDelay, true);
    assertEquals(serveConfig(["--announce"]).announce, true);
  });

  await t.step("rate limits", () => {
    assertEquals(
      serveConfig([
        "--source-rate",
        "0",
        "--source-burst",
        "3",
        "--global-rate",
        "50",
        "--source-table",
        "16",
      ]).limits,
      { sourceRate: 0, sourceBurst: 3, globalRate: 50, sourceTable: 16 },
    );
  });

  await t.step("-i/--iface is repeatable and keeps the order", () => {
    assertEquals(serveConfig(["-i", "eth0"]).interfaceNames, ["eth0"]);
    assertEquals(
      serveConfig(["-i", "eth0", "--iface", "wlan0", "-i", "docker0"]).interfaceNames,
      ["eth0", "wlan0", "docker0"],
    );
  });

  await t.step("flags and LAN_IP in any order", () => {
    const config = serveConfig(["-v", "192.168.1.20", "-n", "Studio"]);
    assertEquals(config.lanAddress, "192.168.1.20");
    assertEquals(config.name, "Studio");
    assertEquals(config.verbosity, "verbose");
  });
});

Deno.test("parseCommandLine: other commands", async (t) => {
  await t.step("--help and --version, short and long, win over the rest", () => {
    assertEquals(parseCommandLine(["--help"]), { kind: "help" });
    assertEquals(parseCommandLine(["-h"]), { kind: "help" });
    assertEquals(parseCommandLine(["--version"]), { kind: "version" });
    assertEquals(parseCommandLine(["-V"]), { kind: "version" });
    assertEquals(parseCommandLine(["-v", "-q", "--help"]), { kind: "help" });
  });

  await t.step(
    "help and version are commands too; help COMMAND and COMMAND --help are its page",
    () => {
      assertEquals(parseCommandLine(["help"]), { kind: "help" });
      assertEquals(parseCommandLine(["version"]), { kind: "version" });
      assertEquals(parseCommandLine(["--", "version"]), { kind: "version" });
      for (const topic of ["serve", "import", "doctor", "interfaces", "probe", "uuid"] as const) {
        assertEquals(parseCommandLine(["help", topic]), { kind: "help", topic });
        assertEquals(parseCommandLine([topic, "--help"]), { kind: "help", topic });
      }
      assertEquals(parseCommandLine(["gphoto2-guid", "-h"]), {
        kind: "help",
        topic: "gphoto2-guid",
      });
      // The help is what someone needs whose line is wrong otherwise.
      assertEquals(parseCommandLine(["probe", "--announce", "--help"]), {
        kind: "help",
        topic: "probe",
      });
      assertEquals(parseCommandLine(["help", "help"]), { kind: "help" });
    },
  );

  await t.step("help of a command that does not exist says so, with the likely one", () => {
    assertEquals(
      usageError(["help", "improt"]),
      'unknown command "improt". Did you mean import? See --help.',
    );
    assertMatch(usageError(["help", "nosuch"]), /^unknown command "nosuch"\. See --help\.$/);
  });

  await t.step("interfaces, and --list-interfaces as its alias", () => {
    const command = parseCommandLine(["interfaces"]);
    assertEquals(command.kind, "interfaces");
    const alias = parseCommandLine(["--list-interfaces", "-i", "eth0", "192.168.1.20"]);
    assertEquals(alias.kind, "interfaces");
    if (alias.kind !== "interfaces") return;
    assertEquals(alias.config.lanAddress, "192.168.1.20");
    assertEquals(alias.config.interfaceNames, ["eth0"]);
  });

  await t.step("uuid with and without --reset --force", () => {
    assertEquals(
      (({ kind, reset, force }) => ({ kind, reset, force }))(
        parseCommandLine(["uuid"]) as Extract<Command, { kind: "uuid" }>,
      ),
      { kind: "uuid", reset: false, force: false },
    );
    const reset = parseCommandLine(["uuid", "--reset", "--force", "--uuid-file", "/tmp/u"]);
    assertEquals(reset.kind, "uuid");
    if (reset.kind !== "uuid") return;
    assertEquals(reset.reset, true);
    assertEquals(reset.force, true);
    assertEquals(reset.config.uuidFile, "/tmp/u");
    const resetOnly = parseCommandLine(["uuid", "--reset"]);
    assert(resetOnly.kind === "uuid" && resetOnly.reset && !resetOnly.force);
  });

  await t.step("uuid takes no address; --reset/--force belong to uuid", () => {
    assertMatch(usageError(["uuid", "192.168.1.20"]), /"uuid" takes no address/);
    assertMatch(usageError(["--reset"]), /--reset does not apply to "serve": it goes with "uuid"/);
    assertMatch(
      usageError(["--force", "serve"]),
      /--force does not apply .* ptpip-canon-helper uuid --reset --force/,
    );
  });
});

Deno.test("parseCommandLine: errors", async (t) => {
  await t.step("bad port values name the flag and the value", () => {
    for (const flag of ["-p", "--port", "-P", "--desc-port"]) {
      for (const value of ["0", "65536", "abc", "12x", "1.5", ""]) {
        const message = usageError([flag, value]);
        const label = flag.toLowerCase().includes("desc") || flag === "-P"
          ? "-P/--desc-port"
          : "-p/--port";
        assert(message.startsWith(`${label} must be a whole number from 1 to 65535`), message);
        assert(message.includes(`"${value}"`), message);
      }
    }
    // "-1" after a flag reads as another option, so a negative number needs the = form.
    assertMatch(usageError(["--port=-1"]), /^-p\/--port must be .*, not "-1"\.$/);
    assertMatch(usageError(["-p", "-1"]), /-p/);
    assertEquals(serveConfig(["-p", "65535"]).ssdpPort, 65535);
    assertEquals(serveConfig(["-P", "1"]).descPort, 1);
  });

  await t.step("other numbers are range-checked with their flag named", () => {
    assertMatch(usageError(["--max-age", "0"]), /^--max-age must be .* from 1 to 86400, not "0"/);
    assertMatch(usageError(["--max-age", "86401"]), /--max-age/);
    assertMatch(usageError(["--rescan-interval", "3601"]), /--rescan-interval/);
    assertMatch(usageError(["--source-burst", "0"]), /--source-burst .* not "0"/);
    assertMatch(usageError(["--source-rate", "x"]), /--source-rate/);
    assertMatch(usageError(["--global-rate", "-5"]), /--global-rate/);
    assertMatch(usageError(["--source-table", "0"]), /--source-table/);
  });

  await t.step("a flag without its value is a usage error", () => {
    assertMatch(usageError(["-p"]), /^-p\/--port needs a value/);
    assertMatch(usageError(["--name"]), /--name/);
  });

  await t.step("a boolean flag given a value is a usage error", () => {
    assertMatch(usageError(["--verbose=yes"]), /--verbose/);
  });

  await t.step("an unknown flag is an error, with a hint for a likely typo", () => {
    assertEquals(
      usageError(["--desc-prot", "9000"]),
      'unknown option --desc-prot. Did you mean --desc-port? See "help serve" for every option.',
    );
    assertMatch(usageError(["--nmae", "Studio"]), /Did you mean --name\?/);
    assertMatch(usageError(["--verbos"]), /Did you mean --verbose\?/);
    assertMatch(usageError(["probe", "--timout", "5"]), /--timeout\? See "help probe"/);
    assertMatch(usageError(["--verbsoe"]), /Did you mean --verbose\?/);
    const unrelated = usageError(["--frobnicate"]);
    assertMatch(unrelated, /^unknown option --frobnicate\./);
    assertNotMatch(unrelated, /Did you mean/);
    assertMatch(usageError(["-x"]), /unknown option -x/);
  });

  await t.step("an IPv6 LAN_IP says IPv4 only", () => {
    for (const address of ["fe80::1", "::1", "2001:db8::5"]) {
      const message = usageError([address]);
      assertMatch(message, /IPv6/);
      assertMatch(message, /IPv4 only/);
      assert(message.includes(`"${address}"`));
    }
  });

  await t.step(
    "a host name or malformed address as LAN_IP says host names are not accepted",
    () => {
      for (
        const text of ["mylaptop.local", "localhost", "192.168.1", "192.168.1.256", "01.2.3.4"]
      ) {
        const message = usageError([text]);
        assertMatch(message, /is not an IPv4 address/, text);
        assertMatch(message, /host names are not accepted/);
        assert(message.includes(`"${text}"`));
      }
    },
  );

  await t.step("two positionals are an error listing both", () => {
    assertMatch(
      usageError(["192.168.1.20", "10.0.0.2"]),
      /at most one LAN_IP, got "192\.168\.1\.20" "10\.0\.0\.2"/,
    );
    assertMatch(usageError(["serve", "1.2.3.4", "5.6.7.8"]), /at most one LAN_IP/);
  });

  await t.step("-v with -q contradict", () => {
    assertMatch(usageError(["-v", "-q"]), /contradict/);
    assertMatch(usageError(["--quiet", "--verbose"]), /contradict/);
  });

  await t.step("a bad --uuid shows the expected form", () => {
    for (const bad of ["nope", "", `${UUID}0`, UUID.replaceAll("-", ""), `{${UUID}`]) {
      const message = usageError(["--uuid", bad]);
      assertMatch(message, /is not a UUID; expected the form/, bad);
      assert(message.includes(`"${bad}"`));
    }
  });

  await t.step("--uuid with --uuid-file is an error", () => {
    assertMatch(usageError(["--uuid", UUID, "--uuid-file", "/tmp/u"]), /give only one/);
  });

  await t.step("a bad name is refused, saying why", () => {
    assertMatch(usageError(["-n", ""]), /-n\/--name "" cannot be used: it is empty\./);
    assertMatch(usageError(["--name", "a:b"]), /cannot be used: it contains a colon/);
    assertMatch(usageError(["-n", "x".repeat(65)]), /65 characters, at most 64/);
    assertMatch(usageError(["-n", "a\u0007b"]), /control characters/);
  });

  await t.step("--log-format accepts text and json only", () => {
    assertEquals(
      usageError(["--log-format", "xml"]),
      '--log-format must be one of text, json, not "xml".',
    );
    assertMatch(usageError(["--log-format", "JSON"]), /not "JSON"/);
  });

  await t.step("a description path with spaces or odd characters is refused", () => {
    for (const bad of ["a b.xml", "d.xml?x", "d.xml#f", "%41.xml", "/", ""]) {
      assertMatch(usageError(["-f", bad]), /-f\/--file-path .* must be a URL path/, bad);
    }
  });

  await t.step("an empty -i name is refused", () => {
    assertMatch(usageError(["-i", " "]), /-i\/--iface needs an interface name/);
  });
});

Deno.test("parseWholeNumber", () => {
  assertEquals(parseWholeNumber("--x", "42", 0, 100), 42);
  assertEquals(parseWholeNumber("--x", "0", 0, 100), 0);
  assertThrows(() => parseWholeNumber("--x", "101", 0, 100), UsageError);
  assertMatch(
    assertThrows(() => parseWholeNumber("--x", "4e1", 0, 100), UsageError).message,
    /--x must be .* not "4e1"/,
  );
  assertThrows(() => parseWholeNumber("--x", "0x10", 0, 100), UsageError);
});

Deno.test("suggestFlag", async (t) => {
  await t.step("suggests the nearest flag for a small typo", () => {
    assertEquals(suggestFlag("--desc-prot"), "--desc-port");
    assertEquals(suggestFlag("--anounce"), "--announce");
    assertEquals(suggestFlag("--max-ag"), "--max-age");
    assertEquals(suggestFlag("--iface=eth0".replace("iface", "ifac")), "--iface");
    assertEquals(suggestFlag("--uuid-flie"), "--uuid-file");
    // Two letters swapped is one typo, even in a short name.
    assertEquals(suggestFlag("--nmae"), "--name");
    assertEquals(suggestFlag("--nmae=Studio"), "--name");
    assertEquals(suggestFlag("--eso"), "--eos");
    assertEquals(suggestFlag("--verbos"), "--verbose");
  });

  await t.step("suggests nothing when no flag is close", () => {
    assertEquals(suggestFlag("--frobnicate"), undefined);
    assertEquals(suggestFlag("--zzzzzzzzzzzz"), undefined);
  });
});

Deno.test("lanAddressProblem", async (t) => {
  const own = [
    { name: "lo", address: "127.0.0.1" },
    { name: "eth0", address: "192.168.1.20" },
    { name: "wlan0", address: "10.0.0.7" },
  ];

  await t.step("accepts an address of this machine", () => {
    assertEquals(lanAddressProblem("192.168.1.20", own), undefined);
    assertEquals(lanAddressProblem("10.0.0.7", own), undefined);
  });

  await t.step("accepts any 127.x address, listed or not", () => {
    for (const address of ["127.0.0.1", "127.0.0.2", "127.255.255.254"]) {
      assertEquals(lanAddressProblem(address, own), undefined, address);
      assertEquals(lanAddressProblem(address, []), undefined, address);
    }
  });

  await t.step("refuses another address, listing this machine's addresses", () => {
    assertEquals(
      lanAddressProblem("192.168.1.99", own),
      "LAN_IP 192.168.1.99 is not an address of this machine. Its IPv4 addresses: " +
        "127.0.0.1 (lo), 192.168.1.20 (eth0), 10.0.0.7 (wlan0).",
    );
  });

  await t.step("says none when the machine has no IPv4 address", () => {
    assertMatch(lanAddressProblem("192.168.1.99", [])!, /Its IPv4 addresses: none\.$/);
  });
});

Deno.test("arguments through `deno task start -- ARGS` keep their meaning", async (t) => {
  await t.step("options after the task's -- are options", () => {
    const command = parseCommandLine(["--", "-n", "studio", "-P", "9000", "192.168.1.20"]);
    assertEquals(command.kind, "serve");
    if (command.kind !== "serve") return;
    assertEquals(command.config.name, "studio");
    assertEquals(command.config.descPort, 9000);
    assertEquals(command.config.lanAddress, "192.168.1.20");
  });
  await t.step("a hook still needs its own --", () => {
    assertMatch(
      assertThrows(() => parseCommandLine(["--", "--on-camera", "gphoto2"]), UsageError).message,
      /after "--"/,
    );
    const command = parseCommandLine(["--", "--on-camera", "--", "gphoto2", "-v"]);
    assertEquals(command.kind === "serve" ? command.config.onCamera : [], ["gphoto2", "-v"]);
  });
});

Deno.test("parseCommandLine: what users type by habit", async (t) => {
  const serveConfig = (args: string[]) => {
    const command = parseCommandLine(args);
    assertEquals(command.kind, "serve");
    return (command as { config: { name?: string; uuid?: string } }).config;
  };

  await t.step("-n=Studio names the computer Studio, as --name=Studio does", () => {
    assertEquals(serveConfig(["-n=Studio"]).name, "Studio");
    assertEquals(serveConfig(["--name=Studio"]).name, "Studio");
    assertEquals(serveConfig(["-n", "=Studio"]).name, "=Studio");
  });

  await t.step("a name is trimmed, and an empty one refused", () => {
    assertEquals(serveConfig(["-n", "  Studio "]).name, "Studio");
    assertMatch(usageError(["-n", "   "]), /-n\/--name .* cannot be used: it is empty/);
  });

  await t.step("Windows' braced UUID is taken without its braces", () => {
    assertEquals(serveConfig(["--uuid", `{${UUID}}`]).uuid, UUID);
  });

  await t.step("a value starting with a dash is explained in our words", () => {
    const message = usageError(["-n", "-Studio"]);
    assertMatch(message, /^-n\/--name needs a value, .* --name=-VALUE/);
    assertNotMatch(message, /ambiguous/);
  });

  await t.step("a mistyped command gets a hint, an address does not", () => {
    assertMatch(usageError(["sever"]), /^unknown command "sever"\. Did you mean serve\?/);
    assertMatch(usageError(["docter"]), /Did you mean doctor\?/);
    assertMatch(usageError(["prob", "1.2.3.4"]), /Did you mean probe\?/);
    assertMatch(usageError(["eth0"]), /LAN_IP "eth0" is not an IPv4 address/);
    assertMatch(usageError(["improt"]), /Did you mean import\?/);
    assertMatch(usageError(["hlep"]), /Did you mean help\?/);
    assertMatch(usageError(["verison"]), /Did you mean version\?/);
  });

  await t.step('"start", the word of deno task start, points to serving without a command', () => {
    assertEquals(
      usageError(["start"]),
      'unknown command "start". Did you mean serve? The helper serves when no command is given: ' +
        'leave "start" out. See --help.',
    );
    assertMatch(usageError(["--", "start", "-v"]), /Did you mean serve\?/);
    assertMatch(usageError(["run"]), /Did you mean serve\?/);
  });

  await t.step("an option given to a command it does not apply to is refused", () => {
    assertMatch(usageError(["probe", "--announce"]), /--announce does not apply to "probe"/);
    assertMatch(
      usageError(["interfaces", "-n", "x"]),
      /-n\/--name does not apply to "interfaces"/,
    );
  });
});
