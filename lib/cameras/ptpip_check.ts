/**
 * `--probe-ptpip`: one TCP connect to a ready camera's PTP/IP port, closed at once without a byte sent.
 * Off by default: the camera's PTP/IP stack is fragile and accepts a single initiator, so even this
 * brief connection may be seen by it; it is opt-in for diagnosing "ready but clients cannot connect".
 *
 * @module
 */

import { PTPIP_PORT } from "../ptpip/port.ts";
import { errorMessage } from "../errors.ts";
import { err, ok, type Result } from "../util/result.ts";

/** Why the port did not accept the connection; `lib/cameras/text.ts` words it. */
export type PtpipRefusal =
  | { kind: "refused" }
  | { kind: "silent"; ms: number }
  | { kind: "failed"; cause: string };

/** How long the one connect may take before the port counts as unreachable. */
const CONNECT_TIMEOUT_MS = 3000;

/**
 * Connects once to `ip`'s PTP/IP port and closes the connection straight away. The port is the
 * camera's fixed one; a test gives a free one, as a fixed port may be taken on the machine.
 */
export async function checkPtpipPort(
  ip: string,
  timeoutMs = CONNECT_TIMEOUT_MS,
  port = PTPIP_PORT,
): Promise<Result<void, PtpipRefusal>> {
  try {
    const conn = await Deno.connect({
      hostname: ip,
      port,
      signal: AbortSignal.timeout(timeoutMs),
    });
    conn.close();
    return ok(undefined);
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) return err({ kind: "refused" });
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return err({ kind: "silent", ms: timeoutMs });
    }
    return err({ kind: "failed", cause: errorMessage(error) });
  }
}
