/**
 * An answer whose send failed. It usually means a served address went away, so every failure asks
 * for a rescan at once; but a gone address fails every send, so the line comes once a second at most.
 *
 * @module
 */

import { errorMessage } from "../errors.ts";
import type { Emit } from "../events.ts";
import type { Clock } from "../util/timers.ts";

/** The least time between two `send-failed` lines, in milliseconds. */
const LINE_INTERVAL_MS = 1000;

/** What the send-failure handler needs. */
export interface SendFailureOptions {
  /** Times the lines. */
  clock: Pick<Clock, "now">;
  /** Where the line goes. */
  emit: Emit;
  /** Reads the interfaces again at once. */
  rescan: () => void;
}

/** The handler for the responder's failed sends: a throttled line, and a rescan each time. */
export function sendFailureHandler(
  options: SendFailureOptions,
): (error: unknown, to: Deno.NetAddr) => void {
  let lastLine = -Infinity;
  return (error, to) => {
    const now = options.clock.now();
    if (now - lastLine > LINE_INTERVAL_MS) {
      lastLine = now;
      options.emit({ event: "send-failed", to: to.hostname, error: errorMessage(error) });
    }
    options.rescan();
  };
}
