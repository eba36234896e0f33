/**
 * A PTP/IP client session with a camera: the two connections opened in libgphoto2's order, one
 * transaction at a time, data phases streamed to a sink, events to listeners, Ping answered with
 * Pong on either connection, and every failure a value. Every read has a deadline. After a
 * timeout, a dropped connection or a protocol error in a transaction the session is closed: the
 * two sides no longer agree where the stream is, and a later answer could be taken for the wrong
 * question.
 *
 * @module
 */

import { PTPIP_PORT } from "./port.ts";
import { err, ok, type Result } from "../util/result.ts";
import { sleep } from "../util/timers.ts";
import {
  INIT_FAIL,
  initFailReason,
  OPERATION,
  operationName,
  RESPONSE,
  responseReason,
} from "./codes.ts";
import { cleanText } from "../util/text.ts";
import { closeQuietly } from "../util/close.ts";
import { joinBytes } from "../util/bytes.ts";
import { type Dial, dialWithin, tcpDial, writeAll, type WriteFailure } from "./connection.ts";
import {
  decodeDeviceInfo,
  decodeObjectInfo,
  decodeUint32Array,
  type DeviceInfo,
  MAX_ARRAY_COUNT,
  type ObjectInfo,
} from "./datasets.ts";
import {
  encodePacket,
  type Incoming,
  type Packet,
  PacketReader,
  PTPIP_VERSION,
  READ_CHUNK,
  type ReadFailure,
} from "./packets.ts";

/** Why a session could not open, or an operation failed. */
export interface SessionFailure {
  /**
   * - "unreachable": no connection (no route, no answer to the connect);
   * - "refused": the port refused the connection;
   * - "init-fail": the camera answered InitFail (`code` is the reason);
   * - "busy": the camera answered DeviceBusy (`code` 0x2019);
   * - "timeout": the camera stopped answering (the session is closed);
   * - "dropped": the camera closed a connection (`bytes`: how much of a data phase had arrived);
   * - "protocol": the camera sent something PTP/IP does not allow here (the session is closed);
   * - "response": the operation's response was not OK (`code` is it);
   * - "cancelled": the data sink rejected, so the transfer stopped (`bytes` were delivered).
   */
  kind:
    | "unreachable"
    | "refused"
    | "init-fail"
    | "busy"
    | "timeout"
    | "dropped"
    | "protocol"
    | "response"
    | "cancelled";
  /** For a log line: our words, and nothing the camera sent unless cleaned and bounded. */
  detail: string;
  /** The InitFail reason or the PTP response code. */
  code?: number;
  /** Bytes of the data phase delivered to the sink before it failed. */
  bytes?: number;
}

/**
 * Receives a data phase's bytes in order; each call is awaited (that is the back-pressure). The
 * chunk is lent, not given: it is a view of the connection's read buffer, valid only until the
 * returned promise settles, after which the next bytes are read into the same memory. A sink that
 * keeps bytes past that copies them (`chunk.slice()`); one that writes them out awaits the write.
 */
export type DataSink = (chunk: Uint8Array) => Promise<void>;

/** A PTP event, from the event connection (or, rarely, the command connection). */
export interface PtpEvent {
  /** The event code (see `EVENT`). */
  code: number;
  /** The transaction it refers to, 0xFFFFFFFF for none. */
  transactionId: number;
  /** Up to three parameters (ObjectAdded: the new object's handle). */
  params: number[];
}

/** Deadlines of a session, in milliseconds. */
export interface SessionTimeouts {
  /** Each TCP connect. */
  connectMs: number;
  /**
   * The first InitCommandAck. Long by default: on first pairing an EOS body answers only once
   * the user presses OK on the camera (the keep-alive script waits up to 90 s); 30 s leaves time
   * to find the button without a service hanging on a camera that will never answer.
   */
  initMs: number;
  /** Every other read: a packet, or a chunk of a data phase. */
  readMs: number;
}

/** Default deadlines. */
const DEFAULT_TIMEOUTS: SessionTimeouts = {
  connectMs: 5000,
  initMs: 30_000,
  readMs: 10_000,
};

/** How to reach the camera and who we say we are. */
export interface SessionOptions {
  /** The camera's address: both connections, command and event, are dialled to it. */
  host: string;
  /** Its PTP/IP port; `PTPIP_PORT` (15740) by default. */
  port?: number;
  /** Our 16-byte GUID: the camera pairs with it. */
  guid: Uint8Array;
  /** Our name, shown by cameras that list computers. */
  hostName: string;
  /** Opens a TCP connection; `Deno.connect` by default (tests pass their own). */
  dial?: Dial;
  /** Deadlines; each one missing takes its default. */
  timeouts?: Partial<SessionTimeouts>;
  /**
   * Whether `close()` sends CloseSession (default true). 2016-and-later EOS bodies answer
   * OperationNotSupported to everything after it, so libgphoto2 skips it for them. A function is
   * asked at close time: whether the camera is an EOS body is known only after GetDeviceInfo, and
   * `await using` closes on every path.
   */
  closeSession?: boolean | (() => boolean);
}

/** What the camera said about itself in InitCommandAck. */
export interface CameraHello {
  /** The camera's name, raw: clean it before showing it. */
  name: string;
  /** The camera's own 16-byte GUID, as sent. */
  guid: Uint8Array;
  /** The connection number the event connection quoted. */
  connectionNumber: number;
  /** Its PTP/IP version (0x00010000 for 1.0). */
  version: number;
}

/** What an operation answered: its response parameters and the data phase's size. */
export interface OperationResult {
  /** The response's parameters, u32s (at most five; most operations answer none). */
  params: number[];
  /** Bytes of data phase delivered (0 without one). */
  bytes: number;
}

/** How one operation runs; each option missing takes its default. */
export interface OperationOptions {
  /** Receives the data phase; without one it is counted and dropped. */
  sink?: DataSink;
  /** Responses taken as OK besides OK itself (none by default). */
  allow?: readonly number[];
  /** Each read's deadline (the session's `readMs` by default). */
  readMs?: number;
  /** The most the data phase may be (unbounded by default; more is a protocol failure). */
  limit?: number;
}

/** The sink of an operation given none: its data is counted and dropped. */
const drop: DataSink = () => Promise.resolve();

/** The most a dataset (DeviceInfo, ObjectInfo) may be. */
const MAX_DATASET_BYTES = 1024 * 1024;
/** The most a handle list may be: the count and MAX_ARRAY_COUNT handles. */
const MAX_HANDLES_BYTES = 4 + 4 * MAX_ARRAY_COUNT;
/** After a sink rejects, this much of the data phase is read and dropped to keep the session. */
const DRAIN_LIMIT = 16 * 1024 * 1024;
/** The longest CloseSession may take at close. */
const CLOSE_SESSION_MS = 2000;
/** libgphoto2: the event connection is retried twice, 100 ms apart, when refused (Ricoh Theta). */
const EVENT_CONNECT_RETRIES = 2;
const EVENT_CONNECT_PAUSE_MS = 100;

function fromRead(failure: ReadFailure, what: string, ms: number): SessionFailure {
  switch (failure.kind) {
    case "timeout":
      return { kind: "timeout", detail: `no answer to ${what} within ${ms} ms` };
    case "closed":
      return { kind: "dropped", detail: `${failure.detail} (waiting for ${what})` };
    default:
      return { kind: "protocol", detail: `${failure.detail} (waiting for ${what})` };
  }
}

function fromWrite(failure: WriteFailure, what: string): SessionFailure {
  return {
    kind: failure.kind === "timeout" ? "timeout" : "dropped",
    detail: `${failure.detail} (${what})`,
  };
}

/** An open PTP/IP session, as {@linkcode openPtpipSession} opens it. */
export class PtpipSession {
  /** The camera's InitCommandAck. */
  readonly camera: CameraHello;
  /**
   * Resolves when the session ends: undefined after `close()`, the failure when a connection
   * dropped or a transaction broke it.
   */
  readonly closed: Promise<SessionFailure | undefined>;
  #command: Deno.Conn;
  #commandReader: PacketReader;
  #event: Deno.Conn;
  #eventReader: PacketReader;
  #timeouts: SessionTimeouts;
  #closeSession: boolean | (() => boolean);
  #nextTransaction = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #busy = 0;
  #listeners = new Set<(event: PtpEvent) => void>();
  #broken: SessionFailure | undefined;
  #eventFailure: SessionFailure | undefined;
  #ending = false;
  #resolveClosed!: (value: SessionFailure | undefined) => void;
  #eventLoop: Promise<void>;
  #closing: Promise<void> | undefined;

  /** The two connections after their handshakes; reading events starts at once. */
  constructor(
    camera: CameraHello,
    command: Deno.Conn,
    commandReader: PacketReader,
    event: Deno.Conn,
    eventReader: PacketReader,
    timeouts: SessionTimeouts,
    closeSession: boolean | (() => boolean),
  ) {
    this.camera = camera;
    this.#command = command;
    this.#commandReader = commandReader;
    this.#event = event;
    this.#eventReader = eventReader;
    this.#timeouts = timeouts;
    this.#closeSession = closeSession;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.#eventLoop = this.#readEvents();
  }

  async #readEvents(): Promise<void> {
    while (!this.#ending) {
      const next = await this.#eventReader.next(this.#timeouts.readMs);
      if (this.#ending) return;
      if (!next.ok) {
        // Quiet is normal on the event connection: the deadline only lets the loop look up.
        if (next.error.kind === "timeout") continue;
        this.#eventGone(fromRead(next.error, "events", this.#timeouts.readMs));
        return;
      }
      const packet = next.value;
      if (packet.type === "Event") this.#emit(packet);
      else if (packet.type === "Ping") {
        const sent = await writeAll(
          this.#event,
          encodePacket({ type: "Pong" }),
          this.#timeouts.readMs,
        );
        if (!sent.ok && !this.#ending) {
          this.#eventGone(fromWrite(sent.error, "answering a Ping on the event connection"));
          return;
        }
      }
      // Anything else on the event connection (a Pong, a stray packet) is ignored.
    }
  }

  /**
   * The event connection is gone. A transaction under way finishes first: a camera cutting both
   * connections mid-transfer has sent bytes that are still to be read on the command connection,
   * and closing it now would lose them (and the count of what arrived).
   */
  #eventGone(failure: SessionFailure): void {
    this.#eventFailure ??= failure;
    if (this.#busy === 0) this.#end(failure);
  }

  #emit(packet: { code: number; transactionId: number; params: number[] }): void {
    const event = { code: packet.code, transactionId: packet.transactionId, params: packet.params };
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; the others still hear the event.
      }
    }
  }

  /** Calls `listener` for each event; returns the call that stops it. */
  onEvent(listener: (event: PtpEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Ends the session: both sockets closed, `closed` settled with `failure`. */
  #end(failure: SessionFailure | undefined): void {
    if (failure && !this.#broken) this.#broken = failure;
    if (this.#ending) return;
    this.#ending = true;
    closeQuietly(this.#command);
    closeQuietly(this.#event);
    this.#resolveClosed(failure);
  }

  /** Runs `work` after every transaction queued before it. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    this.#busy++;
    const run = this.#queue.then(work).finally(() => {
      this.#busy--;
      if (this.#busy === 0 && this.#eventFailure) this.#end(this.#eventFailure);
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  #takeTransactionId(): number {
    const id = this.#nextTransaction;
    // 0xFFFFFFFF is reserved ("no transaction"), and 0 belongs to OpenSession.
    this.#nextTransaction = id >= 0xFFFFFFFE ? 1 : id + 1;
    return id;
  }

  /**
   * Any operation with no data or data in (vendor ones: EOS SetRemoteMode…), queued behind those
   * before it; its data streamed to `options.sink` if given, else dropped.
   */
  operation(
    code: number,
    params: number[] = [],
    options: OperationOptions = {},
  ): Promise<Result<OperationResult, SessionFailure>> {
    return this.#serial(() => this.#transact(code, params, options));
  }

  async #transact(
    code: number,
    params: number[],
    { sink = drop, allow = [], readMs = this.#timeouts.readMs, limit = Infinity }: OperationOptions,
  ): Promise<Result<OperationResult, SessionFailure>> {
    if (this.#broken) return err(this.#broken);
    if (this.#eventFailure) return this.#fail(this.#eventFailure);
    if (this.#ending) return err({ kind: "dropped", detail: "the session is closed" });
    const what = operationName(code);
    const transactionId = this.#takeTransactionId();
    const request: Packet = { type: "OperationRequest", dataPhase: 1, code, transactionId, params };
    const sent = await writeAll(this.#command, encodePacket(request), readMs);
    if (!sent.ok) return this.#fail(fromWrite(sent.error, `sending ${what}`));

    let total: number | bigint | undefined;
    let inData = false;
    let dataEnded = false;
    let bytes = 0;
    let sinkFailed = false;
    let drained = 0;
    const reader = this.#commandReader;
    const cut = (failure: SessionFailure) => {
      if (!inData) return failure;
      const of = typeof total === "number" ? ` of ${total}` : "";
      return { ...failure, detail: `${failure.detail} after ${bytes}${of} bytes`, bytes };
    };
    for (;;) {
      const next = await reader.next(readMs);
      if (!next.ok) return this.#fail(cut(fromRead(next.error, what, readMs)));
      const packet: Incoming = next.value;
      switch (packet.type) {
        case "Ping": {
          const pong = await writeAll(this.#command, encodePacket({ type: "Pong" }), readMs);
          if (!pong.ok) return this.#fail(cut(fromWrite(pong.error, "answering a Ping")));
          continue;
        }
        case "Pong":
          continue;
        case "Event":
          this.#emit(packet);
          continue;
        case "StartData":
          if (packet.transactionId !== transactionId || total !== undefined) {
            return this.#failProtocol(`an unexpected StartData during ${what}`);
          }
          total = packet.totalLength;
          // Refused before a byte is read: a collected data phase must fit its bound.
          if (total > limit) {
            return this.#failProtocol(`${what} announced ${total} bytes, more than ${limit}`);
          }
          inData = true;
          continue;
        case "Data":
        case "EndData": {
          if (!inData || packet.transactionId !== transactionId) {
            return this.#failProtocol(`an unexpected ${packet.type} during ${what}`);
          }
          if (bytes + drained + packet.payloadLength > limit) {
            return this.#failProtocol(`${what} sent more than ${limit} bytes`);
          }
          if (typeof total === "number" && bytes + packet.payloadLength > total) {
            return this.#failProtocol(
              `${what} sent more data than the ${total} bytes it announced`,
            );
          }
          while (reader.payloadRemaining > 0) {
            const chunk = await reader.readPayload(READ_CHUNK, readMs);
            if (!chunk.ok) return this.#fail(cut(fromRead(chunk.error, what, readMs)));
            if (!sinkFailed) {
              try {
                await sink(chunk.value);
                bytes += chunk.value.length;
              } catch {
                sinkFailed = true;
                drained += chunk.value.length;
              }
            } else drained += chunk.value.length;
            const left = typeof total === "number" ? total - bytes - drained : Infinity;
            if (sinkFailed && (left > DRAIN_LIMIT || drained > DRAIN_LIMIT)) {
              return this.#fail({
                kind: "cancelled",
                detail: `the transfer of ${what} stopped after ${bytes} bytes; the session closed`,
                bytes,
              });
            }
          }
          if (packet.type === "EndData") {
            inData = false;
            dataEnded = true;
          }
          continue;
        }
        case "OperationResponse": {
          if (packet.transactionId !== transactionId) {
            // libgphoto2 skips a late answer to an earlier transaction; anything else is wrong.
            if (packet.transactionId < transactionId) continue;
            return this.#failProtocol(
              `a response to transaction ${packet.transactionId} during ${what} (${transactionId})`,
            );
          }
          if (sinkFailed) {
            return err({
              kind: "cancelled",
              detail: `the transfer of ${what} stopped after ${bytes} bytes`,
              bytes,
            });
          }
          const answer = packet.code;
          if (answer !== RESPONSE.OK && !allow.includes(answer)) {
            const kind = answer === RESPONSE.DeviceBusy ? "busy" : "response";
            return err({ kind, detail: `${what}: ${responseReason(answer)}`, code: answer });
          }
          if (inData) {
            return this.#failProtocol(`${what} answered OK before its data ended`);
          }
          if (dataEnded && typeof total === "number" && total !== bytes) {
            return err({
              kind: "protocol",
              detail: `${what} sent ${bytes} of the ${total} bytes it announced`,
              bytes,
            });
          }
          return ok({ params: packet.params, bytes });
        }
        default:
          return this.#failProtocol(`an unexpected ${packet.type} during ${what}`);
      }
    }
  }

  /** A failure that leaves the stream out of step: the session ends with it. */
  #fail(failure: SessionFailure): { ok: false; error: SessionFailure } {
    this.#end(failure);
    return err(failure);
  }

  #failProtocol(detail: string): { ok: false; error: SessionFailure } {
    return this.#fail({ kind: "protocol", detail });
  }

  /** Any operation whose data phase is collected, up to `maxBytes` (more is a protocol failure). */
  async operationData(
    code: number,
    params: number[],
    maxBytes: number,
  ): Promise<Result<{ params: number[]; data: Uint8Array }, SessionFailure>> {
    const parts: Uint8Array[] = [];
    // The chunk is lent (DataSink): kept as a copy.
    const sink = (chunk: Uint8Array) => Promise.resolve(void parts.push(chunk.slice()));
    const result = await this.operation(code, params, { sink, limit: maxBytes });
    if (!result.ok) return result;
    return ok({ params: result.value.params, data: joinBytes(parts) });
  }

  async #dataset<T>(
    code: number,
    params: number[],
    maxBytes: number,
    decode: (bytes: Uint8Array) => Result<T>,
  ): Promise<Result<T, SessionFailure>> {
    const result = await this.operationData(code, params, maxBytes);
    if (!result.ok) return result;
    const decoded = decode(result.value.data);
    if (!decoded.ok) {
      return err({
        kind: "protocol",
        detail: `${operationName(code)}: ${cleanText(decoded.error)}`,
      });
    }
    return ok(decoded.value);
  }

  /** GetDeviceInfo. */
  deviceInfo(): Promise<Result<DeviceInfo, SessionFailure>> {
    return this.#dataset(OPERATION.GetDeviceInfo, [], MAX_DATASET_BYTES, decodeDeviceInfo);
  }

  /** GetStorageIDs. */
  storageIds(): Promise<Result<number[], SessionFailure>> {
    return this.#dataset(OPERATION.GetStorageIDs, [], MAX_HANDLES_BYTES, decodeUint32Array);
  }

  /** GetObjectHandles: every storage by default, every format, the whole tree (parent 0). */
  objectHandles(storageId = 0xFFFFFFFF): Promise<Result<number[], SessionFailure>> {
    return this.#dataset(
      OPERATION.GetObjectHandles,
      [storageId, 0, 0],
      MAX_HANDLES_BYTES,
      decodeUint32Array,
    );
  }

  /** GetObjectInfo. */
  objectInfo(handle: number): Promise<Result<ObjectInfo, SessionFailure>> {
    return this.#dataset(OPERATION.GetObjectInfo, [handle], MAX_DATASET_BYTES, decodeObjectInfo);
  }

  /** GetObject, streamed to `sink`; resolves with the byte count. */
  async getObject(handle: number, sink: DataSink): Promise<Result<number, SessionFailure>> {
    const result = await this.operation(OPERATION.GetObject, [handle], { sink });
    return result.ok ? ok(result.value.bytes) : result;
  }

  /** GetPartialObject from `offset`, at most `maxBytes`, streamed; resolves with the byte count. */
  async getPartialObject(
    handle: number,
    offset: number,
    maxBytes: number,
    sink: DataSink,
  ): Promise<Result<number, SessionFailure>> {
    const result = await this.operation(OPERATION.GetPartialObject, [handle, offset, maxBytes], {
      sink,
    });
    return result.ok ? ok(result.value.bytes) : result;
  }

  /** Ends the session without CloseSession (OpenSession failed: there is none to close). */
  async abandon(): Promise<void> {
    this.#end(undefined);
    await this.#eventLoop;
    await this.#queue;
  }

  /** CloseSession (unless turned off, or a transaction is under way), then both sockets. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      // CloseSession only when nothing is under way: it would wait behind a long transfer.
      const send = typeof this.#closeSession === "function"
        ? this.#closeSession()
        : this.#closeSession;
      if (send && !this.#ending && this.#busy === 0) {
        await this.operation(OPERATION.CloseSession, [], {
          allow: [RESPONSE.SessionNotOpen],
          readMs: Math.min(CLOSE_SESSION_MS, this.#timeouts.readMs),
        });
      }
      await this.abandon();
    })();
    return this.#closing;
  }

  /** The same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Reads one packet within `ms`, answering Pings (Pong) and skipping Pongs on the way. */
async function nextControl(
  conn: Deno.Conn,
  reader: PacketReader,
  ms: number,
): Promise<Result<Incoming, ReadFailure>> {
  const deadline = performance.now() + ms;
  for (;;) {
    const next = await reader.next(Math.max(0, deadline - performance.now()));
    if (!next.ok || (next.value.type !== "Ping" && next.value.type !== "Pong")) return next;
    if (next.value.type === "Ping") {
      const sent = await writeAll(conn, encodePacket({ type: "Pong" }), ms);
      if (!sent.ok) return err({ kind: "closed", detail: sent.error.detail });
    }
  }
}

function initFail(reason: number, which: string): SessionFailure {
  return {
    kind: "init-fail",
    detail: `${initFailReason(reason)} (on the ${which} connection)`,
    code: reason,
  };
}

/**
 * Opens a session: the command connection (InitCommandRequest → InitCommandAck), the event
 * connection (InitEventRequest with the connection number → InitEventAck; retried twice 100 ms
 * apart if refused, as libgphoto2 does), then OpenSession. Transaction IDs follow libgphoto2:
 * OpenSession is 0, the operations after it 1, 2, …. A camera that answers SessionAlreadyOpen is
 * fine. On any failure both connections are closed.
 */
export async function openPtpipSession(
  options: SessionOptions,
): Promise<Result<PtpipSession, SessionFailure>> {
  if (options.guid.length !== 16) {
    throw new RangeError(`a PTP/IP GUID is 16 bytes, got ${options.guid.length}`);
  }
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const port = options.port ?? PTPIP_PORT;
  const dial = options.dial ?? tcpDial;
  const opened: Deno.Conn[] = [];
  const fail = (failure: SessionFailure) => {
    for (const conn of opened) closeQuietly(conn);
    return err(failure);
  };

  const dialed = await dialWithin(dial, options.host, port, timeouts.connectMs);
  if (!dialed.ok) return fail({ kind: dialed.error.kind, detail: dialed.error.detail });
  const command = dialed.value;
  opened.push(command);
  const commandReader = new PacketReader(command);
  const hello = encodePacket({
    type: "InitCommandRequest",
    guid: options.guid,
    hostName: options.hostName,
    version: PTPIP_VERSION,
  });
  const sentHello = await writeAll(command, hello, timeouts.readMs);
  if (!sentHello.ok) return fail(fromWrite(sentHello.error, "sending InitCommandRequest"));
  const ack = await nextControl(command, commandReader, timeouts.initMs);
  if (!ack.ok) {
    const failure = fromRead(ack.error, "InitCommandAck", timeouts.initMs);
    if (failure.kind === "timeout") {
      failure.detail += " (a camera pairing for the first time waits for OK on its screen)";
    }
    return fail(failure);
  }
  if (ack.value.type === "InitFail") return fail(initFail(ack.value.reason, "command"));
  if (ack.value.type !== "InitCommandAck") {
    return fail({ kind: "protocol", detail: `${ack.value.type} instead of InitCommandAck` });
  }
  const { type: _, ...camera } = ack.value;

  let event: Deno.Conn;
  for (let retries = EVENT_CONNECT_RETRIES;; retries--) {
    const eventDial = await dialWithin(dial, options.host, port, timeouts.connectMs);
    if (eventDial.ok) {
      event = eventDial.value;
      opened.push(event);
      break;
    }
    if (eventDial.error.kind !== "refused" || retries === 0) {
      return fail({
        kind: eventDial.error.kind,
        detail: `event connection: ${eventDial.error.detail}`,
      });
    }
    await sleep(EVENT_CONNECT_PAUSE_MS);
  }
  const eventReader = new PacketReader(event);
  const eventRequest = encodePacket({
    type: "InitEventRequest",
    connectionNumber: camera.connectionNumber,
  });
  const sentEvent = await writeAll(event, eventRequest, timeouts.readMs);
  if (!sentEvent.ok) return fail(fromWrite(sentEvent.error, "sending InitEventRequest"));
  const eventAck = await nextControl(event, eventReader, timeouts.readMs);
  if (!eventAck.ok) return fail(fromRead(eventAck.error, "InitEventAck", timeouts.readMs));
  if (eventAck.value.type === "InitFail") {
    const failure = initFail(eventAck.value.reason, "event");
    if (eventAck.value.reason === INIT_FAIL.Busy) failure.detail += "; try again shortly";
    return fail(failure);
  }
  if (eventAck.value.type !== "InitEventAck") {
    return fail({ kind: "protocol", detail: `${eventAck.value.type} instead of InitEventAck` });
  }

  const session = new PtpipSession(
    camera,
    command,
    commandReader,
    event,
    eventReader,
    timeouts,
    options.closeSession ?? true,
  );
  const openSession = await session.operation(OPERATION.OpenSession, [1], {
    allow: [RESPONSE.SessionAlreadyOpen],
  });
  if (!openSession.ok) {
    await session.abandon();
    return err(openSession.error);
  }
  return ok(session);
}
