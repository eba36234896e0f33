/**
 * A client session with the fake camera of lab/ptpip_camera.ts on 127.0.0.1, and a sink that keeps
 * what a transfer gives, as the PTP/IP tests use them.
 *
 * @module
 */

import { openPtpipSession, type SessionOptions } from "../../lib/ptpip/session.ts";
import { joinBytes } from "../../lib/util/bytes.ts";

/**
 * A port on 127.0.0.1 where a connection is refused: port 1 (tcpmux), which nothing here serves. A
 * listener's port once closed is no such port: tests running beside one bind port 0 all the time
 * and can be given it in between.
 */
export const REFUSING_PORT = 1;

/** Deadlines for a session with the fake camera: generous for a loaded test machine. */
export const LOOPBACK_TIMEOUTS = { connectMs: 2000, initMs: 2000, readMs: 2000 };

/** The 16-byte GUID `first`, `first + 1`, …: each test file names its own client. */
export function testGuid(first: number): Uint8Array {
  return Uint8Array.from({ length: 16 }, (_, i) => first + i);
}

/** A session with the fake camera listening on `port` of 127.0.0.1. */
export function openOnLoopback(
  port: number,
  options: Pick<SessionOptions, "guid" | "hostName" | "closeSession">,
): ReturnType<typeof openPtpipSession> {
  return openPtpipSession({ host: "127.0.0.1", port, timeouts: LOOPBACK_TIMEOUTS, ...options });
}

/** A data sink that keeps what it is given, and all of it so far as one array. */
export function collectBytes(): {
  sink: (chunk: Uint8Array) => Promise<void>;
  bytes: () => Uint8Array;
} {
  const parts: Uint8Array[] = [];
  return {
    // The chunk is lent until the promise settles (DataSink): kept as a copy.
    sink: (chunk) => Promise.resolve(void parts.push(chunk.slice())),
    bytes: () => joinBytes(parts),
  };
}
