/**
 * Every option of the command line, in one table: its short alias, the kind and bounds of its
 * value, its default, the commands it applies to, its `--help` text and its README line. Parsing,
 * the defaults the commands get, the "does not apply" errors, typo hints, the help and the README's
 * option table are all derived from it, so they cannot drift apart.
 *
 * @module
 */

import { PTPIP_PORT } from "../ptpip/port.ts";
import { DEFAULT_RATE_LIMITS } from "../ssdp/rate_limit.ts";
import { SSDP_PORT } from "../ssdp/wire.ts";

/** The commands, `serve` (the default) first. */
export const COMMANDS = [
  "serve",
  "interfaces",
  "uuid",
  "doctor",
  "probe",
  "gphoto2-guid",
  "import",
] as const;

/** One of {@linkcode COMMANDS}. */
export type CommandName = typeof COMMANDS[number];

/** One row of the option table. */
export interface OptionSpec {
  /** The one-letter alias, without its dash. */
  readonly short?: string;
  /**
   * What its value is: `flag` takes none; `port`, `count` and `seconds` are whole numbers within
   * the row's bounds; `list` may be given more than once; `text` and `path` are checked by the
   * command that uses them.
   */
  readonly kind: "flag" | "text" | "path" | "list" | "port" | "count" | "seconds";
  /** Inclusive bounds of a number. */
  readonly min?: number;
  /** Inclusive bounds of a number. */
  readonly max?: number;
  /** Where the option means something; elsewhere it is an error. */
  readonly commands: readonly CommandName[];
  /** The value's name in `--help` (`PORT`, `NAME`). */
  readonly value?: string;
  /**
   * The value a command gets when the option is not given; numbers always have one. The help
   * shows it where its text says `{default}`, the README in its default column.
   */
  readonly default?: number | string;
  /**
   * The README's words for a default that is no one value (the host name, the per-user file).
   * Without either, an option that takes no value is off, any other has no default ("—").
   */
  readonly defaultText?: string;
  /**
   * The `--help` text; `\n` starts a new line, the rest is wrapped, `{default}` is the
   * {@linkcode OptionSpec.default}.
   */
  readonly help: string;
  /** The README's line for it, in Markdown, where it says more or less than `help`. */
  readonly readme?: string;
  /** The `--help` section: the abuse limits have their own. */
  readonly section?: "limits";
  /** How to use it, for the error when it is given to the wrong command. */
  readonly example?: string;
}

const r = DEFAULT_RATE_LIMITS;

/** The option table; the order is the order of `--help`. */
export const OPTION_TABLE = {
  name: {
    short: "n",
    kind: "text",
    value: "NAME",
    commands: ["serve"],
    defaultText: "host name (before the 1st dot)",
    help: "name the camera shows (default: this computer's host name; at most 64 " +
      "characters, no colon or control characters; blanks around it are dropped)",
    readme: "the name the camera lists; at most 64 characters, no colon (the camera shows only " +
      "what precedes it) and no control characters",
  },
  iface: {
    short: "i",
    kind: "list",
    value: "NAME",
    commands: ["serve", "interfaces", "doctor", "probe", "import"],
    defaultText: "every LAN interface",
    help: "serve only this interface (repeatable); also selects Docker, VPN or bridge " +
      "interfaces that are skipped by default (import: search for the camera there)",
    readme: "serve only this interface; repeatable; also selects Docker/VPN/bridge interfaces",
  },
  "bind-all": {
    short: "a",
    kind: "flag",
    commands: ["serve", "doctor"],
    help: "serve the description on all addresses (default: only on the served addresses)",
    readme: "serve the description on all addresses, not only on the served ones",
  },
  port: {
    short: "p",
    kind: "port",
    min: 1,
    max: 65535,
    value: "PORT",
    commands: ["serve", "doctor", "probe", "import"],
    default: SSDP_PORT,
    help: "SSDP port (default: {default}; other values are for tests)",
    readme: "SSDP port; other values are for tests",
  },
  "desc-port": {
    short: "P",
    kind: "port",
    min: 1,
    max: 65535,
    value: "PORT",
    commands: ["serve", "doctor"],
    default: 8043,
    help: "description HTTP port (default: {default})",
    readme: "TCP port of the description",
  },
  "file-path": {
    short: "f",
    kind: "path",
    value: "PATH",
    commands: ["serve", "doctor"],
    default: "ptpip-canon-desc-helper.xml",
    help: "description URL path (default: {default})",
    readme: "URL path of the description",
  },
  "max-age": {
    kind: "seconds",
    min: 1,
    max: 86400,
    value: "SECONDS",
    commands: ["serve"],
    default: 900,
    help: "Cache-Control max-age of answers (default: {default})",
    readme: "`Cache-Control: max-age` of answers",
  },
  uuid: {
    kind: "text",
    value: "UUID",
    commands: ["serve", "uuid", "doctor", "gphoto2-guid", "import"],
    help: "use this UUID (e.g. the one Windows or another helper used; Windows' braced " +
      "form {…} is accepted)",
    readme: "use this device UUID (e.g. the one a Windows PC or another helper used)",
  },
  "uuid-file": {
    kind: "path",
    value: "PATH",
    commands: ["serve", "uuid", "doctor", "gphoto2-guid", "import"],
    defaultText: "per-user file",
    help: 'keep the UUID in this file (default: the per-user file, see "ptpip-canon-helper uuid")',
    readme: "keep the UUID in this file",
  },
  announce: {
    kind: "flag",
    commands: ["serve"],
    help: "also announce with NOTIFY alive/byebye (off: cameras search)",
    readme: "also send NOTIFY `ssdp:alive` at start and every max-age/3, `ssdp:byebye` at exit",
  },
  "mx-delay": {
    kind: "flag",
    commands: ["serve"],
    help: "spread answers to multicast searches over their MX, as UPnP suggests " +
      "(off: answers go at once)",
    readme: "spread answers to multicast searches over their MX (cameras expect an answer at once)",
  },
  "rescan-interval": {
    kind: "seconds",
    min: 0,
    max: 3600,
    value: "S",
    commands: ["serve"],
    default: 5,
    help: "re-read interfaces every S seconds, 0 = never (default: {default})",
    readme: "re-read the interfaces every S seconds; 0 = never",
  },
  "on-camera": {
    kind: "flag",
    commands: ["serve"],
    value: "-- PROGRAM [ARG…]",
    help: 'run PROGRAM each time a camera becomes ready; everything after "--" is the ' +
      'program and its arguments (put LAN_IP and options before "--"). No shell: the ' +
      "camera's address and name reach it in CAMERA_IP and CAMERA_NAME. Only {ip} in an " +
      "argument is replaced, by the checked IPv4 address; the name comes from the network " +
      "and never enters an argument ({name} stays as written), e.g.\n" +
      "  --on-camera -- gphoto2 --port ptpip:{ip} --summary\n" +
      "Its output and exit code are logged; one run at a time per camera, 30 runs a " +
      "minute at most; a failure never stops the helper.",
    example: "ptpip-canon-helper --on-camera -- gphoto2 --port ptpip:{ip} --summary",
    readme: "run PROGRAM when a camera is ready (no shell; `CAMERA_IP`, `CAMERA_NAME` in its " +
      "environment; only `{ip}` is replaced in arguments)",
  },
  exec: {
    kind: "flag",
    commands: ["serve"],
    value: "-- PROGRAM [ARG…]",
    help: "the same as --on-camera",
    example: "ptpip-canon-helper --exec -- gphoto2 --port ptpip:{ip} --summary",
    readme: "the same as `--on-camera`",
  },
  eos: {
    kind: "flag",
    commands: ["serve"],
    help: "also pair older EOS bodies (6D, 70D, 5D III, 7D, M50) in EOS Utility mode, " +
      "which announce themselves instead of searching: when one does, fetch its " +
      "description with a Windows User-Agent, as EOS Utility does, which arms the " +
      "camera's PTP/IP listener; then again every 3 s, 10 times at most. Off by default, " +
      "because that fetch changes the camera's state: without --eos such a camera is " +
      "only named in the log. gphoto2 must connect within those 30 s (see gphoto2-guid)",
    readme: "pair EOS bodies that announce themselves (6D, 70D, M50): fetch their description as " +
      "Windows does; see [Older EOS bodies](#older-eos-bodies---eos)",
  },
  "import-to": {
    kind: "path",
    value: "DIR",
    commands: ["serve", "doctor"],
    defaultText: "off",
    help: "keep each ready camera connected over PTP/IP and copy its photos into DIR as they " +
      "are taken (the layout and record of the import command: DIR/YYYY/YYYY-MM-DD, each photo " +
      "once). Off by default: a camera takes one PTP/IP client, so with this on, gphoto2, " +
      "chdkptp or an --on-camera program cannot use the camera. With doctor: check that DIR " +
      "exists, can be written and has room",
    example: "ptpip-canon-helper --import-to ~/Pictures/Canon",
    readme: "keep each ready camera connected over PTP/IP and copy its new photos into DIR as " +
      "they are taken; the helper then holds the camera's one PTP/IP connection, so " +
      "gphoto2, chdkptp or an `--on-camera` program cannot use it",
  },
  "on-photo": {
    kind: "path",
    value: "PROGRAM",
    commands: ["serve"],
    help: "with --import-to: run PROGRAM once per imported photo, with the photo's path as its " +
      "argument (and in PHOTO_PATH; the camera's address in CAMERA_IP). No shell, as for " +
      '--on-camera, and no "--" (that belongs to --on-camera): its arguments are given one ' +
      "per --on-photo-arg, e.g.\n" +
      "  --on-photo rclone --on-photo-arg copy --on-photo-arg {path} --on-photo-arg remote:photos\n" +
      "One run at a time per camera, in the order the photos came; output and exit code logged",
    example: "ptpip-canon-helper --import-to ~/Pictures/Canon --on-photo /usr/local/bin/upload",
    readme: "with `--import-to`: run PROGRAM once per imported photo, its path as the argument " +
      "and in `PHOTO_PATH` (no shell; no `--`, which `--on-camera` uses)",
  },
  "on-photo-arg": {
    kind: "list",
    value: "ARG",
    commands: ["serve"],
    default: "{path}",
    help:
      "an argument of the --on-photo program (repeatable, in order; default: {default} alone). " +
      "{path} is replaced by the photo's path, {ip} by the camera's address; nothing else. An " +
      "argument starting with - is written --on-photo-arg=-ARG",
    example:
      "ptpip-canon-helper --import-to DIR --on-photo convert --on-photo-arg {path} --on-photo-arg out.png",
    readme: "an argument of the `--on-photo` program, repeatable; `{path}` and `{ip}` are replaced",
  },
  "on-camera-any": {
    kind: "flag",
    commands: ["serve"],
    help: "count any device that fetched the description and then answered over SSDP as " +
      "a camera, Canon or not (the rule before Canon cameras were recognised): it gets " +
      "the ready line and --on-camera runs for it",
    readme: "count any device that fetched the description and answered as a camera (ready line " +
      "and `--on-camera`), Canon or not",
  },
  "probe-ptpip": {
    kind: "flag",
    commands: ["serve"],
    help: `when a camera is ready, open one TCP connection to its PTP/IP port ${PTPIP_PORT} ` +
      "and close it at once, to log whether it accepts connections. Off by default, and " +
      "risky: an EOS 6D's listener takes one connection only, and EOS R bodies are " +
      "reported to abort their search or restart their access point after it",
    readme: "when a camera is ready, connect to its PTP/IP port once and close; risky for EOS " +
      "bodies (see `--help`), never used on an EOS-flow camera",
  },
  timeout: {
    kind: "seconds",
    min: 1,
    max: 60,
    value: "SECONDS",
    commands: ["probe"],
    default: 3,
    help: "probe: how long to collect answers (default: {default})",
    example: "ptpip-canon-helper probe --timeout 5",
    readme: "`probe` only: how long to collect answers",
  },
  reset: {
    kind: "flag",
    commands: ["uuid"],
    help: "uuid: make a new UUID (needs --force; every paired camera must pair again)",
    example: "ptpip-canon-helper uuid --reset --force",
    readme: "`uuid` only: make a new UUID (needs `--force`; every paired camera must pair again)",
  },
  force: {
    kind: "flag",
    commands: ["uuid"],
    help: "uuid: confirm --reset",
    example: "ptpip-canon-helper uuid --reset --force",
    readme: "`uuid` only: confirm `--reset`",
  },
  write: {
    kind: "flag",
    commands: ["gphoto2-guid"],
    help: "gphoto2-guid: put the line into gphoto2's settings file (every other line is " +
      "kept; written atomically)",
    example: "ptpip-canon-helper gphoto2-guid --write",
    readme: "`gphoto2-guid` only: put the GUID line into gphoto2's settings file",
  },
  "settings-file": {
    kind: "path",
    value: "PATH",
    commands: ["gphoto2-guid"],
    defaultText: "libgphoto2's file",
    help: "gphoto2-guid: the settings file to write (default: the one libgphoto2 reads, " +
      "~/.gphoto/settings unless a newer gphoto/settings exists in the config folder)",
    example: "ptpip-canon-helper gphoto2-guid --write --settings-file ./settings",
    readme: "`gphoto2-guid --write` only: the settings file to write",
  },
  to: {
    kind: "path",
    value: "DIR",
    commands: ["import"],
    defaultText: "`~/Pictures/Canon`",
    help: "import: the folder photos are copied into, made if missing (default: the " +
      "Canon folder in your Pictures: ~/Pictures/Canon, on Linux $XDG_PICTURES_DIR/Canon " +
      "when that is set, on Windows %USERPROFILE%\\Pictures\\Canon). Photos already " +
      "imported there are not copied again, and an import cut short resumes where it stopped",
    example: "ptpip-canon-helper import 192.168.1.23 --to ~/Photos/Canon",
    readme: "`import` only: the folder photos are copied into (Linux: `$XDG_PICTURES_DIR/Canon` " +
      "when set; Windows: `%USERPROFILE%\\Pictures\\Canon`)",
  },
  "list-interfaces": {
    kind: "flag",
    commands: ["serve", "interfaces"],
    help: 'the same as the "interfaces" command',
    readme: "the same as the `interfaces` command",
  },
  verbose: {
    short: "v",
    kind: "flag",
    commands: COMMANDS,
    help: "log every datagram and why it was or was not answered",
  },
  quiet: {
    short: "q",
    kind: "flag",
    commands: COMMANDS,
    help: 'log warnings, errors and "camera … is ready" only',
    readme: 'warnings, errors and the "camera … is ready" line only',
  },
  "log-format": {
    kind: "text",
    value: "FORMAT",
    commands: COMMANDS,
    default: "text",
    help: '{default} (default) or json: one JSON object per line on stderr with "@timestamp", ' +
      '"level", "message" and "properties" (whose "event" names the kind of line, e.g. ' +
      "camera-ready)",
    readme: "`text`, or `json` (one object per line)",
  },
  version: {
    short: "V",
    kind: "flag",
    commands: COMMANDS,
    defaultText: "",
    help: "print the version",
  },
  help: {
    short: "h",
    kind: "flag",
    commands: COMMANDS,
    defaultText: "",
    help: "print this help",
    readme: "print the help",
  },
  "any-source": {
    kind: "flag",
    commands: ["serve"],
    section: "limits",
    help: "answer searches from any address, not only from the served subnets. WARNING: " +
      "lets anyone who can reach this port use the helper to reflect traffic at others.",
    readme: "answer searches from outside the served subnets (makes the helper a reflector: " +
      "see [source and rate rules](docs/wire.md#who-gets-an-answer-source-and-rate-rules))",
  },
  "source-rate": {
    kind: "count",
    min: 0,
    max: 1_000_000,
    value: "N",
    commands: ["serve"],
    default: r.sourceRate,
    section: "limits",
    help: "answers per second per source after its burst; 0 = no per-source limit " +
      "(default: {default})",
    readme: "answers per second per source, after its burst; 0 = no per-source limit",
  },
  "source-burst": {
    kind: "count",
    min: 1,
    max: 1_000_000,
    value: "N",
    commands: ["serve"],
    default: r.sourceBurst,
    section: "limits",
    help: "answers a source may get at once (default: {default})",
    readme: "answers a source may get at once",
  },
  "global-rate": {
    kind: "count",
    min: 0,
    max: 10_000_000,
    value: "N",
    commands: ["serve"],
    default: r.globalRate,
    section: "limits",
    help: "answers per second over all sources; 0 = no limit (default: {default})",
    readme: "answers per second over all sources; 0 = no limit",
  },
  "source-table": {
    kind: "count",
    min: 1,
    max: 1_000_000,
    value: "N",
    commands: ["serve"],
    default: r.sourceTable,
    section: "limits",
    help: "sources remembered for the per-source limit (default: {default})",
    readme: "sources remembered for the per-source limit (least recently seen forgotten first)",
  },
} as const satisfies Record<string, OptionSpec>;

/** The long name of an option. */
export type OptionName = keyof typeof OPTION_TABLE;

/** Every long name, in table order. */
export const OPTION_NAMES = Object.keys(OPTION_TABLE) as OptionName[];

/** `-n/--name`, or `--max-age` for an option without a short alias: how errors name it. */
export function flagLabel(name: OptionName): string {
  const short = (OPTION_TABLE[name] as OptionSpec).short;
  return short ? `-${short}/--${name}` : `--${name}`;
}
