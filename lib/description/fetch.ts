/**
 * Fetching a URL the way a camera's embedded HTTP client does: one raw TCP connection, a bare
 * HTTP/1.1 GET, and everything read until the server closes. `fetch()` would hide what the camera
 * sees (it joins headers, follows redirects, decodes chunks), so `probe` grades the bytes themselves.
 *
 * @module
 */

import { isRejection, parseSsdpMessage } from "../ssdp/message.ts";
import { withTimeout } from "../util/timeout.ts";
import { closeQuietly } from "../util/close.ts";

/** What came back: the head as text (without the blank line) and the body bytes. */
export interface RawResponse {
  /** The response head, as text. */
  head: string;
  /** The body: what came after the head, within the caller's bound (1 MiB by default). */
  body: Uint8Array;
}

/** More than any description; a responder that sends more is cut off, not buffered without end. */
const MAX_RESPONSE_BYTES = 1 << 20;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const HEAD_END = encoder.encode("\r\n\r\n");

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Fetches `url` over a raw TCP connection and reads until the server closes it (or `timeoutMs`
 * passes, counted for the connect and the read alike). Throws with a readable message.
 */
export async function fetchRaw(
  url: string,
  method = "GET",
  timeoutMs = 3000,
): Promise<RawResponse> {
  const { hostname, port, pathname, search } = new URL(url);
  // What an embedded HTTP/1.1 client sends: no Connection header, so closing is the server's promise.
  const request = `${method} ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`;
  return await exchangeRaw(hostname, Number(port || 80), encoder.encode(request), timeoutMs);
}

/** The first buffer's size: a description and its head fit, so most reads never grow it. */
const FIRST_BUFFER_BYTES = 16 * 1024;

/**
 * Reads from `conn` until it closes or `maxBytes` have come, into one buffer that doubles as needed
 * and never exceeds `maxBytes`: a server that trickles a byte per segment costs that buffer, not an
 * object per read. Returns the bytes read.
 */
async function readBounded(conn: Deno.Conn, maxBytes: number): Promise<Uint8Array> {
  let buffer = new Uint8Array(Math.min(FIRST_BUFFER_BYTES, maxBytes));
  let total = 0;
  while (total < maxBytes) {
    if (total === buffer.length) {
      const grown = new Uint8Array(Math.min(buffer.length * 2, maxBytes));
      grown.set(buffer);
      buffer = grown;
    }
    const n = await conn.read(buffer.subarray(total));
    if (n === null) break;
    total += n;
  }
  return buffer.subarray(0, total);
}

/**
 * Sends `request` as it is to `hostname:port` over one TCP connection and reads the response until
 * the server closes it, `maxBytes` have come (the rest is not read: the caller needs no more; 1 MiB
 * by default), or `timeoutMs` passes (for the connect and the read alike): for callers whose request
 * bytes matter (the EOS flow's Windows-looking GET). Throws with a readable message.
 */
export async function exchangeRaw(
  hostname: string,
  port: number,
  request: Uint8Array,
  timeoutMs = 3000,
  maxBytes = MAX_RESPONSE_BYTES,
): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname, port, signal: AbortSignal.timeout(timeoutMs) });
  try {
    await conn.write(request);
    const all = await withTimeout(
      readBounded(conn, maxBytes),
      timeoutMs,
      "close of the HTTP connection",
    );
    const end = indexOfBytes(all, HEAD_END);
    if (end < 0) {
      throw new Error(
        `no complete HTTP head in ${JSON.stringify(decoder.decode(all.slice(0, 200)))}`,
      );
    }
    return {
      head: decoder.decode(all.subarray(0, end)),
      body: all.subarray(end + HEAD_END.length),
    };
  } finally {
    // The timeout path may have closed it already.
    closeQuietly(conn);
  }
}

/** A response head split into its status and headers (names in lower case, first one wins). */
export interface ResponseHead {
  /** The first line, e.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** The status code, or `undefined` when the first line is not `HTTP/1.x NNN …`. */
  status?: number;
  /** Headers by lower-case name. */
  headers: ReadonlyMap<string, string>;
}

/**
 * Splits a response head. Pure. An HTTP head has the grammar of an SSDP message (start line, then
 * `Name: value` lines), so the SSDP parser reads it, with its bounds and its leniency.
 */
export function parseResponseHead(head: string): ResponseHead {
  const parsed = parseSsdpMessage(encoder.encode(head));
  if (isRejection(parsed)) return { statusLine: head.split(/\r?\n/, 1)[0], headers: new Map() };
  const http1 = /^HTTP\/1\.[01]$/.test(parsed.version);
  return {
    statusLine: parsed.startLine,
    status: http1 ? parsed.status : undefined,
    headers: parsed.headers,
  };
}
