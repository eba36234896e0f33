/**
 * The description server: one TCP listener per served address (or one on all addresses), each request
 * read with a deadline, answered with the bytes from `http_description.ts`, then closed. Bounded: a
 * request head larger than 8 KiB is refused, a slow client is cut off at the deadline, and while the
 * cap of open connections is reached no more are accepted (the kernel queues them; the deadline drains
 * the slow ones).
 *
 * @module
 */

import { isClosedError, SocketError } from "../errors.ts";
import { encodeResponse, parseRequestLine, respond } from "./http.ts";

/** Settings of the description server. */
export interface DescriptionServerOptions {
  port: number;
  /** The path, without its leading slash. */
  path: string;
  body: Uint8Array;
  /** Time a client has to send its request head. */
  headerTimeoutMs: number;
  /** Connections served at once; more wait in the kernel's accept queue. */
  maxConnections: number;
  /** One call per request answered, for the log. */
  onRequest(request: { remote: string; method: string; path: string; status: number }): void;
}

const MAX_HEAD_BYTES = 8192;
const decoder = new TextDecoder();

/** Serves the description on a changing set of addresses. */
export class DescriptionServer {
  readonly #options: DescriptionServerOptions;
  readonly #listeners = new Map<string, Deno.TcpListener>();
  readonly #open = new Set<Deno.TcpConn>();
  /** Resolves the accept loops waiting for a free slot. */
  #slotFreed: (() => void)[] = [];

  /** @param options port, path, body, bounds and log callbacks */
  constructor(options: DescriptionServerOptions) {
    this.#options = options;
  }

  /** The addresses listened on now. */
  get addresses(): string[] {
    return [...this.#listeners.keys()];
  }

  /** Starts listening on `hostname` (`0.0.0.0` for all); throws a {@linkcode SocketError}. */
  listen(hostname: string): void {
    if (this.#listeners.has(hostname)) return;
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname, port: this.#options.port, transport: "tcp" });
    } catch (error) {
      throw SocketError.from("tcp", hostname, this.#options.port, error);
    }
    this.#listeners.set(hostname, listener);
    this.#accept(listener);
  }

  /** Stops listening on `hostname`; open connections finish. */
  unlisten(hostname: string): void {
    this.#listeners.get(hostname)?.close();
    this.#listeners.delete(hostname);
  }

  /** Stops every listener and connection. */
  close(): void {
    for (const hostname of this.addresses) this.unlisten(hostname);
    for (const conn of this.#open) closeQuietly(conn);
    this.#open.clear();
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    for (;;) {
      // A flood of connections waits in the kernel's queue instead of costing a log line or a
      // socket each: no accept while the cap is reached.
      while (this.#open.size >= this.#options.maxConnections) {
        await new Promise<void>((resolve) => this.#slotFreed.push(resolve));
      }
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (isClosedError(error)) {
          return;
        }
        continue; // a connection reset before accept: the listener itself is fine
      }
      this.#open.add(conn);
      this.#serve(conn).finally(() => {
        this.#open.delete(conn);
        closeQuietly(conn);
        this.#slotFreed.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const deadline = setTimeout(() => closeQuietly(conn), this.#options.headerTimeoutMs);
    try {
      const head = await readHead(conn);
      if (head === undefined) return;
      const request = parseRequestLine(head);
      const response = respond(request, this.#options.path, this.#options.body);
      await writeAll(conn, encodeResponse(response));
      this.#options.onRequest({
        remote: conn.remoteAddr.hostname,
        method: request?.method ?? "?",
        path: request?.path ?? "?",
        status: response.status,
      });
      await closeGracefully(conn);
    } catch {
      // The client went away or the deadline closed it; nothing to answer.
    } finally {
      clearTimeout(deadline);
    }
  }
}

/** What a client may still send after its head (a body we never use) before it is cut off. */
const MAX_DRAIN_BYTES = 64 * 1024;

/**
 * Ends the response with FIN and reads what the client still sends until it closes: closing a socket
 * with unread bytes would send a reset, and the client could lose the answer. Bounded in bytes here
 * and in time by the connection's deadline.
 */
async function closeGracefully(conn: Deno.TcpConn): Promise<void> {
  await conn.closeWrite();
  const sink = new Uint8Array(4096);
  for (let drained = 0; drained < MAX_DRAIN_BYTES;) {
    const n = await conn.read(sink);
    if (n === null) return;
    drained += n;
  }
}

/** Reads up to the blank line that ends a request head; `undefined` if the client stops first. */
async function readHead(conn: Deno.TcpConn): Promise<string | undefined> {
  const buffer = new Uint8Array(MAX_HEAD_BYTES);
  let length = 0;
  while (length < buffer.length) {
    const n = await conn.read(buffer.subarray(length));
    if (n === null) return undefined;
    length += n;
    const text = decoder.decode(buffer.subarray(0, length));
    if (/\r?\n\r?\n/.test(text)) return text;
  }
  // A head this large is no camera's; answer what its first line asks, or 400.
  return decoder.decode(buffer);
}

async function writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}
