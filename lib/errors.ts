/**
 * Errors meant for the user: a message that says what was wrong and what to do, and the exit code to end
 * with. `main.ts` prints them once, without a stack trace.
 *
 * @module
 */

/** Exit codes: 2 for a bad command line, as most Unix tools do; 1 for everything else that failed. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;

/** An error whose message is written for the user. */
export class HelperError extends Error {
  /** @param message what went wrong and what to do about it
   *  @param exitCode the process exit code this error ends with */
  constructor(message: string, readonly exitCode: number = EXIT.failure) {
    super(message);
    this.name = "HelperError";
  }
}

/** A bad command line: exits with the usage code. */
export class UsageError extends HelperError {
  /** @param message which flag or argument was wrong, and how to fix it */
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = "UsageError";
  }
}

/** The message of anything thrown, for one-line reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Whether a socket operation failed because the socket was closed (the normal end of a loop). */
export function isClosedError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}
