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
  parseCommandLine,
  type ServeConfig,
} from "./lib/cli/parse.ts";
import { runDoctor, runProbeCommand } from "./lib/commands/diagnostics.ts";
import { errorMessage, EXIT, HelperError, UsageError } from "./lib/errors.ts";
import { helpText } from "./lib/cli/help.ts";
import { formatInterfaceTable } from "./lib/network/report.ts";
import { log, type LogFormat, setupLogging } from "./lib/terminal/log.ts";
import { serve } from "./lib/commands/serve.ts";
import { stopSignal } from "./lib/terminal/signals.ts";
import { StatusLine } from "./lib/terminal/status_line.ts";
import { resolveUuid, userUuidPath } from "./lib/uuid/store.ts";
import { runUuidCommand } from "./lib/commands/uuid.ts";
import { denoVersionProblem, MINIMUM_DENO } from "./lib/util/deno_version.ts";

const interfaces = () => Deno.networkInterfaces();
const encoder = new TextEncoder();
const writeStderr = (text: string) => void Deno.stderr.writeSync(encoder.encode(text));

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

async function run(command: Command): Promise<void> {
  if (command.kind === "help") return void console.log(helpText(denoJson.version));
  if (command.kind === "version") return void console.log(`ptpip-canon-helper ${denoJson.version}`);
  const config = command.config;
  // A status line between JSON lines would break them; in a file or a pipe it would be noise.
  if (command.kind === "serve" && config.logFormat === "text" && Deno.stderr.isTerminal()) {
    statusLine = new StatusLine(writeStderr, terminalColumns);
  }
  const status = statusLine;
  await setupLogging(
    config.verbosity,
    config.logFormat,
    status ? (line) => status.writeLog(line) : undefined,
  );
  logFormat = config.logFormat;
  checkLanAddress(config);
  if (command.kind === "interfaces") {
    return void console.log(formatInterfaceTable(interfaces(), config));
  }

  if (command.kind === "probe") return await runProbeCommand(command, interfaces);

  const uuidOptions = {
    uuid: config.uuid,
    uuidFile: config.uuidFile,
    cwd: Deno.cwd(),
    userFile: userUuidPath(Deno.build.os, (name) => Deno.env.get(name)),
    randomUuid: () => crypto.randomUUID(),
  };
  if (command.kind === "uuid") return await runUuidCommand(command, uuidOptions);
  if (command.kind === "doctor") return await runDoctor(config, uuidOptions, interfaces);

  await serve(config, await resolveUuid(uuidOptions), {
    version: denoJson.version,
    hostname: () => Deno.hostname(),
    networkInterfaces: interfaces,
    now: () => performance.now(),
    random: Math.random,
    stopRequested: stopSignal(),
    status: status ? (text) => status.show(text) : undefined,
  });
}

function checkLanAddress(config: ServeConfig): void {
  if (config.lanAddress === undefined) return;
  const own = interfaces().filter((i) => i.family === "IPv4");
  const problem = lanAddressProblem(config.lanAddress, own);
  if (problem) throw new UsageError(problem);
}

/** Runs the command line and returns the exit code; user errors are one line, never a stack. */
export async function main(args: readonly string[]): Promise<number> {
  try {
    const tooOld = denoVersionProblem(Deno.version.deno, MINIMUM_DENO);
    if (tooOld) throw new HelperError(tooOld);
    await run(parseCommandLine(args));
    statusLine?.clear();
    return EXIT.ok;
  } catch (error) {
    statusLine?.clear();
    const failure = asHelperError(error);
    // With JSON logs every line of stderr stays one JSON object, the last one included.
    if (logFormat === "json") {
      log.fatal("{error}", { event: "error", error: failure.message, exitCode: failure.exitCode });
    } else {
      console.error(`ptpip-canon-helper: ${failure.message}`);
    }
    return failure.exitCode;
  }
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
