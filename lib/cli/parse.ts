/**
 * The command line: `args.ts` splits the syntax, then every value is validated into a
 * {@linkcode Command}. Pure: what needs the machine (the interface list, the host name) is checked in
 * `main.ts` with {@linkcode lanAddressProblem}.
 *
 * @module
 */

import { nameProblem } from "../description/document.ts";
import { UsageError } from "../errors.ts";
import { isLoopback, notHostReason, parseIpv4 } from "../network/ipv4.ts";
import { withoutTaskSeparator } from "./task_args.ts";
import {
  type CommandName,
  COMMANDS,
  flagLabel,
  OPTION_NAMES,
  OPTION_TABLE,
  type OptionName,
  type OptionSpec,
} from "./options.ts";
import { type ArgsProblem, type OptionValues, splitArgs } from "./args.ts";
import { LOG_FORMATS, type LogFormat } from "../terminal/log.ts";
import { isUuid, type UuidOptions } from "../uuid/store.ts";
import type { ServeConfig } from "../commands/serve.ts";
import type { InterfaceTableOptions } from "../network/report.ts";
import type { DoctorConfig } from "../diagnostics/doctor_facts.ts";
import type { SearchTarget } from "../ssdp/search_sockets.ts";
import type { ProbeCommand } from "../commands/diagnostics.ts";
import type { Gphoto2GuidConfig } from "../commands/gphoto2_guid.ts";
import type { ImportCommand } from "../commands/import.ts";

/** What every command reads: how much to log, and how (`main.ts` sets up the log with it). */
export type LogSettings = Pick<ServeConfig, "verbosity" | "logFormat">;

/** Where the device UUID comes from, for every command that needs it. */
export type UuidConfig = Pick<UuidOptions, "uuid" | "uuidFile">;

/** What the user asked for: one command and the settings it reads. */
export type Command =
  | { kind: "serve"; config: ServeConfig }
  | { kind: "interfaces"; config: LogSettings & InterfaceTableOptions }
  | { kind: "uuid"; config: LogSettings & UuidConfig; reset: boolean; force: boolean }
  | { kind: "doctor"; config: LogSettings & UuidConfig & DoctorConfig }
  | { kind: "probe"; config: LogSettings & ProbeCommand["config"] } & Omit<ProbeCommand, "config">
  | { kind: "gphoto2-guid"; config: LogSettings & UuidConfig } & Gphoto2GuidConfig
  | {
    kind: "import";
    config: LogSettings & UuidConfig & ImportCommand["config"];
  } & Omit<ImportCommand, "config">
  | {
    kind: "help";
    /** `help COMMAND`, `COMMAND --help`: that command's page; the overview when absent. */
    topic?: CommandName;
  }
  | { kind: "version" };

/** How to log and the named settings: a command's config holds nothing it does not read. Pure. */
function pick<K extends keyof ServeConfig>(
  config: ServeConfig,
  keys: readonly K[],
): LogSettings & Pick<ServeConfig, K> {
  const { verbosity, logFormat } = config;
  const named = Object.fromEntries(keys.map((k) => [k, config[k]])) as Pick<ServeConfig, K>;
  return { verbosity, logFormat, ...named };
}

/** Parses a whole number within bounds, naming the flag and the bad value when it is not. */
export function parseWholeNumber(
  flag: string,
  text: string,
  min: number,
  max: number,
): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${text}".`);
  }
  return Number(text);
}

/**
 * Edits from `a` to `b`, a swap of two neighbouring letters counting as one (optimal string
 * alignment): the commonest typo ("--nmae") is then as near as one wrong letter. Pure.
 */
function editDistance(a: string, b: string): number {
  // Three rows: a swap looks two rows back.
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j], before[j - 2] + 1);
      }
    }
    before = previous;
    previous = row;
  }
  return previous[b.length];
}

/** The word of `known` closest to `given`, if any is close enough to be a typo. Pure. */
function closest<T extends string>(given: string, known: readonly T[], slack = 0): T | undefined {
  let best: { name: T; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(given, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  const allowed = Math.max(1, Math.floor(given.length / 3)) + slack;
  return best && best.distance <= allowed ? best.name : undefined;
}

/** The known flag closest to an unknown one, if any is close enough to be a typo. */
export function suggestFlag(unknown: string): string | undefined {
  const name = closest(unknown.replace(/^-+/, "").split("=")[0], OPTION_NAMES);
  return name === undefined ? undefined : `--${name}`;
}

/** A command, or a word that acts like one (`help`, `version`: they print and end). */
type CommandWord = CommandName | "help" | "version";

/** The words that act like commands without being one. */
const META_COMMANDS: readonly CommandWord[] = ["help", "version"];

/**
 * Words users type for the default command, from `deno task start` and other programs. Not typos,
 * so no edit distance finds them.
 */
const SERVE_WORDS: readonly string[] = ["start", "run"];

/**
 * The command closest to a word that is none, if it looks like a typo of one. Commands of four
 * letters or more allow one edit more: "sever" is two from "serve".
 */
function suggestCommand(word: string): CommandWord | undefined {
  if (!/^[a-z0-9-]+$/i.test(word)) return undefined;
  const lower = word.toLowerCase();
  if (SERVE_WORDS.includes(lower)) return "serve";
  return closest(lower, [...COMMANDS, ...META_COMMANDS], word.length >= 4 ? 1 : 0);
}

/** The error for a word where a command goes that is none, with the likely one. Pure. */
function unknownCommand(word: string): UsageError {
  const command = suggestCommand(word);
  const hint = command === undefined ? "" : ` Did you mean ${command}?`;
  const serveWord = SERVE_WORDS.includes(word.toLowerCase())
    ? ' The helper serves when no command is given: leave "' + word + '" out.'
    : "";
  return new UsageError(`unknown command "${word}".${hint}${serveWord} See --help.`);
}

function isCommand(word: string | undefined): word is CommandName {
  return (COMMANDS as readonly (string | undefined)[]).includes(word);
}

/**
 * `help [COMMAND]`, `COMMAND --help`, `version` and `--version`: they win over everything else on the
 * line, as the help is what someone whose line does not parse needs. `undefined` for anything else.
 */
function metaCommand(words: readonly string[], values: OptionValues): Command | undefined {
  if (words[0] === "help") {
    const topic = words[1];
    if (isCommand(topic)) return { kind: "help", topic };
    if (topic === undefined || (META_COMMANDS as readonly string[]).includes(topic)) {
      return { kind: "help" };
    }
    throw unknownCommand(topic);
  }
  if (values.help) {
    return isCommand(words[0]) ? { kind: "help", topic: words[0] } : { kind: "help" };
  }
  if (values.version || words[0] === "version") return { kind: "version" };
  return undefined;
}

/**
 * The user's wording for a command line that does not split; `command` is the one the line names,
 * whose page lists every option. Pure.
 */
function syntaxError(problem: ArgsProblem, command: CommandName): UsageError {
  if (problem.kind === "unknown") {
    const hint = suggestFlag(problem.flag);
    return new UsageError(
      `unknown option ${problem.flag}.${
        hint ? ` Did you mean ${hint}?` : ""
      } See "help ${command}" for every option.`,
    );
  }
  const label = flagLabel(problem.name);
  switch (problem.kind) {
    case "missing-value":
      return new UsageError(`${label} needs a value. See --help.`);
    case "dash-value":
      return new UsageError(
        `${label} needs a value, and what follows it ("${problem.value}") starts with "-". A ` +
          `value that starts with "-" is written --${problem.name}=-VALUE.`,
      );
    case "unexpected-value":
      return problem.name === "on-camera" || problem.name === "exec"
        ? new UsageError(`--${problem.name} takes the program after "--": ${HOOK_EXAMPLE}`)
        : new UsageError(`${label} takes no value. See --help.`);
  }
}

const HOOK_EXAMPLE = OPTION_TABLE["on-camera"].example;

/** `--on-camera` given without a program after `--`. */
const NO_HOOK_PROGRAM = `--on-camera needs the program to run after "--", as in: ${HOOK_EXAMPLE}`;

/** Parses `probe`'s HOST[:PORT]; the port defaults to the SSDP port. */
function parseProbeTarget(text: string, defaultPort: number): SearchTarget {
  const match = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!match || parseIpv4(match[1]) === undefined) {
    throw new UsageError(
      `probe HOST must be an IPv4 address with an optional :PORT, such as 192.168.1.20 or ` +
        `127.0.0.1:1900, not "${text}".`,
    );
  }
  const port = match[2] === undefined
    ? defaultPort
    : parseWholeNumber("probe HOST:PORT", match[2], 1, 65535);
  return { hostname: match[1], port };
}

const URL_PATH = /^[A-Za-z0-9._~!$&'()*+,;=:@/-]+$/;

/** Parses and validates the arguments (without the program name). Throws {@linkcode UsageError}. */
export function parseCommandLine(given: readonly string[]): Command {
  const args = withoutTaskSeparator(given);
  const split = splitArgs(args);
  if (!split.ok) {
    // `--on-camera gphoto2 --summary` without "--": the program's own flags look like ours.
    if (args.some((a) => a === "--on-camera" || a === "--exec") && !args.includes("--")) {
      throw new UsageError(NO_HOOK_PROGRAM);
    }
    throw syntaxError(split.error, args.find(isCommand) ?? "serve");
  }
  const { values, positionals, beforeTerminator } = split.value;
  // With `--on-camera`/`--exec`, the words after `--` are the program and its arguments, verbatim;
  // only those before it are the command's (LAN_IP, HOST).
  const hook = values["on-camera"] || values.exec;
  const rest = hook ? positionals.slice(0, beforeTerminator) : positionals;
  const meta = metaCommand(rest, values);
  if (meta) return meta;
  const onCamera = hook ? positionals.slice(beforeTerminator) : undefined;
  if (onCamera !== undefined && (onCamera[0] ?? "").trim() === "") {
    throw new UsageError(NO_HOOK_PROGRAM);
  }

  const named: CommandName = isCommand(rest[0]) ? rest.shift() as CommandName : "serve";
  const kind = values["list-interfaces"] ? "interfaces" : named;
  // No address is a command's name: suggestCommand refuses any word with a dot.
  if (named === "serve" && rest[0] !== undefined && suggestCommand(rest[0])) {
    throw unknownCommand(rest[0]);
  }
  if (rest.length > 1) {
    throw new UsageError(
      `expected at most one ${POSITIONAL[kind] ?? "LAN_IP"}, got ${
        rest.map((r) => `"${r}"`).join(" ")
      }. See --help.`,
    );
  }
  if ((kind === "uuid" || kind === "gphoto2-guid") && rest.length > 0) {
    throw new UsageError(`"${kind}" takes no address, got "${rest[0]}".`);
  }
  for (const name of OPTION_NAMES) {
    const spec: OptionSpec = OPTION_TABLE[name];
    if (values[name] === undefined || spec.commands.includes(kind)) continue;
    const where = spec.commands.map((c) => `"${c}"`).join(" and ");
    const example = spec.example ? `, as in: ${spec.example}` : "";
    throw new UsageError(
      `${flagLabel(name)} does not apply to "${kind}": it goes with ${where}${example}.`,
    );
  }
  if (values.verbose && values.quiet) {
    throw new UsageError("-v/--verbose and -q/--quiet contradict each other; choose one.");
  }

  if (kind === "import" && rest[0] !== undefined) checkCameraAddress(rest[0]);
  // Only import takes --to (checked above).
  if (values.to !== undefined && values.to.trim() === "") {
    throw new UsageError(
      "--to needs a folder, such as --to ~/Pictures/Canon; leave it out to use that default.",
    );
  }
  // probe's HOST and import's CAMERA_IP are no LAN_IP.
  const lanAddress = POSITIONAL[kind] === undefined ? rest[0] : undefined;
  const config = { ...serveConfig(values, lanAddress), onCamera };
  switch (kind) {
    case "serve":
      return { kind, config };
    case "interfaces":
      return { kind, config: pick(config, ["lanAddress", "interfaceNames"]) };
    case "uuid":
      return {
        kind,
        config: pick(config, ["uuid", "uuidFile"]),
        reset: values.reset ?? false,
        force: values.force ?? false,
      };
    case "gphoto2-guid": {
      const settingsPath = values["settings-file"];
      if (settingsPath !== undefined && settingsPath.trim() === "") {
        throw new UsageError("--settings-file needs a path, such as ~/.gphoto/settings.");
      }
      if (settingsPath !== undefined && !values.write) {
        throw new UsageError(
          "--settings-file names the file --write writes; add --write, or leave it out to only print the line.",
        );
      }
      return {
        kind,
        config: pick(config, ["uuid", "uuidFile"]),
        write: values.write ?? false,
        settingsPath,
      };
    }
    case "doctor":
      return {
        kind,
        config: pick(config, [
          "lanAddress",
          "interfaceNames",
          "uuid",
          "uuidFile",
          "ssdpPort",
          "descPort",
          "descPath",
          "bindAll",
          "importTo",
        ]),
      };
    case "probe":
      return {
        kind,
        config: pick(config, ["ssdpPort", "interfaceNames"]),
        target: rest[0] === undefined ? undefined : parseProbeTarget(rest[0], config.ssdpPort),
        timeoutSeconds: number(values, "timeout"),
      };
    case "import":
      return {
        kind,
        config: pick(config, ["uuid", "uuidFile", "ssdpPort", "interfaceNames"]),
        camera: rest[0],
        to: values.to,
      };
  }
}

/** The positional a command takes, named as `--help` names it. */
const POSITIONAL: Partial<Record<CommandName, string>> = { probe: "HOST", import: "CAMERA_IP" };

/** Throws unless `text` can be the camera's address. */
function checkCameraAddress(text: string): void {
  const value = parseIpv4(text);
  const leaveOut = "Leave it out to find the camera on the network.";
  if (value === undefined) {
    throw new UsageError(
      `CAMERA_IP "${text}" is not an IPv4 address such as 192.168.1.23 (the camera's address, ` +
        `shown in its Wi-Fi settings or in the helper's "camera … is ready" line). ${leaveOut}`,
    );
  }
  const reason = notHostReason(value, value, 0xffffffff);
  if (reason !== undefined) {
    throw new UsageError(`CAMERA_IP ${text} is ${reason}, not one camera's address. ${leaveOut}`);
  }
}

/** The options whose value is a number, and so has bounds and a default. */
type NumberOption = {
  [K in OptionName]: typeof OPTION_TABLE[K] extends { default: number } ? K : never;
}[OptionName];

/** A number option's value within its row's bounds, or its row's default when it is not given. */
function number(values: OptionValues, name: NumberOption): number {
  const text = values[name];
  const spec = OPTION_TABLE[name];
  return typeof text === "string"
    ? parseWholeNumber(flagLabel(name), text, spec.min, spec.max)
    : spec.default;
}

function serveConfig(values: OptionValues, lanAddress: string | undefined): ServeConfig {
  if (lanAddress !== undefined) checkLanAddressSyntax(lanAddress);
  // Blanks around a name are a quoting slip, never part of what the camera should show.
  const name = values.name?.trim();
  const nameIssue = name === undefined ? undefined : nameProblem(name);
  if (nameIssue) throw new UsageError(`-n/--name "${values.name}" cannot be used: ${nameIssue}.`);
  // Windows shows a UUID in braces; the braces are not part of it.
  const uuid = values.uuid?.trim().replace(/^\{(.*)\}$/, "$1");
  if (uuid !== undefined && !isUuid(uuid)) {
    throw new UsageError(
      `--uuid "${values.uuid}" is not a UUID; expected the form 01234567-89ab-4def-8123-456789abcdef.`,
    );
  }
  if (values.uuid !== undefined && values["uuid-file"] !== undefined) {
    throw new UsageError("--uuid and --uuid-file both say where the UUID is; give only one.");
  }
  const filePath = values["file-path"] ?? OPTION_TABLE["file-path"].default;
  const descPath = filePath.replace(/^\/+/, "");
  if (!URL_PATH.test(descPath)) {
    throw new UsageError(
      `-f/--file-path "${filePath}" must be a URL path of letters, digits and . _ ~ - / ` +
        "(no spaces), such as ptpip-canon-desc-helper.xml.",
    );
  }
  const logFormat = values["log-format"] ?? OPTION_TABLE["log-format"].default;
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new UsageError(
      `--log-format must be one of ${LOG_FORMATS.join(", ")}, not "${logFormat}".`,
    );
  }
  const interfaceNames = values.iface ?? [];
  if (interfaceNames.some((name) => name.trim() === "")) {
    throw new UsageError("-i/--iface needs an interface name, such as eth0.");
  }
  return {
    lanAddress,
    name,
    ssdpPort: number(values, "port"),
    descPort: number(values, "desc-port"),
    descPath,
    maxAge: number(values, "max-age"),
    bindAll: values["bind-all"] ?? false,
    interfaceNames,
    uuid,
    uuidFile: values["uuid-file"],
    verbosity: values.verbose ? "verbose" : values.quiet ? "quiet" : "normal",
    logFormat: logFormat as LogFormat,
    anySource: values["any-source"] ?? false,
    mxDelay: values["mx-delay"] ?? false,
    announce: values.announce ?? false,
    rescanSeconds: number(values, "rescan-interval"),
    limits: {
      sourceRate: number(values, "source-rate"),
      sourceBurst: number(values, "source-burst"),
      globalRate: number(values, "global-rate"),
      sourceTable: number(values, "source-table"),
    },
    probePtpip: values["probe-ptpip"] ?? false,
    eos: values.eos ?? false,
    onCameraAny: values["on-camera-any"] ?? false,
    ...photoSink(values),
  };
}

/** `--import-to`, `--on-photo` and `--on-photo-arg`, checked together. */
function photoSink(values: OptionValues): Pick<ServeConfig, "importTo" | "onPhoto"> {
  const importTo = values["import-to"];
  if (importTo !== undefined && importTo.trim() === "") {
    throw new UsageError("--import-to needs a folder, such as --import-to ~/Pictures/Canon.");
  }
  const program = values["on-photo"];
  const args = values["on-photo-arg"];
  if (program === undefined) {
    if (args !== undefined) {
      throw new UsageError(
        "--on-photo-arg gives an argument of --on-photo PROGRAM; add --on-photo.",
      );
    }
    return { importTo };
  }
  if (program.trim() === "") {
    throw new UsageError("--on-photo needs a program, such as --on-photo /usr/local/bin/upload.");
  }
  if (importTo === undefined) {
    throw new UsageError(
      "--on-photo runs for each photo the helper imports, which it does only with --import-to DIR; add it.",
    );
  }
  // A list option is absent or holds a value: never an empty list.
  return { importTo, onPhoto: [program, ...(args ?? [OPTION_TABLE["on-photo-arg"].default])] };
}

/** Throws unless `text` is an IPv4 literal. */
function checkLanAddressSyntax(text: string): void {
  if (parseIpv4(text) !== undefined) return;
  throw new UsageError(
    text.includes(":")
      ? `LAN_IP "${text}" looks like an IPv6 address; Canon cameras pair over IPv4 only. ` +
        "Give this machine's IPv4 address, or leave LAN_IP out to use every LAN interface."
      : `LAN_IP "${text}" is not an IPv4 address such as 192.168.1.20 (host names are not ` +
        "accepted). Leave it out to use every LAN interface; `ptpip-canon-helper interfaces` lists them.",
  );
}

/**
 * Checks that a LAN address belongs to this machine. Returns the problem (with the machine's IPv4
 * addresses listed) or `undefined`.
 */
export function lanAddressProblem(
  lanAddress: string,
  ownAddresses: readonly { name: string; address: string }[],
): string | undefined {
  const value = parseIpv4(lanAddress);
  if (value !== undefined && isLoopback(value)) return undefined;
  if (ownAddresses.some((a) => a.address === lanAddress)) return undefined;
  const list = ownAddresses.map((a) => `${a.address} (${a.name})`).join(", ") || "none";
  return `LAN_IP ${lanAddress} is not an address of this machine. Its IPv4 addresses: ${list}.`;
}
