/**
 * A fake PTP/IP camera (a Canon PowerShot after pairing) that real clients accept: gphoto2 lists and
 * downloads its files (tests/lab/ptpip_camera_gphoto2_test.ts proves it), so it is a camera and not a
 * mirror of our own client. It speaks CIPA DC-005 over TCP with the codec of `lib/ptpip/`: the
 * command connection (InitCommandRequest → Ack), the event connection (InitEventRequest → Ack, with
 * ObjectAdded events and Ping), and the standard operations a PowerShot answers: GetDeviceInfo,
 * Open/CloseSession, GetStorageIDs, GetStorageInfo, GetNumObjects, GetObjectHandles, GetObjectInfo,
 * GetObject, GetPartialObject; anything else is OperationNotSupported.
 *
 * With `eos: true` it is a Canon EOS body instead (an EOS 6D by default), as libgphoto2 talks to one:
 * its DeviceInfo adds Canon's operations, SetRemoteMode and SetEventMode put it into remote and
 * event mode, a file added while connected is reported by the next GetEvent (0x9116) as an
 * ObjectAddedEx record (and not as an ObjectAdded event), Canon's GetObject 0x9104 and
 * GetPartialObject 0x9107 fetch, TransferComplete and KeepDeviceOn are answered, one client at a
 * time, and after CloseSession it answers OperationNotSupported to everything, as 2016-and-later
 * bodies do (libgphoto2 library.c). Its strictness is the fake's own, not a camera's known rule:
 * object operations and GetEvent before SetRemoteMode answer DeviceBusy, so a client that skips
 * the remote mode fails here.
 *
 * Object data is streamed (StartData, Data chunks, EndData), computed chunk by chunk, never whole in
 * memory. Faults for the importer's tests: a connection dropped after so many data bytes, InitFail,
 * one client at a time, the Data packet size, and (per file) an ObjectInfo size that lies.
 *
 * Binds only the address it is given (127.0.0.1 in component tests; a namespace's address in the lab).
 *
 * @module
 */

import {
  type CameraFile,
  Card,
  type CardObject,
  contentBytes,
  contentSize,
  objectInfoOf,
  STORAGE_ID,
  storageInfoOf,
} from "./ptpip_camera_objects.ts";
import { EVENT, FORMAT, INIT_FAIL, OPERATION, RESPONSE } from "../lib/ptpip/codes.ts";
import { encodePacket, type Packet, PacketReader, PTPIP_VERSION } from "../lib/ptpip/packets.ts";
import type { DeviceInfo } from "../lib/ptpip/datasets.ts";
import {
  encodeDataHeader,
  encodeDeviceInfo,
  encodeEosEvents,
  encodeEosRecord,
  encodeObjectAdded,
  encodeObjectInfo,
  encodeStorageInfo,
  encodeUint32Array,
} from "./ptp_camera_codec.ts";
import { sleep } from "../lib/util/timers.ts";
import { closeQuietly } from "../lib/util/close.ts";
import { refill, type TokenBucket } from "../lib/util/token_bucket.ts";
import { Waiters } from "./waiters.ts";
import { EOS_EVENT } from "../lib/ptpip/eos_events.ts";

export type { CameraFile, FileContent } from "./ptpip_camera_objects.ts";
export { ALL, contentBytes, contentSize, STORAGE_ID } from "./ptpip_camera_objects.ts";

/** A command connection idle this long is closed, as a camera's is. */
const IDLE_MS = 5 * 60_000;

/** The operations the fake answers, as its DeviceInfo advertises them. */
const SUPPORTED_OPERATIONS: readonly number[] = [
  OPERATION.GetDeviceInfo,
  OPERATION.OpenSession,
  OPERATION.CloseSession,
  OPERATION.GetStorageIDs,
  OPERATION.GetStorageInfo,
  OPERATION.GetNumObjects,
  OPERATION.GetObjectHandles,
  OPERATION.GetObjectInfo,
  OPERATION.GetObject,
  OPERATION.GetPartialObject,
];

/** The Canon operations the fake answers in EOS mode, besides the standard ones. */
const EOS_OPERATIONS: readonly number[] = [
  OPERATION.EosGetObject,
  OPERATION.EosGetPartialObject,
  OPERATION.EosSetRemoteMode,
  OPERATION.EosSetEventMode,
  OPERATION.EosGetEvent,
  OPERATION.EosTransferComplete,
  OPERATION.EosKeepDeviceOn,
];

/** Records an EOS-mode session queues for GetEvent; past this the oldest are dropped. */
const MAX_QUEUED_RECORDS = 10_000;

/** Names for the operations a client may send, for the request log (others read as hex). */
const OPERATION_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(OPERATION).map(([name, code]) => [code, name])),
  0x1014: "GetDevicePropDesc",
  0x1015: "GetDevicePropValue",
  0x100A: "GetThumb",
  0x100B: "DeleteObject",
  0x100C: "SendObjectInfo",
  0x100D: "SendObject",
};

/** An operation's name, or its code in hex. */
export function operationName(code: number): string {
  return OPERATION_NAMES[code] ?? `0x${code.toString(16).padStart(4, "0")}`;
}

/** When the camera cuts its connections in the middle of sending object data. */
export interface DropRule {
  /** Object bytes sent before the cut (the Data packet in flight is cut short at exactly this). */
  afterBytes: number;
  /**
   * What is counted: "total" — object bytes sent on any connection since the camera started (or
   * since the last cut); "object" — bytes of one object sent on one command connection.
   */
  counting?: "total" | "object";
  /** How many cuts before the camera serves normally (default 1). */
  times?: number;
}

/** What the fake camera is and how it misbehaves. */
export interface PtpipCameraOptions {
  /** The address to bind (default 127.0.0.1). */
  hostname?: string;
  /** The port (default 0: any; 15740 in a namespace). */
  port?: number;
  /** The card's files at start. */
  files?: CameraFile[];
  /** DeviceInfo's model (default "Canon PowerShot SX740 HS"). */
  model?: string;
  /** DeviceInfo's serial number. */
  serialNumber?: string;
  /** InitCommandAck's camera name (default the model). */
  name?: string;
  /** Answer every InitCommandRequest with InitFail and this reason (`INIT_FAIL`). */
  initFail?: number;
  /** A second client gets InitFail Busy while one command connection is open. */
  oneConnection?: boolean;
  /** Payload bytes per Data packet (default 64 KiB). */
  dataChunkBytes?: number;
  /** Cut the connections mid-transfer. */
  drop?: DropRule;
  /**
   * Be a Canon EOS body (see the module doc): default model "Canon EOS 6D", `oneConnection`
   * unless set false.
   */
  eos?: boolean;
  /**
   * Object bytes a second the camera sends at most, over all its connections, as its Wi-Fi link
   * would (undefined or 0: as fast as it can make them). Paced per Data packet with a token bucket
   * holding at most `RATE_BURST_MS` of the rate, or one packet when that is more.
   */
  bytesPerSecond?: number;
  /** Told of everything that happens, as it happens (the program prints these as JSON lines). */
  onEvent?: (event: CameraEvent) => void;
}

/** One operation the camera answered (or was cut in). */
export interface SeenOperation {
  /** The TCP connection it came on (1, 2, … in order of acceptance). */
  connection: number;
  /** Operation code. */
  code: number;
  /** Its name (`operationName`). */
  name: string;
  /** Its parameters. */
  params: number[];
  /** Its transaction ID. */
  transactionId: number;
  /** The response code sent; undefined when the connection was cut before it. */
  response?: number;
  /** Object (not dataset) bytes sent in its data phase. */
  objectBytes: number;
}

/** Something that happened to the camera. */
export type CameraEvent =
  | { event: "connection"; connection: number }
  | { event: "session"; connection: number; connectionNumber: number; hostName: string }
  | { event: "event-connection"; connection: number; connectionNumber: number }
  | { event: "init-fail"; connection: number; reason: number }
  | ({ event: "request" } & SeenOperation)
  | { event: "dropped"; connection: number; objectBytes: number }
  | { event: "added"; handles: number[] }
  | { event: "pong"; connection: number }
  | { event: "closed"; connection: number };

/** One TCP connection the camera accepted. */
export interface SeenConnection {
  /** Its number in the log (1, 2, …). */
  connection: number;
  /** What it turned out to be. */
  role: "unknown" | "command" | "event" | "refused";
  /** Whether it is still open. */
  open: boolean;
}

/** A running fake camera; `await using` closes it. */
export interface PtpipCamera extends AsyncDisposable {
  /** The address it listens on. */
  readonly hostname: string;
  /** The port it listens on. */
  readonly port: number;
  /** Every connection so far. */
  readonly connections: readonly SeenConnection[];
  /** Every operation so far, in order. */
  readonly requests: readonly SeenOperation[];
  /** Everything so far, in order. */
  readonly events: readonly CameraEvent[];
  /** Every object on the card (folders and files). */
  readonly objects: readonly CardObject[];
  /**
   * Bytes that waited on the link's pacing so far: what a test reads to tell which transfers the
   * "radio" slowed, where a wall-clock bound would depend on the machine's load.
   */
  readonly pacedBytes: number;
  /**
   * Puts a file on the card (and any folders its path needs) and announces each new object with
   * ObjectAdded on every open session's event connection. Returns the file's handle.
   */
  addFile(file: CameraFile): Promise<number>;
  /**
   * Changes the faults while running: `initFail` (undefined to stop), `drop`, `oneConnection`, and
   * the link's `bytesPerSecond` (undefined or 0: unpaced), which a transfer under way follows from
   * its next Data packet.
   */
  configure(
    change: Pick<PtpipCameraOptions, "initFail" | "drop" | "oneConnection" | "bytesPerSecond">,
  ): void;
  /** Sends Ping on every event connection; returns how many were pinged (Pongs come as events). */
  ping(): Promise<number>;
  /** Resolves once `condition` holds (checked on every event), or rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void>;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const DEFAULT_MODEL = "Canon PowerShot SX740 HS";
const DEFAULT_EOS_MODEL = "Canon EOS 6D";
const CAMERA_GUID = new Uint8Array([
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x00,
  0x01,
  0xA0,
  0xB1,
  0xC2,
  0xD3,
  0xE4,
  0xF5,
]);
/** How long the first packet of a connection may take. */
const INIT_TIMEOUT_MS = 10_000;
/** How long a data phase sent to the camera may pause. */
const DATA_TIMEOUT_MS = 10_000;
/** The pacing's burst: the bucket holds this much of the rate (a Wi-Fi link queues some). */
export const RATE_BURST_MS = 50;

/** In EOS mode, what answers DeviceBusy before SetRemoteMode (the fake's strictness). */
const NEEDS_REMOTE_MODE: readonly number[] = [
  OPERATION.GetObjectHandles,
  OPERATION.GetObjectInfo,
  OPERATION.GetObject,
  OPERATION.GetPartialObject,
  OPERATION.EosGetObject,
  OPERATION.EosGetPartialObject,
  OPERATION.EosGetEvent,
];

/** The state records of an EOS body's first GetEvent: two property values (made up). */
const CAMERA_STATE: readonly Uint8Array[] = [
  encodeEosRecord(EOS_EVENT.PropValueChanged, new Uint8Array([0x01, 0xd1, 0, 0, 0x05, 0, 0, 0])),
  encodeEosRecord(EOS_EVENT.PropValueChanged, new Uint8Array([0x02, 0xd1, 0, 0, 0x60, 0, 0, 0])),
];

/** The ObjectAddedEx record announcing a card object. */
function objectAddedRecord(object: CardObject): Uint8Array {
  const size = object.reportedSize ?? (object.content ? contentSize(object.content) : 0);
  return encodeObjectAdded({
    handle: object.handle,
    storageId: STORAGE_ID,
    format: object.format,
    size: Math.min(size, 0xFFFFFFFF),
    parent: object.parent,
    name: object.name,
  });
}

/** Writes all of `bytes`; false once the connection is gone. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<boolean> {
  try {
    for (let done = 0; done < bytes.length;) done += await conn.write(bytes.subarray(done));
    return true;
  } catch {
    return false;
  }
}

/** An open command connection and what belongs to it. */
interface Session {
  connection: number;
  connectionNumber: number;
  conn: Deno.Conn;
  open: boolean;
  events?: { connection: number; conn: Deno.Conn; queue: Promise<unknown> };
  /** Object bytes sent per handle on this connection (for `drop.counting: "object"`). */
  sentOf: Map<number, number>;
  /** EOS mode: SetRemoteMode's and SetEventMode's last values (0 = off). */
  remoteMode: number;
  eventMode: number;
  /** EOS mode: records for the next GetEvent. */
  eosRecords: Uint8Array[];
  /** EOS mode: the first GetEvent in event mode has sent the camera's state. */
  eosStateSent: boolean;
  /** EOS mode: CloseSession came; everything now answers OperationNotSupported. */
  closedForGood: boolean;
}

/** Starts a fake PTP/IP camera; it listens once this resolves. */
export function startPtpipCamera(options: PtpipCameraOptions = {}): Promise<PtpipCamera> {
  return Promise.resolve(new FakePtpipCamera(options));
}

class FakePtpipCamera implements PtpipCamera {
  readonly hostname: string;
  readonly connections: SeenConnection[] = [];
  readonly requests: SeenOperation[] = [];
  readonly events: CameraEvent[] = [];
  readonly #card = new Card();
  readonly #listener: Deno.TcpListener;
  readonly #sessions = new Set<Session>();
  readonly #conns = new Set<Deno.Conn>();
  readonly #tasks = new Set<Promise<void>>();
  readonly #waiters = new Waiters();
  readonly #accepting: Promise<void>;
  #options: PtpipCameraOptions;
  #nextConnectionNumber = 1;
  /** Object bytes sent toward a "total" drop, and the cuts made so far. */
  #sentTotal = 0;
  #drops = 0;
  #closed = false;
  /** The link's pacing (`bytesPerSecond`), shared by every connection, as one radio is. */
  #bucket: TokenBucket = { tokens: 0, updated: performance.now() };
  #pacedBytes = 0;

  constructor(options: PtpipCameraOptions) {
    this.#options = { ...options };
    this.hostname = options.hostname ?? "127.0.0.1";
    for (const file of options.files ?? []) this.#card.add(file);
    this.#listener = Deno.listen({
      hostname: this.hostname,
      port: options.port ?? 0,
      transport: "tcp",
    });
    this.#accepting = this.#accept();
  }

  get port(): number {
    return (this.#listener.addr as Deno.NetAddr).port;
  }

  get objects(): CardObject[] {
    return this.#card.objects;
  }

  get pacedBytes(): number {
    return this.#pacedBytes;
  }

  #emit(event: CameraEvent): void {
    this.events.push(event);
    this.#options.onEvent?.(event);
    this.#waiters.wake();
  }

  async until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    await this.#waiters.until(condition, what, timeoutMs);
  }

  configure(
    change: Pick<PtpipCameraOptions, "initFail" | "drop" | "oneConnection" | "bytesPerSecond">,
  ): void {
    this.#options = { ...this.#options, ...change };
    if ("bytesPerSecond" in change) this.#bucket = { tokens: 0, updated: performance.now() };
    if ("drop" in change) {
      this.#sentTotal = 0;
      this.#drops = 0;
    }
  }

  async addFile(file: CameraFile): Promise<number> {
    const made = this.#card.add(file);
    const handles = made.map((o) => o.handle);
    this.#emit({ event: "added", handles });
    if (this.#options.eos) {
      for (const session of this.#sessions) {
        if (!session.open) continue;
        for (const object of made) this.#queueRecord(session, objectAddedRecord(object));
      }
      return handles[handles.length - 1];
    }
    for (const session of this.#sessions) {
      if (!session.open || !session.events) continue;
      for (const handle of handles) {
        await this.#sendEvent(session, {
          type: "Event",
          code: EVENT.ObjectAdded,
          transactionId: 0,
          params: [handle],
        });
      }
    }
    return handles[handles.length - 1];
  }

  #queueRecord(session: Session, record: Uint8Array): void {
    session.eosRecords.push(record);
    if (session.eosRecords.length > MAX_QUEUED_RECORDS) session.eosRecords.shift();
  }

  /** The model DeviceInfo and InitCommandAck give. */
  #model(): string {
    return this.#options.model ?? (this.#options.eos ? DEFAULT_EOS_MODEL : DEFAULT_MODEL);
  }

  /** The operations DeviceInfo lists and the fake answers. */
  #supported(): readonly number[] {
    return this.#options.eos ? [...SUPPORTED_OPERATIONS, ...EOS_OPERATIONS] : SUPPORTED_OPERATIONS;
  }

  async ping(): Promise<number> {
    let pinged = 0;
    for (const session of this.#sessions) {
      if (session.events && await this.#sendEvent(session, { type: "Ping" })) pinged++;
    }
    return pinged;
  }

  /** Writes on an event connection, one packet at a time (events and Pongs may overlap). */
  #sendEvent(session: Session, packet: Packet): Promise<boolean> {
    const events = session.events!;
    const sent = events.queue.then(() => writeAll(events.conn, encodePacket(packet)));
    events.queue = sent;
    return sent;
  }

  #track(task: Promise<void>): void {
    this.#tasks.add(task);
    task.finally(() => this.#tasks.delete(task));
  }

  async #accept(): Promise<void> {
    try {
      for await (const conn of this.#listener) {
        // A packet goes out in more than one write (header, then payload chunks): with Nagle's
        // algorithm each answer would wait for the client's delayed ACK, ~40 ms an operation on
        // loopback, which no camera's own stack shows and which would swamp every measurement.
        conn.setNoDelay(true);
        const seen: SeenConnection = {
          connection: this.connections.length + 1,
          role: "unknown",
          open: true,
        };
        this.connections.push(seen);
        this.#conns.add(conn);
        this.#emit({ event: "connection", connection: seen.connection });
        this.#track(
          this.#serve(conn, seen).finally(() => {
            closeQuietly(conn);
            this.#conns.delete(conn);
            seen.open = false;
            this.#emit({ event: "closed", connection: seen.connection });
          }),
        );
      }
    } catch {
      // the listener was closed
    }
  }

  async #serve(conn: Deno.Conn, seen: SeenConnection): Promise<void> {
    const reader = new PacketReader(conn);
    const first = await reader.next(INIT_TIMEOUT_MS);
    if (!first.ok) return;
    const packet = first.value;
    if (packet.type === "InitCommandRequest") {
      const oneConnection = this.#options.oneConnection ?? this.#options.eos;
      const refusal = this.#options.initFail ??
        (oneConnection && [...this.#sessions].length > 0 ? INIT_FAIL.Busy : undefined);
      if (refusal !== undefined) {
        seen.role = "refused";
        this.#emit({ event: "init-fail", connection: seen.connection, reason: refusal });
        await writeAll(conn, encodePacket({ type: "InitFail", reason: refusal }));
        return;
      }
      seen.role = "command";
      const session: Session = {
        connection: seen.connection,
        connectionNumber: this.#nextConnectionNumber++,
        conn,
        open: false,
        sentOf: new Map(),
        remoteMode: 0,
        eventMode: 0,
        eosRecords: [],
        eosStateSent: false,
        closedForGood: false,
      };
      this.#sessions.add(session);
      try {
        const model = this.#model();
        const ack = encodePacket({
          type: "InitCommandAck",
          connectionNumber: session.connectionNumber,
          guid: CAMERA_GUID,
          name: this.#options.name ?? model,
          version: PTPIP_VERSION,
        });
        if (!await writeAll(conn, ack)) return;
        this.#emit({
          event: "session",
          connection: seen.connection,
          connectionNumber: session.connectionNumber,
          hostName: packet.hostName.replace(/[^\x20-\x7e]/g, "?").slice(0, 64),
        });
        await this.#commands(session, reader);
      } finally {
        this.#sessions.delete(session);
        // A camera's event connection dies with its command connection.
        if (session.events) closeQuietly(session.events.conn);
      }
    } else if (packet.type === "InitEventRequest") {
      const session = [...this.#sessions].find((s) =>
        s.connectionNumber === packet.connectionNumber
      );
      if (!session || session.events) {
        seen.role = "refused";
        this.#emit({
          event: "init-fail",
          connection: seen.connection,
          reason: INIT_FAIL.Unspecified,
        });
        await writeAll(conn, encodePacket({ type: "InitFail", reason: INIT_FAIL.Unspecified }));
        return;
      }
      seen.role = "event";
      session.events = { connection: seen.connection, conn, queue: Promise.resolve() };
      if (!await this.#sendEvent(session, { type: "InitEventAck" })) return;
      this.#emit({
        event: "event-connection",
        connection: seen.connection,
        connectionNumber: session.connectionNumber,
      });
      await this.#eventLoop(session, reader, seen.connection);
    }
  }

  /** The event connection: answers Ping, notes Pong, until it closes. */
  async #eventLoop(session: Session, reader: PacketReader, connection: number): Promise<void> {
    while (!this.#closed) {
      const next = await reader.next(60_000);
      if (!next.ok) {
        if (next.error.kind === "timeout") continue;
        return;
      }
      if (next.value.type === "Ping") await this.#sendEvent(session, { type: "Pong" });
      else if (next.value.type === "Pong") this.#emit({ event: "pong", connection });
    }
  }

  async #commands(session: Session, reader: PacketReader): Promise<void> {
    while (!this.#closed) {
      const next = await reader.next(IDLE_MS);
      if (!next.ok) return;
      const request = next.value;
      if (request.type !== "OperationRequest") continue;
      if (request.dataPhase === 2 && !await this.#drainDataPhase(reader)) return;
      const seen: SeenOperation = {
        connection: session.connection,
        code: request.code,
        name: operationName(request.code),
        params: request.params,
        transactionId: request.transactionId,
        objectBytes: 0,
      };
      const outcome = await this.#operate(
        session,
        request.code,
        request.params,
        request.transactionId,
        seen,
      );
      if (outcome === "gone") {
        this.requests.push(seen);
        this.#emit({ event: "request", ...seen });
        return;
      }
      const response = encodePacket({
        type: "OperationResponse",
        code: outcome.code,
        transactionId: request.transactionId,
        params: outcome.params ?? [],
      });
      const written = await writeAll(session.conn, response);
      if (written) seen.response = outcome.code;
      this.requests.push(seen);
      this.#emit({ event: "request", ...seen });
      if (!written) return;
    }
  }

  /** Reads and discards a data phase sent to the camera (nothing the fake supports takes one). */
  async #drainDataPhase(reader: PacketReader): Promise<boolean> {
    for (;;) {
      const next = await reader.next(DATA_TIMEOUT_MS);
      if (!next.ok) return false;
      if (next.value.type === "EndData" || next.value.type === "Cancel") return true;
    }
  }

  async #operate(
    session: Session,
    code: number,
    params: number[],
    transactionId: number,
    seen: SeenOperation,
  ): Promise<{ code: number; params?: number[] } | "gone"> {
    const p = (i: number) => params[i] ?? 0;
    const answer = (code: number, ...params: number[]) => ({ code, params });
    const sendDataset = async (bytes: Uint8Array) =>
      await this.#sendData(
          session,
          transactionId,
          bytes.length,
          (at, n) => bytes.subarray(at, at + n),
        )
        ? answer(RESPONSE.OK)
        : "gone" as const;

    // A 2016-and-later EOS body after CloseSession (libgphoto2 library.c).
    if (session.closedForGood) return answer(RESPONSE.OperationNotSupported);
    if (code === OPERATION.GetDeviceInfo) return sendDataset(encodeDeviceInfo(this.#deviceInfo()));
    if (code === OPERATION.OpenSession) {
      if (session.open) return answer(RESPONSE.SessionAlreadyOpen, 1);
      if (p(0) === 0) return answer(RESPONSE.InvalidParameter);
      session.open = true;
      return answer(RESPONSE.OK);
    }
    if (!this.#supported().includes(code)) return answer(RESPONSE.OperationNotSupported);
    if (!session.open) return answer(RESPONSE.SessionNotOpen);
    if (this.#options.eos && session.remoteMode === 0 && NEEDS_REMOTE_MODE.includes(code)) {
      return answer(RESPONSE.DeviceBusy);
    }
    switch (code) {
      case OPERATION.CloseSession:
        session.open = false;
        if (this.#options.eos) session.closedForGood = true;
        return answer(RESPONSE.OK);
      case OPERATION.EosSetRemoteMode:
        session.remoteMode = p(0);
        return answer(RESPONSE.OK);
      case OPERATION.EosSetEventMode:
        session.eventMode = p(0);
        return answer(RESPONSE.OK);
      case OPERATION.EosKeepDeviceOn:
      case OPERATION.EosTransferComplete:
        return answer(RESPONSE.OK);
      case OPERATION.EosGetEvent: {
        const records: Uint8Array[] = [];
        if (session.eventMode !== 0 && !session.eosStateSent) {
          // The first answer in event mode holds the camera's state: property records, which the
          // client must pass over.
          session.eosStateSent = true;
          records.push(...CAMERA_STATE);
        }
        records.push(...session.eosRecords.splice(0));
        return sendDataset(encodeEosEvents(records));
      }
      case OPERATION.GetStorageIDs:
        return sendDataset(encodeUint32Array([STORAGE_ID]));
      case OPERATION.GetStorageInfo:
        if (p(0) !== STORAGE_ID) return answer(RESPONSE.InvalidStorageID);
        return sendDataset(encodeStorageInfo(storageInfoOf(this.#card)));
      case OPERATION.GetNumObjects:
      case OPERATION.GetObjectHandles: {
        const handles = this.#card.handles(p(0), p(1), p(2));
        if (typeof handles === "string") return answer(RESPONSE[handles]);
        if (code === OPERATION.GetNumObjects) return answer(RESPONSE.OK, handles.length);
        return sendDataset(encodeUint32Array(handles));
      }
      case OPERATION.GetObjectInfo: {
        const object = this.#card.get(p(0));
        if (!object) return answer(RESPONSE.InvalidObjectHandle);
        return sendDataset(encodeObjectInfo(objectInfoOf(object)));
      }
      case OPERATION.GetObject:
      case OPERATION.GetPartialObject:
      case OPERATION.EosGetObject:
      case OPERATION.EosGetPartialObject: {
        const object = this.#card.get(p(0));
        if (!object?.content || object.format === FORMAT.Association) {
          return answer(RESPONSE.InvalidObjectHandle);
        }
        const size = contentSize(object.content);
        // Canon's two take the standard ones' parameters (libgphoto2 ptp.c).
        const partial = code === OPERATION.GetPartialObject ||
          code === OPERATION.EosGetPartialObject;
        const offset = partial ? p(1) : 0;
        if (offset > size) return answer(RESPONSE.InvalidParameter);
        const length = partial ? Math.min(p(2), size - offset) : size;
        const content = object.content;
        const sent = await this.#sendData(
          session,
          transactionId,
          length,
          (at, n) => contentBytes(content, offset + at, n),
          { handle: object.handle, seen },
        );
        if (!sent) return "gone";
        // GetPartialObject answers the bytes it sent.
        return partial ? answer(RESPONSE.OK, length) : answer(RESPONSE.OK);
      }
    }
    return answer(RESPONSE.OperationNotSupported);
  }

  #deviceInfo(): DeviceInfo {
    return {
      standardVersion: 100,
      vendorExtensionId: 0x0000000B,
      vendorExtensionVersion: 100,
      vendorExtensionDesc: "",
      functionalMode: 0,
      operationsSupported: [...this.#supported()],
      eventsSupported: [EVENT.ObjectAdded],
      devicePropertiesSupported: [],
      captureFormats: [],
      imageFormats: [
        FORMAT.Association,
        FORMAT.Jpeg,
        FORMAT.CanonCr2,
        FORMAT.CanonCr3,
        FORMAT.CanonMov,
        FORMAT.Mp4,
      ],
      manufacturer: "Canon Inc.",
      model: this.#model(),
      deviceVersion: "1-1.0.0",
      serialNumber: this.#options.serialNumber ?? "0123456789AB",
    };
  }

  /** Object bytes that may still be sent before the drop rule cuts, for this transfer. */
  #dropBudget(session: Session, handle: number): number | undefined {
    const rule = this.#options.drop;
    if (!rule || this.#drops >= (rule.times ?? 1)) return undefined;
    const sent = rule.counting === "object" ? session.sentOf.get(handle) ?? 0 : this.#sentTotal;
    return Math.max(0, rule.afterBytes - sent);
  }

  /**
   * Sends a data phase: StartData, then `total` bytes in Data packets of at most `dataChunkBytes`,
   * the last one an EndData, each chunk made by `chunk` just before it is sent. For object data the
   * drop rule may cut the connections mid-packet. False when the connection is gone.
   */
  async #sendData(
    session: Session,
    transactionId: number,
    total: number,
    chunk: (offset: number, length: number) => Uint8Array,
    object?: { handle: number; seen: SeenOperation },
  ): Promise<boolean> {
    const conn = session.conn;
    if (
      !await writeAll(conn, encodePacket({ type: "StartData", transactionId, totalLength: total }))
    ) {
      return false;
    }
    const chunkBytes = Math.max(1, this.#options.dataChunkBytes ?? 64 * 1024);
    const budget = object ? this.#dropBudget(session, object.handle) : undefined;
    for (let offset = 0;;) {
      const length = Math.min(chunkBytes, total - offset);
      const last = offset + length >= total;
      const header = encodeDataHeader(last ? "EndData" : "Data", transactionId, length);
      if (object) await this.#pace(length);
      let payload = chunk(offset, length);
      const cut = budget !== undefined && offset + length > budget;
      if (cut) payload = payload.subarray(0, budget - offset);
      const written = await writeAll(conn, header) && await writeAll(conn, payload);
      if (object && written) {
        object.seen.objectBytes += payload.length;
        this.#sentTotal += payload.length;
        session.sentOf.set(
          object.handle,
          (session.sentOf.get(object.handle) ?? 0) + payload.length,
        );
      }
      if (cut) {
        this.#drops++;
        this.#sentTotal = 0;
        session.sentOf.clear();
        this.#emit({
          event: "dropped",
          connection: session.connection,
          objectBytes: object!.seen.objectBytes,
        });
        closeQuietly(conn);
        if (session.events) closeQuietly(session.events.conn);
        return false;
      }
      if (!written) return false;
      offset += length;
      if (last) return true;
    }
  }

  /**
   * Waits until the link may send `bytes` more at `bytesPerSecond`, then spends them. The bucket
   * holds at least one packet, so a packet larger than the burst still gets through, and the
   * long-run rate holds whatever the packet size.
   */
  async #pace(bytes: number): Promise<void> {
    const rate = this.#options.bytesPerSecond ?? 0;
    if (!(rate > 0)) return;
    this.#pacedBytes += bytes;
    const capacity = Math.max(bytes, (rate * RATE_BURST_MS) / 1000);
    for (;;) {
      const bucket = this.#bucket;
      refill(bucket, performance.now(), rate, capacity);
      if (bucket.tokens >= bytes || this.#closed) {
        bucket.tokens -= bytes;
        return;
      }
      await sleep(Math.max(1, Math.ceil(((bytes - bucket.tokens) * 1000) / rate)));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
    for (const conn of this.#conns) closeQuietly(conn);
    await this.#accepting;
    await Promise.allSettled([...this.#tasks]);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
