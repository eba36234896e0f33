/**
 * The description server: one TCP listener per served address (or one on all addresses), each request
 * read with a deadline, answered with the bytes from `http.ts`, then closed. Bounded: a request head
 * larger than 8 KiB is refused, a slow client is cut off at the deadline, and the number of open
 * connections is capped, overall and per client address. At a cap the server keeps accepting and
 * closes the oldest connection of the client that holds the most: a flood of idle connections from
 * one host cannot keep a camera's GET waiting, as pausing accept would (the camera would queue
 * behind the flood in the kernel).
 *
 * @module
 */

import { isClosedError, SocketError } from "../errors.ts";
import { encodeResponse, parseRequestLine, respond } from "./http.ts";
import { after, sleep } from "../util/timers.ts";
import { writeAll } from "../util/checked_write.ts";
import { closeQuietly } from "../util/close.ts";

/** Settings of the description server. */
export interface DescriptionServerOptions {
  /** The TCP port listened on. */
  port: number;
  /** The path, without its leading slash. */
  path: string;
  /** The description's bytes, made once. */
  body: Uint8Array;
  /** Time a client has to send its request head. */
  headerTimeoutMs: number;
  /** Connections open at once, over all clients. */
  maxConnections: number;
  /** One call per request answered, for the log. */
  onRequest(request: HttpRequest): void;
}

/** A request as the server reports it. */
export interface HttpRequest {
  /** The client's address. */
  remote: string;
  /** The request method, `?` when the request line was unreadable. */
  method: string;
  /** The path asked for, with its leading slash, cut to {@linkcode MAX_LOGGED_PATH}. */
  path: string;
  /** The status answered. */
  status: number;
}

const MAX_HEAD_BYTES = 8192;
/** Connections open at once from one client: a camera opens one, a browser or a retry a few more. */
const MAX_PER_CLIENT = 8;
/** The longest request path reported; a longer one is cut, so a client cannot fill the log. */
export const MAX_LOGGED_PATH = 256;
/** Pause after an accept that failed for want of resources (`EMFILE`), instead of spinning. */
const ACCEPT_BACKOFF_MS = 50;
const decoder = new TextDecoder();

/** Serves the description on a changing set of addresses. */
export class DescriptionServer {
  readonly #options: DescriptionServerOptions;
  readonly #listeners = new Map<string, Deno.TcpListener>();
  /** Open connections and their client's address, oldest first. */
  readonly #open = new Map<Deno.TcpConn, string>();

  /** Keeps its settings; starts nothing. */
  constructor(options: DescriptionServerOptions) {
    this.#options = options;
  }

  /**
   * Starts listening on `hostname` (`0.0.0.0` for all); throws a {@linkcode SocketError}. Returns
   * the port listened on: the one given, or with port 0 (tests) the one the system chose.
   */
  listen(hostname: string): number {
    const listening = this.#listeners.get(hostname);
    if (listening) return (listening.addr as Deno.NetAddr).port;
    let listener: Deno.TcpListener;
    try {
      listener = Deno.listen({ hostname, port: this.#options.port, transport: "tcp" });
    } catch (error) {
      throw SocketError.from("tcp", hostname, this.#options.port, error);
    }
    this.#listeners.set(hostname, listener);
    this.#accept(listener);
    return (listener.addr as Deno.NetAddr).port;
  }

  /** Stops listening on `hostname`; open connections finish. */
  unlisten(hostname: string): void {
    this.#listeners.get(hostname)?.close();
    this.#listeners.delete(hostname);
  }

  /** Stops every listener and connection. */
  close(): void {
    for (const listener of this.#listeners.values()) listener.close();
    this.#listeners.clear();
    for (const conn of this.#open.keys()) closeQuietly(conn);
    this.#open.clear();
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (isClosedError(error)) return;
        // Out of descriptors (or a reset before accept): free one, and let the system breathe.
        const oldest = this.#open.keys().next().value;
        if (oldest) closeQuietly(oldest);
        await sleep(ACCEPT_BACKOFF_MS);
        continue;
      }
      const remote = conn.remoteAddr.hostname;
      const victim = evictionFor(this.#open, remote, this.#options.maxConnections, MAX_PER_CLIENT);
      if (victim) closeQuietly(victim);
      this.#open.set(conn, remote);
      this.#serve(conn).finally(() => {
        this.#open.delete(conn);
        closeQuietly(conn);
      });
    }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    const deadline = after(this.#options.headerTimeoutMs, () => closeQuietly(conn));
    try {
      const head = await readHead(conn);
      if (head === undefined) return;
      const request = parseRequestLine(head);
      const response = respond(request, this.#options.path, this.#options.body);
      await writeAll(conn, encodeResponse(response));
      this.#options.onRequest({
        remote: conn.remoteAddr.hostname,
        method: request?.method ?? "?",
        path: boundedPath(request?.path ?? "?"),
        status: response.status,
      });
      await closeGracefully(conn);
    } catch {
      // The client went away or the deadline closed it; nothing to answer.
    } finally {
      deadline.cancel();
    }
  }
}

/**
 * Which open connection makes way for a new one from `remote`, if a cap is reached: the oldest of
 * `remote`'s own at the per-client cap, else, at the overall cap, the oldest of the client holding
 * the most. `open` is in opening order. Pure; never throws.
 */
export function evictionFor<C>(
  open: ReadonlyMap<C, string>,
  remote: string,
  maxConnections: number,
  maxPerClient: number,
): C | undefined {
  const count = new Map<string, number>();
  for (const client of open.values()) count.set(client, (count.get(client) ?? 0) + 1);
  let from: string | undefined;
  if ((count.get(remote) ?? 0) >= maxPerClient) from = remote;
  else if (open.size >= maxConnections) {
    let most = 0;
    for (const [client, n] of count) if (n > most) [from, most] = [client, n];
  }
  if (from === undefined) return undefined;
  for (const [conn, client] of open) if (client === from) return conn;
  return undefined;
}

/** The path as logged: at most {@linkcode MAX_LOGGED_PATH} characters. */
function boundedPath(path: string): string {
  return path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…` : path;
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
