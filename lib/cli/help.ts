/**
 * The help: `--help` is one screen (what the helper does, its commands, the common options and where
 * the rest is); `help COMMAND` and `COMMAND --help` are the full page of one command, with every option
 * that applies to it. Option lines come from the option table, so a new row shows up on the pages of
 * the commands it applies to without an edit here.
 *
 * @module
 */

import {
  type CommandName,
  OPTION_NAMES,
  OPTION_TABLE,
  type OptionName,
  type OptionSpec,
} from "./options.ts";

/** Every line of the help fits a classic terminal. */
const HELP_COLUMNS = 80;
/** Where an option's or a command's text starts. */
const TEXT_COLUMN = 26;

/** What the help says about one command. */
interface CommandHelp {
  /** What follows the command's name in its usage line. */
  readonly args: string;
  /** Its line in the overview. */
  readonly summary: string;
  /** Its page, before the options: what it does and what its arguments are. */
  readonly about: string;
}

const LAN_IP = `LAN_IP   this computer's IPv4 address on the camera's network. Leave it out to
         serve every LAN interface (Wi-Fi, Ethernet; not loopback, Docker, VPN
         bridges).`;

/** Each command's help; the type checker refuses a command without one. */
const COMMAND_HELP: Record<CommandName, CommandHelp> = {
  serve: {
    args: "[LAN_IP]",
    summary: "answer cameras until stopped (the default)",
    about: `Lets a Canon Wi-Fi camera pair with this computer ("connect to computer"), as
Windows does natively: answers the camera's SSDP search and serves the UPnP
description it reads. Runs until Ctrl+C, SIGTERM or SIGHUP. "serve" may be
left out: it is the default command.

${LAN_IP}

Pairing: start the helper, then on the camera choose Wi-Fi > computer, "add a
device", and pick this computer's name in the list. The camera remembers the
pairing by the device UUID, which the helper keeps in a file so it never
changes.

When the camera is ready: after fetching the description, the camera announces
itself over SSDP. The helper listens for that (and asks the camera once), then
logs "camera <ip> is ready" with the chdkptp and gphoto2 commands to use it. On
a terminal a status line shows "waiting for a camera…", "camera <ip>
pairing…", "camera <ip> ready". The helper never connects to the camera's
PTP/IP port on its own.

Older EOS bodies (6D, 70D, M50 in EOS Utility mode) pair the other way round:
they announce themselves and wait to be fetched. Run with --eos; the log then
says "EOS camera <ip> (<model>) is ready" with the gphoto2 command. Run
"gphoto2-guid --write" once first, so gphoto2 shows the camera the same GUID
every time and a paired camera reconnects.`,
  },
  import: {
    args: "[CAMERA_IP] [--to DIR]",
    summary: "copy new photos off a paired camera",
    about: `Copies the photos off a paired camera over PTP/IP, nothing else needed: only
new ones (a second run copies nothing), resuming a cut-short file. Without
CAMERA_IP the camera is looked for on the network. Default DIR: Pictures/Canon
in your home folder.`,
  },
  doctor: {
    args: "[LAN_IP]",
    summary: "check what on this computer would stop a camera",
    about: `Checks this computer: interfaces, ports, UUID, firewall, and prints the fix for
each problem. Changes nothing. Beside a running helper it says that it runs.

${LAN_IP}`,
  },
  interfaces: {
    args: "",
    summary: "list the interfaces: which are served and why",
    about: `Lists every IPv4 interface: whether serve would use it, and why
(also: --list-interfaces).`,
  },
  probe: {
    args: "[HOST[:PORT]]",
    summary: "act as a camera and grade what answers",
    about: `Acts as a camera: searches (the SSDP group, or HOST), fetches each answer's
description and grades it as a Canon camera would; exit code 0 if at least one
responder passes. Tests this helper, a Windows PC, or any other UPnP responder.`,
  },
  uuid: {
    args: "[--reset --force]",
    summary: "show the device UUID and its file",
    about: `Shows the device UUID and the file it is kept in; --reset --force makes a new
one (every paired camera must then pair again).`,
  },
  "gphoto2-guid": {
    args: "[--write]",
    summary: "gphoto2's PTP/IP GUID line, for EOS pairing",
    about: `Prints the ptp2_ip=guid= line that gives gphoto2 a PTP/IP GUID derived from the
device UUID, so an EOS body paired once reconnects; --write puts it into
gphoto2's settings file (~/.gphoto/settings).`,
  },
};

/** The options the overview lists, by their first clause; every page lists them all. */
const COMMON: readonly OptionName[] = [
  "name",
  "iface",
  "eos",
  "on-camera",
  "verbose",
  "quiet",
  "help",
  "version",
];

const EXIT_CODES = `Exit codes: 0 after Ctrl+C, SIGTERM or SIGHUP; 1 when the helper cannot run (a
port in use, a broken UUID file), doctor/probe found a problem or an import
failed; 2 for a bad command line, or several cameras found by import.
NO_COLOR is respected: the helper writes no colour anywhere.`;

/** `--help`: one screen, what the helper does and where the rest is. Pure. */
export function helpText(version: string): string {
  const commands = [
    ...(Object.keys(COMMAND_HELP) as CommandName[]).map((c) =>
      twoColumns(`${c} ${COMMAND_HELP[c].args}`, COMMAND_HELP[c].summary)
    ),
    twoColumns("help [COMMAND]", "this help, or every option of COMMAND"),
    twoColumns("version", "print the version"),
  ];
  // A row's gist: its text up to the first parenthesis, semicolon or sentence end.
  const common = COMMON.map((name) => optionLine(name, helpOf(name).split(/ \(|;|\. |\n/)[0]));
  return `ptpip-canon-helper ${version}
Lets a Canon Wi-Fi camera pair with this computer ("connect to computer"), as
Windows does natively: answers the camera's search and serves the description
it reads. Then use the camera with chdkptp or gphoto2, or import its photos.

Usage:
  ptpip-canon-helper [COMMAND] [options]
Commands:
${commands.join("\n")}

Pairing: start the helper, then on the camera choose Wi-Fi > computer, "add a
device", and pick this computer's name. The helper logs "camera <ip> is ready"
with the chdkptp and gphoto2 commands to use it.

Common options:
${common.join("\n")}

Every option of a command: ptpip-canon-helper help COMMAND (or COMMAND --help),
e.g. help serve.
${EXIT_CODES}`;
}

/** `help COMMAND`, `COMMAND --help`: what it does and every option that applies to it. Pure. */
export function commandHelpText(command: CommandName, version: string): string {
  const { args, about } = COMMAND_HELP[command];
  const usage = `ptpip-canon-helper ${command === "serve" ? "[serve]" : command}${
    args ? ` ${args}` : ""
  } [options]`;
  // On its own command's page a row goes without the "probe: " that says where it applies.
  const own = (section: OptionSpec["section"]) =>
    OPTION_NAMES.filter((name) => {
      const spec: OptionSpec = OPTION_TABLE[name];
      return spec.section === section && spec.commands.includes(command);
    }).map((name) => optionLine(name, helpOf(name).replace(new RegExp(`^${command}: `), "")));
  const limits = own("limits");
  return `ptpip-canon-helper ${version}
Usage: ${usage}

${about}

Options:
${own(undefined).join("\n")}
${
    limits.length === 0
      ? ""
      : `\nAbuse limits (answers go only to the served subnets; flooders are throttled):
${limits.join("\n")}
`
  }
${EXIT_CODES}`;
}

/** A row's help text, with its default where it says `{default}`. Pure. */
function helpOf(name: OptionName): string {
  const spec: OptionSpec = OPTION_TABLE[name];
  return spec.help.replace("{default}", String(spec.default));
}

/** One option's lines: its label, then `text` wrapped beside it. Pure. */
function optionLine(name: OptionName, text: string): string {
  const spec: OptionSpec = OPTION_TABLE[name];
  const label = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${
    spec.value ? ` ${spec.value}` : ""
  }`;
  return twoColumns(label, text);
}

/** `label` and `text` wrapped from {@linkcode TEXT_COLUMN}; a long label gets a line of its own. */
function twoColumns(label: string, text: string): string {
  const lines = wrap(text, HELP_COLUMNS - TEXT_COLUMN);
  const first = `  ${label.trimEnd()}`;
  const out = first.length < TEXT_COLUMN ? [first.padEnd(TEXT_COLUMN) + lines.shift()] : [first];
  for (const line of lines) out.push(" ".repeat(TEXT_COLUMN) + line);
  return out.join("\n");
}

/** Words into lines of at most `width` characters; `\n` in `text` forces a break. Pure. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    const indent = /^ */.exec(paragraph)![0];
    let line = "";
    for (const word of paragraph.trim().split(/ +/)) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = indent + word;
      } else line = line === "" ? indent + word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}
