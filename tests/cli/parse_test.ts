import assert from "node:assert/strict";
import {
  type Command,
  lanAddressProblem,
  parseCommandLine,
  parseWholeNumber,
  suggestFlag,
} from "../../lib/cli/parse.ts";
import type { ServeConfig } from "../../lib/commands/serve.ts";
import { EXIT, UsageError } from "../../lib/errors.ts";

const UUID = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

// The serve config of a command line that must parse as `serve`.
function serveConfig(args: string[]): ServeConfig {
  const command = parseCommandLine(args);
  assert.equal(command.kind, "serve", `${args.join(" ")} is a serve command`);
  return (command as Extract<Command, { kind: "serve" }>).config;
}

// The message of the UsageError a command line must raise; also checks the usage exit code.
function usageError(args: string[]): string {
  try {
    parseCommandLine(args);
  } catch (error) {
    assert.ok(error instanceof UsageError, `${args.join(" ")}: ${error}`);
    assert.equal(error.exitCode, EXIT.usage);
    return error.message;
  }
  assert.fail(`${JSON.stringify(args)} was accepted`);
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
    assert.deepEqual(config[key as keyof ServeConfig], value, key);
  }
});

Deno.test("parseCommandLine: flags", async (t) => {
  await t.step("LAN_IP positional, with and without the serve subcommand", () => {
    assert.equal(serveConfig(["192.168.1.20"]).lanAddress, "192.168.1.20");
    assert.equal(serveConfig(["serve", "10.0.0.2"]).lanAddress, "10.0.0.2");
    assert.equal(serveConfig(["serve"]).lanAddress, undefined);
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
        assert.deepEqual(config[key as keyof ServeConfig], value, args.join(" "));
      }
    }
  });

  await t.step("boolean flags, short and long", () => {
    assert.equal(serveConfig(["-a"]).bindAll, true);
    assert.equal(serveConfig(["--bind-all"]).bindAll, true);
    assert.equal(serveConfig(["-v"]).verbosity, "verbose");
    assert.equal(serveConfig(["--verbose"]).verbosity, "verbose");
    assert.equal(serveConfig(["-q"]).verbosity, "quiet");
    assert.equal(serveConfig(["--quiet"]).verbosity, "quiet");
    assert.equal(serveConfig(["--any-source"]).anySource, true);
    assert.equal(serveConfig(["--mx-delay"]).mxDelay, true);
    assert.equal(serveConfig(["--announce"]).announce, true);
  });

  await t.step("rate limits", () => {
    assert.deepEqual(
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
    assert.deepEqual(serveConfig(["-i", "eth0"]).interfaceNames, ["eth0"]);
    assert.deepEqual(
      serveConfig(["-i", "eth0", "--iface", "wlan0", "-i", "docker0"]).interfaceNames,
      ["eth0", "wlan0", "docker0"],
    );
  });

  await t.step("flags and LAN_IP in any order", () => {
    const config = serveConfig(["-v", "192.168.1.20", "-n", "Studio"]);
    assert.equal(config.lanAddress, "192.168.1.20");
    assert.equal(config.name, "Studio");
    assert.equal(config.verbosity, "verbose");
  });
});

Deno.test("parseCommandLine: other commands", async (t) => {
  await t.step("--help and --version, short and long, win over the rest", () => {
    assert.deepEqual(parseCommandLine(["--help"]), { kind: "help" });
    assert.deepEqual(parseCommandLine(["-h"]), { kind: "help" });
    assert.deepEqual(parseCommandLine(["--version"]), { kind: "version" });
    assert.deepEqual(parseCommandLine(["-V"]), { kind: "version" });
    assert.deepEqual(parseCommandLine(["-v", "-q", "--help"]), { kind: "help" });
  });

  await t.step(
    "help and version are commands too; help COMMAND and COMMAND --help are its page",
    () => {
      assert.deepEqual(parseCommandLine(["help"]), { kind: "help" });
      assert.deepEqual(parseCommandLine(["version"]), { kind: "version" });
      assert.deepEqual(parseCommandLine(["--", "version"]), { kind: "version" });
      for (const topic of ["serve", "import", "doctor", "interfaces", "probe", "uuid"] as const) {
        assert.deepEqual(parseCommandLine(["help", topic]), { kind: "help", topic });
        assert.deepEqual(parseCommandLine([topic, "--help"]), { kind: "help", topic });
      }
      assert.deepEqual(parseCommandLine(["gphoto2-guid", "-h"]), {
        kind: "help",
        topic: "gphoto2-guid",
      });
      // The help is what someone needs whose line is wrong otherwise.
      assert.deepEqual(parseCommandLine(["probe", "--announce", "--help"]), {
        kind: "help",
        topic: "probe",
      });
      assert.deepEqual(parseCommandLine(["help", "help"]), { kind: "help" });
    },
  );

  await t.step("help of a command that does not exist says so, with the likely one", () => {
    assert.equal(
      usageError(["help", "improt"]),
      'unknown command "improt". Did you mean import? See --help.',
    );
    assert.match(usageError(["help", "nosuch"]), /^unknown command "nosuch"\. See --help\.$/);
  });

  await t.step("interfaces, and --list-interfaces as its alias", () => {
    const command = parseCommandLine(["interfaces"]);
    assert.equal(command.kind, "interfaces");
    const alias = parseCommandLine(["--list-interfaces", "-i", "eth0", "192.168.1.20"]);
    assert.equal(alias.kind, "interfaces");
    if (alias.kind !== "interfaces") return;
    assert.equal(alias.config.lanAddress, "192.168.1.20");
    assert.deepEqual(alias.config.interfaceNames, ["eth0"]);
  });

  await t.step("uuid with and without --reset --force", () => {
    assert.deepEqual(
      (({ kind, reset, force }) => ({ kind, reset, force }))(
        parseCommandLine(["uuid"]) as Extract<Command, { kind: "uuid" }>,
      ),
      { kind: "uuid", reset: false, force: false },
    );
    const reset = parseCommandLine(["uuid", "--reset", "--force", "--uuid-file", "/tmp/u"]);
    assert.equal(reset.kind, "uuid");
    if (reset.kind !== "uuid") return;
    assert.equal(reset.reset, true);
    assert.equal(reset.force, true);
    assert.equal(reset.config.uuidFile, "/tmp/u");
    const resetOnly = parseCommandLine(["uuid", "--reset"]);
    assert.ok(resetOnly.kind === "uuid" && resetOnly.reset && !resetOnly.force);
  });

  await t.step("uuid takes no address; --reset/--force belong to uuid", () => {
    assert.match(usageError(["uuid", "192.168.1.20"]), /"uuid" takes no address/);
    assert.match(usageError(["--reset"]), /--reset does not apply to "serve": it goes with "uuid"/);
    assert.match(
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
        assert.ok(message.startsWith(`${label} must be a whole number from 1 to 65535`), message);
        assert.ok(message.includes(`"${value}"`), message);
      }
    }
    // "-1" after a flag reads as another option, so a negative number needs the = form.
    assert.match(usageError(["--port=-1"]), /^-p\/--port must be .*, not "-1"\.$/);
    assert.match(usageError(["-p", "-1"]), /-p/);
    assert.equal(serveConfig(["-p", "65535"]).ssdpPort, 65535);
    assert.equal(serveConfig(["-P", "1"]).descPort, 1);
  });

  await t.step("other numbers are range-checked with their flag named", () => {
    assert.match(usageError(["--max-age", "0"]), /^--max-age must be .* from 1 to 86400, not "0"/);
    assert.match(usageError(["--max-age", "86401"]), /--max-age/);
    assert.match(usageError(["--rescan-interval", "3601"]), /--rescan-interval/);
    assert.match(usageError(["--source-burst", "0"]), /--source-burst .* not "0"/);
    assert.match(usageError(["--source-rate", "x"]), /--source-rate/);
    assert.match(usageError(["--global-rate", "-5"]), /--global-rate/);
    assert.match(usageError(["--source-table", "0"]), /--source-table/);
  });

  await t.step("a flag without its value is a usage error", () => {
    assert.match(usageError(["-p"]), /^-p\/--port needs a value/);
    assert.match(usageError(["--name"]), /--name/);
  });

  await t.step("a boolean flag given a value is a usage error", () => {
    assert.match(usageError(["--verbose=yes"]), /--verbose/);
  });

  await t.step("an unknown flag is an error, with a hint for a likely typo", () => {
    assert.equal(
      usageError(["--desc-prot", "9000"]),
      'unknown option --desc-prot. Did you mean --desc-port? See "help serve" for every option.',
    );
    assert.match(usageError(["--nmae", "Studio"]), /Did you mean --name\?/);
    assert.match(usageError(["--verbos"]), /Did you mean --verbose\?/);
    assert.match(usageError(["probe", "--timout", "5"]), /--timeout\? See "help probe"/);
    assert.match(usageError(["--verbsoe"]), /Did you mean --verbose\?/);
    const unrelated = usageError(["--frobnicate"]);
    assert.match(unrelated, /^unknown option --frobnicate\./);
    assert.doesNotMatch(unrelated, /Did you mean/);
    assert.match(usageError(["-x"]), /unknown option -x/);
  });

  await t.step("an IPv6 LAN_IP says IPv4 only", () => {
    for (const address of ["fe80::1", "::1", "2001:db8::5"]) {
      const message = usageError([address]);
      assert.match(message, /IPv6/);
      assert.match(message, /IPv4 only/);
      assert.ok(message.includes(`"${address}"`));
    }
  });

  await t.step(
    "a host name or malformed address as LAN_IP says host names are not accepted",
    () => {
      for (
        const text of ["mylaptop.local", "localhost", "192.168.1", "192.168.1.256", "01.2.3.4"]
      ) {
        const message = usageError([text]);
        assert.match(message, /is not an IPv4 address/, text);
        assert.match(message, /host names are not accepted/);
        assert.ok(message.includes(`"${text}"`));
      }
    },
  );

  await t.step("two positionals are an error listing both", () => {
    assert.match(
      usageError(["192.168.1.20", "10.0.0.2"]),
      /at most one LAN_IP, got "192\.168\.1\.20" "10\.0\.0\.2"/,
    );
    assert.match(usageError(["serve", "1.2.3.4", "5.6.7.8"]), /at most one LAN_IP/);
  });

  await t.step("-v with -q contradict", () => {
    assert.match(usageError(["-v", "-q"]), /contradict/);
    assert.match(usageError(["--quiet", "--verbose"]), /contradict/);
  });

  await t.step("a bad --uuid shows the expected form", () => {
    for (const bad of ["nope", "", `${UUID}0`, UUID.replaceAll("-", ""), `{${UUID}`]) {
      const message = usageError(["--uuid", bad]);
      assert.match(message, /is not a UUID; expected the form/, bad);
      assert.ok(message.includes(`"${bad}"`));
    }
  });

  await t.step("--uuid with --uuid-file is an error", () => {
    assert.match(usageError(["--uuid", UUID, "--uuid-file", "/tmp/u"]), /give only one/);
  });

  await t.step("a bad name is refused, saying why", () => {
    assert.match(usageError(["-n", ""]), /-n\/--name "" cannot be used: it is empty\./);
    assert.match(usageError(["--name", "a:b"]), /cannot be used: it contains a colon/);
    assert.match(usageError(["-n", "x".repeat(65)]), /65 characters, at most 64/);
    assert.match(usageError(["-n", "a\u0007b"]), /control characters/);
  });

  await t.step("--log-format accepts text and json only", () => {
    assert.equal(
      usageError(["--log-format", "xml"]),
      '--log-format must be one of text, json, not "xml".',
    );
    assert.match(usageError(["--log-format", "JSON"]), /not "JSON"/);
  });

  await t.step("a description path with spaces or odd characters is refused", () => {
    for (const bad of ["a b.xml", "d.xml?x", "d.xml#f", "%41.xml", "/", ""]) {
      assert.match(usageError(["-f", bad]), /-f\/--file-path .* must be a URL path/, bad);
    }
  });

  await t.step("an empty -i name is refused", () => {
    assert.match(usageError(["-i", " "]), /-i\/--iface needs an interface name/);
  });
});

Deno.test("parseWholeNumber", () => {
  assert.equal(parseWholeNumber("--x", "42", 0, 100), 42);
  assert.equal(parseWholeNumber("--x", "0", 0, 100), 0);
  assert.throws(() => parseWholeNumber("--x", "101", 0, 100), UsageError);
  assert.throws(() => parseWholeNumber("--x", "4e1", 0, 100), /--x must be .* not "4e1"/);
  assert.throws(() => parseWholeNumber("--x", "0x10", 0, 100), UsageError);
});

Deno.test("suggestFlag", async (t) => {
  await t.step("suggests the nearest flag for a small typo", () => {
    assert.equal(suggestFlag("--desc-prot"), "--desc-port");
    assert.equal(suggestFlag("--anounce"), "--announce");
    assert.equal(suggestFlag("--max-ag"), "--max-age");
    assert.equal(suggestFlag("--iface=eth0".replace("iface", "ifac")), "--iface");
    assert.equal(suggestFlag("--uuid-flie"), "--uuid-file");
    // Two letters swapped is one typo, even in a short name.
    assert.equal(suggestFlag("--nmae"), "--name");
    assert.equal(suggestFlag("--nmae=Studio"), "--name");
    assert.equal(suggestFlag("--eso"), "--eos");
    assert.equal(suggestFlag("--verbos"), "--verbose");
  });

  await t.step("suggests nothing when no flag is close", () => {
    assert.equal(suggestFlag("--frobnicate"), undefined);
    assert.equal(suggestFlag("--zzzzzzzzzzzz"), undefined);
  });
});

Deno.test("lanAddressProblem", async (t) => {
  const own = [
    { name: "lo", address: "127.0.0.1" },
    { name: "eth0", address: "192.168.1.20" },
    { name: "wlan0", address: "10.0.0.7" },
  ];

  await t.step("accepts an address of this machine", () => {
    assert.equal(lanAddressProblem("192.168.1.20", own), undefined);
    assert.equal(lanAddressProblem("10.0.0.7", own), undefined);
  });

  await t.step("accepts any 127.x address, listed or not", () => {
    for (const address of ["127.0.0.1", "127.0.0.2", "127.255.255.254"]) {
      assert.equal(lanAddressProblem(address, own), undefined, address);
      assert.equal(lanAddressProblem(address, []), undefined, address);
    }
  });

  await t.step("refuses another address, listing this machine's addresses", () => {
    assert.equal(
      lanAddressProblem("192.168.1.99", own),
      "LAN_IP 192.168.1.99 is not an address of this machine. Its IPv4 addresses: " +
        "127.0.0.1 (lo), 192.168.1.20 (eth0), 10.0.0.7 (wlan0).",
    );
  });

  await t.step("says none when the machine has no IPv4 address", () => {
    assert.match(lanAddressProblem("192.168.1.99", [])!, /Its IPv4 addresses: none\.$/);
  });
});

Deno.test("arguments through `deno task start -- ARGS` keep their meaning", async (t) => {
  await t.step("options after the task's -- are options", () => {
    const command = parseCommandLine(["--", "-n", "studio", "-P", "9000", "192.168.1.20"]);
    assert.equal(command.kind, "serve");
    if (command.kind !== "serve") return;
    assert.equal(command.config.name, "studio");
    assert.equal(command.config.descPort, 9000);
    assert.equal(command.config.lanAddress, "192.168.1.20");
  });
  await t.step("a hook still needs its own --", () => {
    assert.throws(() => parseCommandLine(["--", "--on-camera", "gphoto2"]), /after "--"/);
    const command = parseCommandLine(["--", "--on-camera", "--", "gphoto2", "-v"]);
    assert.deepEqual(command.kind === "serve" ? command.config.onCamera : [], ["gphoto2", "-v"]);
  });
});

Deno.test("parseCommandLine: what users type by habit", async (t) => {
  const serveConfig = (args: string[]) => {
    const command = parseCommandLine(args);
    assert.equal(command.kind, "serve");
    return (command as { config: { name?: string; uuid?: string } }).config;
  };

  await t.step("-n=Studio names the computer Studio, as --name=Studio does", () => {
    assert.equal(serveConfig(["-n=Studio"]).name, "Studio");
    assert.equal(serveConfig(["--name=Studio"]).name, "Studio");
    assert.equal(serveConfig(["-n", "=Studio"]).name, "=Studio");
  });

  await t.step("a name is trimmed, and an empty one refused", () => {
    assert.equal(serveConfig(["-n", "  Studio "]).name, "Studio");
    assert.match(usageError(["-n", "   "]), /-n\/--name .* cannot be used: it is empty/);
  });

  await t.step("Windows' braced UUID is taken without its braces", () => {
    assert.equal(serveConfig(["--uuid", `{${UUID}}`]).uuid, UUID);
  });

  await t.step("a value starting with a dash is explained in our words", () => {
    const message = usageError(["-n", "-Studio"]);
    assert.match(message, /^-n\/--name needs a value, .* --name=-VALUE/);
    assert.doesNotMatch(message, /ambiguous/);
  });

  await t.step("a mistyped command gets a hint, an address does not", () => {
    assert.match(usageError(["sever"]), /^unknown command "sever"\. Did you mean serve\?/);
    assert.match(usageError(["docter"]), /Did you mean doctor\?/);
    assert.match(usageError(["prob", "1.2.3.4"]), /Did you mean probe\?/);
    assert.match(usageError(["eth0"]), /LAN_IP "eth0" is not an IPv4 address/);
    assert.match(usageError(["improt"]), /Did you mean import\?/);
    assert.match(usageError(["hlep"]), /Did you mean help\?/);
    assert.match(usageError(["verison"]), /Did you mean version\?/);
  });

  await t.step('"start", the word of deno task start, points to serving without a command', () => {
    assert.equal(
      usageError(["start"]),
      'unknown command "start". Did you mean serve? The helper serves when no command is given: ' +
        'leave "start" out. See --help.',
    );
    assert.match(usageError(["--", "start", "-v"]), /Did you mean serve\?/);
    assert.match(usageError(["run"]), /Did you mean serve\?/);
  });

  await t.step("an option given to a command it does not apply to is refused", () => {
    assert.match(usageError(["probe", "--announce"]), /--announce does not apply to "probe"/);
    assert.match(
      usageError(["interfaces", "-n", "x"]),
      /-n\/--name does not apply to "interfaces"/,
    );
  });
});
