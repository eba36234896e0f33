/**
 * PTP/IP framing: every packet is `u32 length (whole packet), u32 type` then a body, little-endian.
 * `encodePacket`/`decodePacket` are pure; `PacketReader` cuts packets out of a byte source with a
 * deadline on every read. A camera's lengths are hostile: a control packet longer than its type can
 * be is refused before anything is allocated, and a Data packet's payload (up to 4 GiB) is never
 * held whole but handed out in bounded chunks.
 *
 * @module
 */

import { err, ok, type Result } from "../util/result.ts";
import { raceDeadline, TIMED_OUT } from "../util/timeout.ts";
import { ByteWriter, decodeUtf16, utf16Units } from "./bytes.ts";
import { PACKET, packetName } from "./codes.ts";

/** Bytes in every packet's header. */
export const HEADER_BYTES = 8;

/** PTP/IP protocol version 1.0, as InitCommandRequest/Ack carry it (major in the high half). */
export const PTPIP_VERSION = 0x00010000;

/**
 * The longest control packet accepted (every type but Data and EndData): the Init packets carry a
 * GUID and a name; 4 KiB is 2000 UTF-16 units of name, far past any camera's or host's.
 */
export const MAX_CONTROL_PACKET = 4096;

/**
 * The longest operation-sized packet (requests, responses, events, StartData, Cancel, the Init
 * acks and fails, Ping/Pong): 30 bytes is the most the spec fills; the rest is slack for bodies that
 * pad.
 */
const MAX_SMALL_PACKET = 256;

/** Parameters an operation, response or event carries at most. */
const MAX_PARAMS = 5;

/** A decoded PTP/IP packet. */
export type Packet =
  | { type: "InitCommandRequest"; guid: Uint8Array; hostName: string; version: number }
  | {
    type: "InitCommandAck";
    connectionNumber: number;
    guid: Uint8Array;
    name: string;
    version: number;
  }
  | { type: "InitEventRequest"; connectionNumber: number }
  | { type: "InitEventAck" }
  | { type: "InitFail"; reason: number }
  | {
    type: "OperationRequest";
    /** 1: no data or data in (camera to us), 2: data out. */
    dataPhase: number;
    code: number;
    transactionId: number;
    params: number[];
  }
  | { type: "OperationResponse"; code: number; transactionId: number; params: number[] }
  | { type: "Event"; code: number; transactionId: number; params: number[] }
  | { type: "StartData"; transactionId: number; totalLength: bigint | number }
  | { type: "Data"; transactionId: number; payload: Uint8Array }
  | { type: "EndData"; transactionId: number; payload: Uint8Array }
  | { type: "Cancel"; transactionId: number }
  | { type: "Ping" }
  | { type: "Pong" };

/** The largest whole-packet length accepted for packet type `type` (Data/EndData: any u32). */
function maxPacketLength(type: number): number {
  switch (type) {
    case PACKET.Data:
    case PACKET.EndData:
      return 0xFFFFFFFF;
    case PACKET.InitCommandRequest:
    case PACKET.InitCommandAck:
      return MAX_CONTROL_PACKET;
    default:
      return MAX_SMALL_PACKET;
  }
}

/** The length and type of an 8-byte header (bytes past the 8th are ignored). */
export function readHeader(bytes: Uint8Array): { length: number; type: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  return { length: view.getUint32(0, true), type: view.getUint32(4, true) };
}

function header(type: number, bodyLength: number): ByteWriter {
  return new ByteWriter().u32(HEADER_BYTES + bodyLength).u32(type);
}

/** The bytes of `packet`. Throws RangeError on more than five parameters or a GUID not 16 bytes. */
export function encodePacket(packet: Packet): Uint8Array {
  switch (packet.type) {
    case "InitCommandRequest":
    case "InitCommandAck": {
      if (packet.guid.length !== 16) throw new RangeError("a GUID is 16 bytes");
      const ack = packet.type === "InitCommandAck";
      const name = utf16Units(ack ? packet.name : packet.hostName);
      const w = header(PACKET[packet.type], (ack ? 4 : 0) + 16 + name.length + 2 + 4);
      if (ack) w.u32(packet.connectionNumber);
      // The name ends in a NUL unit.
      return w.bytes(packet.guid).bytes(name).u16(0).u32(packet.version).finish();
    }
    case "InitEventRequest":
      return header(PACKET.InitEventRequest, 4).u32(packet.connectionNumber).finish();
    case "InitFail":
      return header(PACKET.InitFail, 4).u32(packet.reason).finish();
    case "OperationRequest":
    case "OperationResponse":
    case "Event": {
      if (packet.params.length > MAX_PARAMS) {
        throw new RangeError(`at most ${MAX_PARAMS} parameters, got ${packet.params.length}`);
      }
      const request = packet.type === "OperationRequest";
      const w = header(PACKET[packet.type], (request ? 10 : 6) + 4 * packet.params.length);
      if (request) w.u32(packet.dataPhase);
      w.u16(packet.code).u32(packet.transactionId);
      for (const p of packet.params) w.u32(p);
      return w.finish();
    }
    case "StartData":
      return header(PACKET.StartData, 12).u32(packet.transactionId).u64(packet.totalLength)
        .finish();
    case "Data":
    case "EndData":
      return header(PACKET[packet.type], 4 + packet.payload.length).u32(packet.transactionId)
        .bytes(packet.payload).finish();
    case "Cancel":
      return header(PACKET.Cancel, 4).u32(packet.transactionId).finish();
    case "InitEventAck":
    case "Ping":
    case "Pong":
      return header(PACKET[packet.type], 0).finish();
  }
}

/** Splits a NUL-terminated UTF-16LE name followed by a u32 version; lenient when either is cut. */
function nameAndVersion(rest: Uint8Array): { name: string; version: number } {
  let nul = -1;
  for (let i = 0; i + 1 < rest.length; i += 2) {
    if (rest[i] === 0 && rest[i + 1] === 0) {
      nul = i;
      break;
    }
  }
  // The version is after the NUL, or (NUL missing, or too close to the end: a version's low half
  // is 0x0000 and looks like one) the last four bytes.
  const versionAt = rest.length < 4
    ? -1
    : nul >= 0 && nul + 6 <= rest.length
    ? nul + 2
    : rest.length - 4;
  const nameEnd = Math.min(nul >= 0 ? nul : rest.length, versionAt >= 0 ? versionAt : rest.length);
  const version = versionAt >= 0
    ? new DataView(rest.buffer, rest.byteOffset + versionAt, 4).getUint32(0, true)
    : 0;
  return { name: decodeUtf16(rest.subarray(0, nameEnd)), version };
}

function short(name: string, need: number, got: number): Result<Packet> {
  return err(`${name} body is ${got} bytes, needs at least ${need}`);
}

function paramsOf(view: DataView, from: number): number[] {
  const count = Math.min(MAX_PARAMS, Math.floor((view.byteLength - from) / 4));
  const params: number[] = [];
  for (let i = 0; i < count; i++) params.push(view.getUint32(from + 4 * i, true));
  return params;
}

/**
 * Decodes the body (the bytes after the header) of a packet of type `type`. Lenient where it is
 * safe: extra bytes are ignored, a name without its NUL ends at the version, parameters past five
 * are dropped. Never throws.
 */
export function decodePacket(type: number, body: Uint8Array): Result<Packet> {
  const name = packetName(type);
  if (name === undefined) return err(`unknown packet type ${type}`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const n = body.length;
  switch (name) {
    case "InitCommandRequest": {
      if (n < 16) return short(name, 16, n);
      const { name: hostName, version } = nameAndVersion(body.subarray(16));
      return ok({ type: name, guid: body.slice(0, 16), hostName, version });
    }
    case "InitCommandAck": {
      if (n < 20) return short(name, 20, n);
      const { name: cameraName, version } = nameAndVersion(body.subarray(20));
      return ok({
        type: name,
        connectionNumber: view.getUint32(0, true),
        guid: body.slice(4, 20),
        name: cameraName,
        version,
      });
    }
    case "InitEventRequest":
      if (n < 4) return short(name, 4, n);
      return ok({ type: name, connectionNumber: view.getUint32(0, true) });
    case "InitFail":
      if (n < 4) return short(name, 4, n);
      return ok({ type: name, reason: view.getUint32(0, true) });
    case "OperationRequest":
      if (n < 10) return short(name, 10, n);
      return ok({
        type: name,
        dataPhase: view.getUint32(0, true),
        code: view.getUint16(4, true),
        transactionId: view.getUint32(6, true),
        params: paramsOf(view, 10),
      });
    case "OperationResponse":
    case "Event":
      if (n < 6) return short(name, 6, n);
      return ok({
        type: name,
        code: view.getUint16(0, true),
        transactionId: view.getUint32(2, true),
        params: paramsOf(view, 6),
      });
    case "StartData": {
      if (n < 12) return short(name, 12, n);
      const total = view.getBigUint64(4, true);
      return ok({
        type: name,
        transactionId: view.getUint32(0, true),
        totalLength: total <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(total) : total,
      });
    }
    case "Data":
    case "EndData":
      if (n < 4) return short(name, 4, n);
      return ok({ type: name, transactionId: view.getUint32(0, true), payload: body.slice(4) });
    case "Cancel":
      if (n < 4) return short(name, 4, n);
      return ok({ type: name, transactionId: view.getUint32(0, true) });
    case "InitEventAck":
    case "Ping":
    case "Pong":
      return ok({ type: name });
  }
}

/** Where `PacketReader` gets bytes: `Deno.Conn` is one (`read` resolves null at the end). */
export interface ByteSource {
  /** Reads into `buffer`; resolves how many bytes arrived, or null once the stream has ended. */
  read(buffer: Uint8Array): Promise<number | null>;
}

/** Why a read gave no packet. */
export interface ReadFailure {
  /** What went wrong. */
  kind: "closed" | "timeout" | "too-large" | "malformed";
  /** Words for a log line (no camera-sent text in it). */
  detail: string;
}

/** The header of a Data or EndData packet: its payload follows through `readPayload`. */
export interface DataHeader {
  /** Data while more of the data phase follows, EndData for its last packet. */
  type: "Data" | "EndData";
  /** The transaction it belongs to, as the camera says: checked against the one running. */
  transactionId: number;
  /** Payload bytes that follow. */
  payloadLength: number;
}

/** What `PacketReader.next` yields: a whole control packet, or a data packet's header. */
export type Incoming = Exclude<Packet, { type: "Data" | "EndData" }> | DataHeader;

/** How much the reader asks its source for at a time, and its buffer's usual size. */
export const READ_CHUNK = 64 * 1024;

/** One read of the source: the bytes it gave (`null` at its end), or what it threw. */
type Outcome = Result<number | null, unknown>;

/**
 * Packets out of a byte source, one at a time, each within a deadline. A read that misses its
 * deadline stays pending and the next call picks it up, so no byte is lost to a timeout and a
 * packet half arrived is finished by the next call. After "closed", "too-large" or a header that
 * cannot be framed, every later call answers the same failure: the stream cannot be trusted.
 */
export class PacketReader {
  #source: ByteSource;
  #buffer = new Uint8Array(READ_CHUNK);
  #start = 0;
  #end = 0;
  #pending: Promise<Outcome> | undefined;
  #payloadLeft = 0;
  #failure: ReadFailure | undefined;

  /** Reads from `source` (e.g. a `Deno.Conn`). */
  constructor(source: ByteSource) {
    this.#source = source;
  }

  /** Bytes of the current Data/EndData payload not yet read by `readPayload`. */
  get payloadRemaining(): number {
    return this.#payloadLeft;
  }

  get #buffered(): number {
    return this.#end - this.#start;
  }

  #fail(failure: ReadFailure): { ok: false; error: ReadFailure } {
    this.#failure = failure;
    return err(failure);
  }

  /** Makes room for `need` more buffered bytes and starts one read into the free space. */
  #startRead(need: number): void {
    const buffered = this.#buffered;
    if (buffered === 0) {
      this.#start = this.#end = 0;
      // A long control packet has been read: give its buffer back.
      if (this.#buffer.length > READ_CHUNK && need <= READ_CHUNK) {
        this.#buffer = new Uint8Array(READ_CHUNK);
      }
    }
    const free = this.#buffer.length - this.#end;
    if (this.#buffer.length < buffered + need) {
      const grown = new Uint8Array(Math.max(READ_CHUNK, buffered + need));
      grown.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = grown;
      this.#start = 0;
      this.#end = buffered;
    } else if (this.#start > 0 && free < Math.max(need, READ_CHUNK / 4)) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
      this.#start = 0;
      this.#end = buffered;
    }
    this.#pending = this.#source.read(this.#buffer.subarray(this.#end)).then(ok, err);
  }

  /** Waits for one read (the pending one, or a new one) until `deadline`. */
  async #readOnce(
    need: number,
    deadline: number,
    timeoutMs: number,
  ): Promise<Result<void, ReadFailure>> {
    if (this.#failure) return err(this.#failure);
    if (!this.#pending) this.#startRead(need);
    const ms = Math.max(0, deadline - performance.now());
    // A miss leaves `#pending` in place: the next call waits on the same read.
    const outcome = await raceDeadline(this.#pending!, ms);
    if (outcome === TIMED_OUT) {
      return err({ kind: "timeout", detail: `nothing within ${timeoutMs} ms` });
    }
    this.#pending = undefined;
    if (!outcome.ok) {
      const reason = outcome.error instanceof Error ? outcome.error.name : "error";
      return this.#fail({ kind: "closed", detail: `the connection failed (${reason})` });
    }
    if (outcome.value === null) {
      return this.#fail({ kind: "closed", detail: "the camera closed the connection" });
    }
    this.#end += outcome.value;
    return ok(undefined);
  }

  async #fill(n: number, deadline: number, timeoutMs: number): Promise<Result<void, ReadFailure>> {
    while (this.#buffered < n) {
      const read = await this.#readOnce(n - this.#buffered, deadline, timeoutMs);
      if (!read.ok) return read;
    }
    return ok(undefined);
  }

  /**
   * The next packet within `timeoutMs`: a control packet decoded, or a Data/EndData header whose
   * payload `readPayload` hands out. A payload not read yet is skipped first.
   */
  async next(timeoutMs: number): Promise<Result<Incoming, ReadFailure>> {
    if (this.#failure) return err(this.#failure);
    const deadline = performance.now() + timeoutMs;
    while (this.#payloadLeft > 0) {
      if (this.#buffered === 0) {
        const read = await this.#readOnce(1, deadline, timeoutMs);
        if (!read.ok) return read;
      }
      const skip = Math.min(this.#buffered, this.#payloadLeft);
      this.#start += skip;
      this.#payloadLeft -= skip;
    }
    const header = await this.#fill(HEADER_BYTES, deadline, timeoutMs);
    if (!header.ok) return header;
    const { length, type } = readHeader(this.#buffer.subarray(this.#start));
    const name = packetName(type);
    if (length < HEADER_BYTES) {
      return this.#fail({ kind: "malformed", detail: `a packet length of ${length}` });
    }
    if (name === undefined) {
      return this.#fail({ kind: "malformed", detail: `unknown packet type ${type}` });
    }
    if (length > maxPacketLength(type)) {
      return this.#fail({
        kind: "too-large",
        detail: `a ${name} packet of ${length} bytes (at most ${maxPacketLength(type)})`,
      });
    }
    if (name === "Data" || name === "EndData") {
      if (length < HEADER_BYTES + 4) {
        return this.#fail({ kind: "malformed", detail: `a ${name} packet of ${length} bytes` });
      }
      const filled = await this.#fill(HEADER_BYTES + 4, deadline, timeoutMs);
      if (!filled.ok) return filled;
      const view = new DataView(this.#buffer.buffer, this.#start + HEADER_BYTES, 4);
      const transactionId = view.getUint32(0, true);
      this.#start += HEADER_BYTES + 4;
      this.#payloadLeft = length - HEADER_BYTES - 4;
      return ok({ type: name, transactionId, payloadLength: this.#payloadLeft });
    }
    const filled = await this.#fill(length, deadline, timeoutMs);
    if (!filled.ok) return filled;
    const body = this.#buffer.slice(this.#start + HEADER_BYTES, this.#start + length);
    this.#start += length;
    const decoded = decodePacket(type, body);
    if (!decoded.ok) return err({ kind: "malformed", detail: decoded.error });
    return ok(decoded.value as Incoming);
  }

  /**
   * Up to `maxChunk` bytes of the current Data/EndData payload within `timeoutMs` (fewer when fewer
   * have arrived; empty once it is all read). The chunk is a view of the reader's own buffer, valid
   * only until the next call on this reader: a caller that keeps bytes copies them. Handing out
   * views instead of copies is what keeps a long transfer from allocating a buffer per chunk: with
   * a copy per 64 KiB, a 300 MB file left ~16 MB of garbage buffers resident between collections.
   */
  async readPayload(maxChunk: number, timeoutMs: number): Promise<Result<Uint8Array, ReadFailure>> {
    if (this.#payloadLeft === 0) return ok(new Uint8Array(0));
    if (this.#failure) return err(this.#failure);
    if (this.#buffered === 0) {
      const read = await this.#readOnce(1, performance.now() + timeoutMs, timeoutMs);
      if (!read.ok) return read;
    }
    const take = Math.min(this.#buffered, this.#payloadLeft, Math.max(1, maxChunk));
    const chunk = this.#buffer.subarray(this.#start, this.#start + take);
    this.#start += take;
    this.#payloadLeft -= take;
    return ok(chunk);
  }
}
