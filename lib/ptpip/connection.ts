/**
 * The socket side of a PTP/IP session: dialing with a deadline (a connection that arrives after
 * its deadline is closed, not leaked), writing a whole packet with a deadline, and the words for
 * what went wrong. The session gets its sockets from here and never touches `Deno.connect` itself,
 * so tests can hand it any connection.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { raceDeadline, TIMED_OUT } from "../util/timeout.ts";
import { cleanText } from "../util/text.ts";
import { errorMessage } from "../errors.ts";

/** Opens a TCP connection to `host`:`port` (the default is `Deno.connect`). */
export type Dial = (host: string, port: number) => Promise<Deno.Conn>;

/**
 * The default {@linkcode Dial}. Nagle's algorithm is off: each packet goes out in one write, and a
 * Pong held back behind an unacknowledged request would wait for the camera's delayed ACK.
 */
export async function tcpDial(host: string, port: number): Promise<Deno.Conn> {
  const conn = await Deno.connect({ hostname: host, port });
  conn.setNoDelay(true);
  return conn;
}

/** Why a connection could not be opened. */
export interface DialFailure {
  /** "refused": nothing listens (or the camera is not ready); "unreachable": anything else. */
  kind: "refused" | "unreachable";
  /** For a log line. */
  detail: string;
}

/** Dials within `ms`; a connection that comes later is closed at once. */
export async function dialWithin(
  dial: Dial,
  host: string,
  port: number,
  ms: number,
): Promise<Result<Deno.Conn, DialFailure>> {
  const attempt = dial(host, port);
  try {
    const conn = await raceDeadline(attempt, ms);
    if (conn === TIMED_OUT) {
      attempt.then((late) => late.close(), () => {});
      return err({ kind: "unreachable", detail: `no connection within ${ms} ms` });
    }
    return ok(conn);
  } catch (error) {
    if (error instanceof Deno.errors.ConnectionRefused) {
      return err({ kind: "refused", detail: "the connection was refused" });
    }
    const name = error instanceof Error ? error.name : "error";
    return err({ kind: "unreachable", detail: cleanText(`${name}: ${errorMessage(error)}`) });
  }
}

/** Why a write failed. */
export interface WriteFailure {
  /** "timeout": the camera stopped taking bytes; "closed": the connection is gone. */
  kind: "timeout" | "closed";
  /** For a log line. */
  detail: string;
}

/** Writes all of `bytes` within `ms` (a `write` may take only part of them). */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
  ms: number,
): Promise<Result<void, WriteFailure>> {
  const deadline = performance.now() + ms;
  let at = 0;
  try {
    while (at < bytes.length) {
      const n = await raceDeadline(
        conn.write(bytes.subarray(at)),
        Math.max(0, deadline - performance.now()),
      );
      if (n === TIMED_OUT) {
        return err({ kind: "timeout", detail: `could not send within ${ms} ms` });
      }
      at += n;
    }
    return ok(undefined);
  } catch (error) {
    const name = error instanceof Error ? error.name : "error";
    return err({ kind: "closed", detail: `the connection failed while sending (${name})` });
  }
}
