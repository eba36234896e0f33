/**
 * ptpip-canon-helper: lets a Canon Wi-Fi camera pair with this computer, as Windows does natively, by
 * answering its SSDP search and serving the UPnP description it reads.
 *
 * @module
 */

import denoJson from "./deno.json" with { type: "json" };
import {
  type Command,
  lanAddressProblem,
  type LogSettings,
  parseCommandLine,
  type UuidConfig,
} from "./lib/cli/parse.ts";
import {
  errorMessage,
  EXIT,
  forUser,
  HelperError,
  SocketError,
  UsageError,
  uuidOrThrow,
} from "./lib/errors.ts";
import {
  bufferedStderr,
  flushLogs,
  logEvent,
  type LogFormat,
  setupLogging,
} from "./lib/terminal/log.ts";
import { log } from "./lib/terminal/logger.ts";
import { serve } from "./lib/commands/serve.ts";
import { type LabTiming, readLabTiming } from "./lib/commands/lab_timing.ts";
import { stopSignal } from "./lib/terminal/signals.ts";
import { StatusLine } from "./lib/terminal/status_line.ts";
import { resolveUuid, userUuidPath } from "./lib/uuid/store.ts";
import { denoVersionProblem, MINIMUM_DENO } from "./lib/util/deno_version.ts";

const interfaces = () => Deno.networkInterfaces();
const writeStderr = (text: string) => bufferedStderr()(text);

/** The log format once logging is set up: a fatal error is then one more log line. */
let logFormat: LogFormat | undefined;
/** The live status, when serving to a terminal with text logs. */
let statusLine: StatusLine | undefined;

function terminalColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined;
  }
}

/** The command of each kind; the type checker refuses a table that forgets one. */
type Handlers = {
  [K in Command["kind"]]: (command: Extract<Command, { kind: K }>) => Promise<void>;
};

// Only `serve` is imported up front: every other command's modules are loaded when it runs, so a
// camera's first answer never waits for code the helper does not serve with.
const HANDLERS: Handlers = {
  help: async ({ topic }) => {
    const { commandHelpText, helpText } = await import("./lib/cli/help.ts");
    console.log(
      topic ? commandHelpText(topic, denoJson.version) : helpText(denoJson.version),
    );
  },
  version: () => Promise.resolve(console.log(`ptpip-canon-helper ${denoJson.version}`)),
  interfaces: async ({ config }) => {
    startLogging(config);
    checkLanAddress(config.lanAddress);
    const { formatInterfaceTable } = await import("./lib/network/report.ts");
    console.log(formatInterfaceTable(interfaces(), config));
  },
  probe: async (command) => {
    startLogging(command.config);
    const { runProbeCommand } = await import("./lib/commands/diagnostics.ts");
    await runProbeCommand(command, interfaces);
  },
  uuid: async (command) => {
    startLogging(command.config);
    const { runUuidCommand } = await import("./lib/commands/uuid.ts");
    await runUuidCommand(command, uuidOptions(command.config));
  },
  "gphoto2-guid": async (command) => {
    startLogging(command.config);
    const home = Deno.env.get(Deno.build.os === "windows" ? "USERPROFILE" : "HOME");
    if (home === undefined && command.write && command.settingsPath === undefined) {
      throw new UsageError(
        "HOME is not set, so gphoto2's settings file cannot be found: name it with --settings-file PATH.",
      );
    }
    const { runGphoto2GuidCommand } = await import("./lib/commands/gphoto2_guid.ts");
    await runGphoto2GuidCommand(command, uuidOptions(command.config), {
      os: Deno.build.os,
      home: home ?? "~",
      xdgConfigHome: Deno.env.get("XDG_CONFIG_HOME"),
      exists: (path) => {
        try {
          return Deno.statSync(path).isFile;
        } catch {
          return false;
        }
      },
    });
  },
  doctor: async ({ config }) => {
    startLogging(config);
    checkLanAddress(config.lanAddress);
    const { runDoctor } = await import("./lib/commands/diagnostics.ts");
    await runDoctor(config, uuidOptions(config), interfaces);
  },
  import: async (command) => {
    const status = startLoggingWithStatus(command.config);
    const { runImportCommand } = await import("./lib/commands/import.ts");
    await runImportCommand(command, {
      uuid: uuidOptions(command.config),
      hostname: () => Deno.hostname(),
      os: Deno.build.os,
      env: (name) => Deno.env.get(name),
      interfaces,
      findWindowMs: labTiming()?.findWindowMs,
      emit: logEvent,
      status,
      stopSignal: () => {
        const stop = new AbortController();
        stopSignal().then(() => stop.abort());
        return stop.signal;
      },
    });
  },
  serve: async ({ config }) => {
    const status = startLoggingWithStatus(config);
    checkLanAddress(config.lanAddress);
    await serve(config, uuidOrThrow(await resolveUuid(uuidOptions(config))), {
      version: denoJson.version,
      hostname: () => Deno.hostname(),
      networkInterfaces: interfaces,
      random: Math.random,
      stopRequested: stopSignal(),
      status,
      timing: labTiming(),
    });
  },
};

function run<K extends Command["kind"]>(command: Extract<Command, { kind: K }>): Promise<void> {
  return (HANDLERS[command.kind] as (c: typeof command) => Promise<void>)(command);
}

/**
 * Logging with the live status line (serve's cameras, import's progress bar) when there is a
 * terminal to draw it on: between JSON lines it would break them, in a file or a pipe it is noise.
 * Returns what shows a status text, if anything does.
 */
function startLoggingWithStatus(config: LogSettings): ((text: string) => void) | undefined {
  const status = config.logFormat === "text" && Deno.stderr.isTerminal()
    ? statusLine = new StatusLine(writeStderr, terminalColumns)
    : undefined;
  startLogging(config, status);
  return status && ((text) => status.show(text));
}

function startLogging(config: LogSettings, status?: StatusLine): void {
  setupLogging(
    config.verbosity,
    config.logFormat,
    status ? (line) => status.writeLog(line) : undefined,
  );
  logFormat = config.logFormat;
}

/** The lab's shorter intervals; nothing in any shipped configuration, which cannot read them. */
function labTiming(): LabTiming | undefined {
  const timing = readLabTiming({
    granted: (variable) =>
      Deno.permissions.querySync({ name: "env", variable }).state === "granted",
    get: (variable) => Deno.env.get(variable),
  });
  if (!timing.ok) throw new HelperError(timing.error);
  return timing.value;
}

function uuidOptions(config: UuidConfig) {
  return {
    uuid: config.uuid,
    uuidFile: config.uuidFile,
    cwd: Deno.cwd(),
    userFile: userUuidPath(Deno.build.os, (name) => Deno.env.get(name)),
    randomUuid: () => crypto.randomUUID(),
  };
}

function checkLanAddress(lanAddress: string | undefined): void {
  if (lanAddress === undefined) return;
  const own = interfaces().filter((i) => i.family === "IPv4");
  const problem = lanAddressProblem(lanAddress, own);
  if (problem) throw new UsageError(problem);
}

/**
 * `--log-format json` asked for on a command line that did not parse: its error is then a JSON
 * line too, so that a service reading JSON sees one object per line from the first to the last.
 */
function jsonAskedFor(args: readonly string[]): boolean {
  return args.some((arg, i) =>
    arg === "--log-format=json" || (arg === "--log-format" && args[i + 1] === "json")
  );
}

/** Runs the command line and returns the exit code; user errors are one line, never a stack. */
export async function main(args: readonly string[]): Promise<number> {
  try {
    const tooOld = denoVersionProblem(Deno.version.deno, MINIMUM_DENO);
    if (tooOld) throw new HelperError(tooOld);
    await run(parseCommandLine(args));
    statusLine?.clear();
    await flushLogs(1000);
    return EXIT.ok;
  } catch (error) {
    statusLine?.clear();
    const failure = asHelperError(forUser(error, await portHolders(error)));
    if (logFormat === undefined && jsonAskedFor(args)) {
      startLogging({ verbosity: "normal", logFormat: "json" });
    }
    // With JSON logs every line of stderr stays one JSON object, the last one included.
    const json = logFormat === "json";
    if (json) {
      log.fatal("{error}", { event: "error", error: failure.message, exitCode: failure.exitCode });
    }
    // The last line must reach stderr before the exit, but a stalled stderr cannot hold the exit:
    // one flush, with a deadline. In text, the lines logged before the failure (an import's
    // summary) come before it, as they happened.
    await flushLogs(1000);
    if (!json) console.error(`ptpip-canon-helper: ${failure.message}`);
    return failure.exitCode;
  }
}

/**
 * The processes on a port found in use (`ss`, Linux only, within a second), for its line: "in use by
 * a program" alone leaves the user to find which. None for other failures.
 */
async function portHolders(error: unknown): Promise<string | undefined> {
  if (!(error instanceof SocketError) || error.problem !== "in-use") return undefined;
  const { holdersPhrase } = await import("./lib/diagnostics/port_holders.ts");
  return await holdersPhrase(error.port, error.transport, Deno.build.os);
}

/** Every failure as one user-facing line and an exit code. */
function asHelperError(error: unknown): HelperError {
  if (error instanceof HelperError) return error;
  if (error instanceof Deno.errors.NotCapable) {
    return new HelperError(
      `a Deno permission is missing: ${error.message}. Run with the flags of \`deno task start\`.`,
    );
  }
  return new HelperError(
    `unexpected error: ${errorMessage(error)}. Please report it with -v output.`,
  );
}

if (import.meta.main) Deno.exit(await main(Deno.args));
