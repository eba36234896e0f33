/**
 * Errors meant for the user: a message that says what was wrong and what to do, and the exit code to end
 * with. `main.ts` prints them once, without a stack trace.
 *
 * @module
 */

import type { NotAUuid, UuidFailure } from "./uuid/store.ts";
import type { Result } from "./util/result.ts";

/** Exit codes: 2 for a bad command line, as most Unix tools do; 1 for everything else that failed. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** An error whose message is written for the user. */
export class HelperError extends Error {
  /**
   * The error, worded for the user.
   * @param message what went wrong and what to do about it
   * @param exitCode the process exit code this error ends with
   * @param options the error it words (a {@linkcode SocketError}), whose facts the edge may add to
   */
  constructor(message: string, readonly exitCode: number = EXIT.failure, options?: ErrorOptions) {
    super(message, options);
    this.name = "HelperError";
  }
}

/** A bad command line: exits with the usage code. */
export class UsageError extends HelperError {
  /**
   * The error, worded for the user.
   * @param message which flag or argument was wrong, and how to fix it
   */
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

/** Why a socket could not be opened, as the system or Deno said it. */
export type SocketProblem =
  | "in-use"
  | "not-permitted-by-deno"
  | "refused-by-system"
  | "not-local"
  | "no-udp-api"
  | "other";

/**
 * A socket that could not be opened, with its facts (transport, host, port, cause) and no user
 * wording: {@linkcode userMessage} words it, once, for the user.
 */
export class SocketError extends Error {
  /**
   * The error, worded for the user.
   * @param transport `udp` (the SSDP socket) or `tcp` (the description listener)
   * @param host the address it was opened on
   * @param port the port it was opened on
   * @param problem what went wrong, classified
   * @param cause the underlying error
   */
  constructor(
    readonly transport: "udp" | "tcp",
    readonly host: string,
    readonly port: number,
    readonly problem: SocketProblem,
    cause?: unknown,
  ) {
    super(`${transport} ${host}:${port}: ${problem}${cause ? ` (${errorMessage(cause)})` : ""}`, {
      cause,
    });
    this.name = "SocketError";
  }

  /** Classifies what opening a socket threw. */
  static from(transport: "udp" | "tcp", host: string, port: number, error: unknown): SocketError {
    return new SocketError(transport, host, port, socketProblem(error), error);
  }
}

function socketProblem(error: unknown): SocketProblem {
  if (error instanceof Deno.errors.AddrInUse) return "in-use";
  if (error instanceof Deno.errors.NotCapable) return "not-permitted-by-deno";
  if (error instanceof Deno.errors.PermissionDenied) return "refused-by-system";
  if (error instanceof Deno.errors.AddrNotAvailable) return "not-local";
  return "other";
}

/**
 * The user-facing line for a failure: the one place that words infrastructure errors and names the
 * flag that fixes them. Anything else keeps its own message. `holders` names the processes on a port
 * found in use ("minidlnad (pid 812)"), when the edge could see them.
 */
export function userMessage(error: unknown, holders?: string): string {
  if (!(error instanceof SocketError)) return errorMessage(error);
  const cause = errorMessage(error.cause);
  if (error.transport === "udp") {
    const where = `UDP port ${error.port}`;
    switch (error.problem) {
      case "no-udp-api":
        return "this Deno has no Deno.listenDatagram: run with --unstable-net " +
          '(or "unstable": ["net"] in deno.json).';
      case "in-use":
        // Every socket on the port is named: the one that does not share it is among them.
        return holders
          ? `${where} is in use by a program that does not share it (on it now: ${holders}). ` +
            "Stop that program, or test with another port using -p/--port."
          : `${where} is in use by a program that does not share it. Stop that program (on ` +
            'Windows, the "SSDP Discovery" service), or test with another port using -p/--port.';
      case "not-permitted-by-deno":
        return `Deno denied ${where}: run with --allow-net.`;
      case "refused-by-system":
        return `the system refused ${where}: use a port above 1023 with -p/--port.`;
      default:
        return `cannot open ${where}: ${cause}`;
    }
  }
  const where = `TCP port ${error.port} on ${error.host}`;
  switch (error.problem) {
    case "in-use":
      return `${where} is already in use ${
        holders ? `by ${holders}` : "(another ptpip-canon-helper?)"
      }. Stop that program, or choose another port with -P/--desc-port.`;
    case "not-permitted-by-deno":
      return `Deno denied listening on ${where}: run with --allow-net.`;
    case "refused-by-system":
      return `the system refused ${where}: choose a port above 1023 with -P/--desc-port.`;
    case "not-local":
      return `${error.host} is not an address of this machine (${where}).`;
    default:
      return `cannot listen on ${where}: ${cause}`;
  }
}

/**
 * The error for a device UUID that gives no PTP/IP GUID (`import` and the photo sink both derive
 * one to connect with); `reason` is `guidFromDeviceUuid`'s.
 */
export function noGuidError(reason: string): HelperError {
  return new HelperError(`the device UUID gives no PTP/IP GUID: ${reason}`);
}

/**
 * The UUID store's value, or its failure as the {@linkcode HelperError} the commands end with
 * (worded by {@linkcode uuidFailureMessage}).
 */
export function uuidOrThrow<T>(result: Result<T, UuidFailure>): T {
  if (!result.ok) throw new HelperError(uuidFailureMessage(result.error));
  return result.value;
}

/** The user-facing line for a UUID that could not be read, made or kept, with the flags that fix it. */
export function uuidFailureMessage(failure: UuidFailure): string {
  switch (failure.kind) {
    case "unreadable":
      return `cannot read the UUID file ${failure.path}: ${failure.cause}`;
    case "not-a-uuid":
      return `the UUID file ${failure.path} does not hold a UUID${
        notAUuidDetail(failure.found)
      }. ` +
        "It was left untouched: fix it by hand, or move it away to make a new UUID " +
        "(cameras paired with the old one will then have to pair again).";
    case "uncreatable":
      return `cannot create the UUID file ${failure.path}: ${failure.cause}. ` +
        "Choose a writable place with --uuid-file PATH, or give the UUID with --uuid.";
    case "vanished":
      return `the UUID file ${failure.path} vanished while being created`;
    case "unwritable":
      return `cannot write the UUID file ${failure.target}: ${failure.cause}. ` +
        `The UUID in ${failure.path}, if any, is unchanged.`;
    case "no-place":
      return "cannot tell where to keep the UUID: HOME (or APPDATA on Windows) is not set. " +
        `Give a file with --uuid-file PATH.${failure.warning ? ` (${failure.warning}.)` : ""}`;
  }
}

function notAUuidDetail(found: NotAUuid): string {
  switch (found.kind) {
    case "not-a-file":
      return " (it is not a regular file)";
    case "too-large":
      return ` (it has ${found.bytes} bytes)`;
    case "text":
      return found.start === undefined ? "" : ` (it has ${JSON.stringify(found.start)})`;
  }
}

/**
 * A domain error as the {@linkcode HelperError} the user sees, worded once, at the edge; others pass
 * through. `holders`: the processes on a port found in use, see {@linkcode userMessage}.
 */
export function forUser(error: unknown, holders?: string): unknown {
  return error instanceof SocketError
    ? new HelperError(userMessage(error, holders), EXIT.failure, { cause: error })
    : error;
}

/** The message of anything thrown, for one-line reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a socket operation failed because the socket was closed (the normal end of a loop). */
export function isClosedError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}
