// The client session against a scripted camera on 127.0.0.1 built from our own encoder: the
// opening order, transaction IDs, data phases streamed and counted, Ping/Pong on both
// connections, events, and each failure as a value (InitFail, silence, refusal, a drop mid-data,
// a response that is not OK, a sink that gives up).

import { joinBytes } from "../../lib/util/bytes.ts";
import { REFUSING_PORT } from "../support/ptpip.ts";
import {
  deviceInfo as fakeDeviceInfo,
  objectInfo as fakeObjectInfo,
} from "../support/ptp_datasets.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { openPtpipSession, type PtpEvent, type PtpipSession } from "../../lib/ptpip/session.ts";
import { encodePacket, type Incoming, type Packet, PacketReader } from "../../lib/ptpip/packets.ts";
import { EVENT, OPERATION, RESPONSE } from "../../lib/ptpip/codes.ts";
import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";
import {
  encodeDataHeader,
  encodeDeviceInfo,
  encodeObjectInfo,
  encodeUint32Array,
} from "../../lab/ptp_camera_codec.ts";

const GUID = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
const CAMERA_GUID = Uint8Array.from({ length: 16 }, (_, i) => i);
const FAST = { connectMs: 1000, initMs: 1000, readMs: 1000 };

/** One connection of the scripted camera. */
class PeerConn {
  readonly reader: PacketReader;
  constructor(readonly conn: Deno.Conn) {
    this.reader = new PacketReader(conn);
  }
  async expect(): Promise<Incoming> {
    const next = await this.reader.next(2000);
    if (!next.ok) throw new Error(`peer: ${next.error.kind} ${next.error.detail}`);
    return next.value;
  }
  async expectRequest(code: number): Promise<Extract<Packet, { type: "OperationRequest" }>> {
    const packet = await this.expect();
    assert(packet.type === "OperationRequest", `wanted a request, got ${packet.type}`);
    assertEquals(packet.code, code);
    return packet;
  }
  async send(...packets: (Packet | Uint8Array)[]): Promise<void> {
    for (const p of packets) {
      const bytes = p instanceof Uint8Array ? p : encodePacket(p);
      let at = 0;
      while (at < bytes.length) at += await this.conn.write(bytes.subarray(at));
    }
  }
  respond(transactionId: number, code: number = RESPONSE.OK, params: number[] = []): Promise<void> {
    return this.send({ type: "OperationResponse", code, transactionId, params });
  }
  async sendData(transactionId: number, data: Uint8Array, pieces = 1): Promise<void> {
    await this.send({ type: "StartData", transactionId, totalLength: data.length });
    const size = Math.ceil(data.length / pieces);
    for (let at = 0; at < data.length || at === 0; at += size) {
      const part = data.subarray(at, at + size);
      const last = at + size >= data.length;
      await this.send(
        encodeDataHeader(last ? "EndData" : "Data", transactionId, part.length),
        part,
      );
      if (last) break;
    }
  }
  close(): void {
    try {
      this.conn.close();
    } catch {
      // already closed
    }
  }
}

/** The scripted camera: a listener on 127.0.0.1 and the connections it took. */
class Peer {
  readonly listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  readonly conns: PeerConn[] = [];
  get port(): number {
    return this.listener.addr.port;
  }
  async accept(): Promise<PeerConn> {
    const accepted = await this.listener.accept();
    // The scripted camera writes each packet on its own: without this, Nagle's algorithm and
    // delayed ACKs add 40 ms stalls.
    accepted.setNoDelay(true);
    const conn = new PeerConn(accepted);
    this.conns.push(conn);
    return conn;
  }
  /** Init on both connections and OpenSession; returns the two connections. */
  async handshake(): Promise<{ cmd: PeerConn; evt: PeerConn }> {
    const cmd = await this.accept();
    const init = await cmd.expect();
    assert(init.type === "InitCommandRequest");
    await cmd.send({
      type: "InitCommandAck",
      connectionNumber: 5,
      guid: CAMERA_GUID,
      name: "Fake\u001b[2J Camera",
      version: 0x10000,
    });
    const evt = await this.accept();
    assertEquals(await evt.expect(), { type: "InitEventRequest", connectionNumber: 5 });
    await evt.send({ type: "InitEventAck" });
    const open = await cmd.expectRequest(OPERATION.OpenSession);
    assertEquals(open.transactionId, 0);
    assertEquals(open.params, [1]);
    await cmd.respond(0);
    return { cmd, evt };
  }
  close(): void {
    for (const c of this.conns) c.close();
    this.listener.close();
  }
}

function open(peer: Peer, extra: Partial<Parameters<typeof openPtpipSession>[0]> = {}) {
  return openPtpipSession({
    host: "127.0.0.1",
    port: peer.port,
    guid: GUID,
    hostName: "test-host",
    timeouts: FAST,
    ...extra,
  });
}

async function opened(
  peer: Peer,
  extra = {},
): Promise<{ session: PtpipSession; cmd: PeerConn; evt: PeerConn }> {
  const [result, conns] = await Promise.all([open(peer, extra), peer.handshake()]);
  assert(result.ok, JSON.stringify(!result.ok && result.error));
  return { session: result.value, ...conns };
}

const deviceInfo: DeviceInfo = fakeDeviceInfo({
  operationsSupported: [0x1001, 0x1009],
  eventsSupported: [0x4002],
  imageFormats: [0x3801],
  model: "Fake PowerShot",
  deviceVersion: "1.0",
  serialNumber: "42",
});

const objectInfo: ObjectInfo = fakeObjectInfo({
  format: 0x3801,
  compressedSize: 3000,
  filename: "IMG_0001.JPG",
  captureDate: "20261205T101530",
});

Deno.test("opens in libgphoto2's order, then transactions 1, 2, 3… with their data", async () => {
  const peer = new Peer();
  const [result, init] = await Promise.all([
    open(peer),
    (async () => {
      const cmd = await peer.accept();
      const request = await cmd.expect();
      // Nothing else may happen before the camera acknowledges.
      assertEquals(peer.conns.length, 1);
      await cmd.send({
        type: "InitCommandAck",
        connectionNumber: 9,
        guid: CAMERA_GUID,
        name: "Cam",
        version: 0x10000,
      });
      const evt = await peer.accept();
      const eventRequest = await evt.expect();
      await evt.send({ type: "InitEventAck" });
      const openSession = await cmd.expectRequest(OPERATION.OpenSession);
      await cmd.respond(openSession.transactionId, RESPONSE.SessionAlreadyOpen);
      return { request, eventRequest, openSession, cmd, evt };
    })(),
  ]);
  assertEquals(init.request, {
    type: "InitCommandRequest",
    guid: GUID,
    hostName: "test-host",
    version: 0x10000,
  });
  assertEquals(init.eventRequest, { type: "InitEventRequest", connectionNumber: 9 });
  assertEquals(init.openSession.transactionId, 0);
  assert(result.ok);
  const session = result.value;
  assertEquals(session.camera.name, "Cam");
  assertEquals(session.camera.guid, CAMERA_GUID);
  const { cmd } = init;

  const content = Uint8Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);
  const camera = (async () => {
    const di = await cmd.expectRequest(OPERATION.GetDeviceInfo);
    await cmd.sendData(di.transactionId, encodeDeviceInfo(deviceInfo));
    await cmd.respond(di.transactionId);
    const ids = await cmd.expectRequest(OPERATION.GetStorageIDs);
    await cmd.sendData(ids.transactionId, encodeUint32Array([0x10001]));
    await cmd.respond(ids.transactionId);
    const handles = await cmd.expectRequest(OPERATION.GetObjectHandles);
    assertEquals(handles.params, [0xFFFFFFFF, 0, 0]);
    await cmd.sendData(handles.transactionId, encodeUint32Array([7]));
    await cmd.respond(handles.transactionId);
    const info = await cmd.expectRequest(OPERATION.GetObjectInfo);
    assertEquals(info.params, [7]);
    await cmd.sendData(info.transactionId, encodeObjectInfo(objectInfo));
    await cmd.respond(info.transactionId);
    const get = await cmd.expectRequest(OPERATION.GetObject);
    await cmd.sendData(get.transactionId, content, 4);
    await cmd.respond(get.transactionId);
    const partial = await cmd.expectRequest(OPERATION.GetPartialObject);
    assertEquals(partial.params, [7, 1000, 500]);
    await cmd.sendData(partial.transactionId, content.subarray(1000, 1500));
    await cmd.respond(partial.transactionId, RESPONSE.OK, [500]);
    return [di, ids, handles, info, get, partial].map((r) => r.transactionId);
  })();

  assertEquals(await session.deviceInfo(), { ok: true, value: deviceInfo });
  assertEquals(await session.storageIds(), { ok: true, value: [0x10001] });
  assertEquals(await session.objectHandles(), { ok: true, value: [7] });
  assertEquals(await session.objectInfo(7), { ok: true, value: objectInfo });
  const chunks: Uint8Array[] = [];
  assertEquals(await session.getObject(7, (c) => Promise.resolve(void chunks.push(c.slice()))), {
    ok: true,
    value: 3000,
  });
  assertEquals(joinBytes(chunks), content);
  const part: Uint8Array[] = [];
  assertEquals(
    await session.getPartialObject(7, 1000, 500, (c) => Promise.resolve(void part.push(c.slice()))),
    {
      ok: true,
      value: 500,
    },
  );
  assertEquals(joinBytes(part), content.subarray(1000, 1500));
  assertEquals(await camera, [1, 2, 3, 4, 5, 6]);

  const closing = session.close();
  const close = await cmd.expectRequest(OPERATION.CloseSession);
  assertEquals(close.transactionId, 7);
  await cmd.respond(close.transactionId);
  await closing;
  await session.close(); // idempotent
  assertEquals(await session.closed, undefined);
  const after = await session.deviceInfo();
  assert(!after.ok && after.error.kind === "dropped");
  peer.close();
});

Deno.test("transactions run one at a time, in the order asked", async () => {
  const peer = new Peer();
  const { session, cmd } = await opened(peer, { closeSession: false });
  const camera = (async () => {
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const request = await cmd.expectRequest(OPERATION.GetStorageIDs);
      seen.push(request.transactionId);
      await cmd.sendData(request.transactionId, encodeUint32Array([request.transactionId]));
      await cmd.respond(request.transactionId);
    }
    return seen;
  })();
  const results = await Promise.all([
    session.storageIds(),
    session.storageIds(),
    session.storageIds(),
  ]);
  assertEquals(results.map((r) => r.ok && r.value[0]), [1, 2, 3]);
  assertEquals(await camera, [1, 2, 3]);
  await session.close();
  peer.close();
});

Deno.test("Ping is answered with Pong on both connections; events reach the listeners", async () => {
  const peer = new Peer();
  const { session, cmd, evt } = await opened(peer, { closeSession: false });
  const events: PtpEvent[] = [];
  let heard!: () => void;
  const gotEvent = new Promise<void>((resolve) => heard = resolve);
  const stop = session.onEvent((e) => {
    events.push(e);
    heard();
  });
  session.onEvent(() => {
    throw new Error("a listener's own failure");
  });
  await evt.send({ type: "Ping" });
  assertEquals(await evt.expect(), { type: "Pong" });
  await evt.send({
    type: "Event",
    code: EVENT.ObjectAdded,
    transactionId: 0xFFFFFFFF,
    params: [42],
  });
  await gotEvent;
  assertEquals(events, [{ code: EVENT.ObjectAdded, transactionId: 0xFFFFFFFF, params: [42] }]);
  stop();

  const camera = (async () => {
    const request = await cmd.expectRequest(OPERATION.GetStorageIDs);
    await cmd.send({ type: "Ping" });
    assertEquals(await cmd.expect(), { type: "Pong" });
    await cmd.sendData(request.transactionId, encodeUint32Array([1]));
    await cmd.respond(request.transactionId);
  })();
  assertEquals(await session.storageIds(), { ok: true, value: [1] });
  await camera;
  // closeSession: false: the sockets close with no CloseSession sent.
  await session.close();
  const end = await cmd.reader.next(2000);
  assert(!end.ok && end.error.kind === "closed");
  peer.close();
});

Deno.test("InitFail is 'init-fail' with the reason, and both sockets are closed", async () => {
  const peer = new Peer();
  const [result] = await Promise.all([
    open(peer),
    (async () => {
      const cmd = await peer.accept();
      await cmd.expect();
      await cmd.send({ type: "InitFail", reason: 1 });
      const end = await cmd.reader.next(2000);
      assert(!end.ok && end.error.kind === "closed");
    })(),
  ]);
  assert(!result.ok);
  assertEquals(result.error.kind, "init-fail");
  assertEquals(result.error.code, 1);
  assertMatch(result.error.detail, /refused this computer.*command connection/);
  peer.close();
});

Deno.test("no InitCommandAck within initMs is a timeout that mentions the OK press", async () => {
  const peer = new Peer();
  const started = performance.now();
  const [result] = await Promise.all([
    open(peer, { timeouts: { ...FAST, initMs: 150 } }),
    peer.accept().then((c) => c.expect()),
  ]);
  assert(!result.ok);
  assertEquals(result.error.kind, "timeout");
  assertMatch(result.error.detail, /InitCommandAck within 150 ms.*OK/);
  assert(performance.now() - started >= 140);
  peer.close();
});

Deno.test("a closed port is 'refused'", async () => {
  const result = await openPtpipSession({
    host: "127.0.0.1",
    port: REFUSING_PORT,
    guid: GUID,
    hostName: "h",
    timeouts: FAST,
  });
  assert(!result.ok);
  assertEquals(result.error.kind, "refused");
});

Deno.test("a dial that never completes is 'unreachable' within connectMs", async () => {
  const result = await openPtpipSession({
    host: "192.0.2.1",
    guid: GUID,
    hostName: "h",
    dial: () => new Promise(() => {}),
    timeouts: { ...FAST, connectMs: 50 },
  });
  assert(!result.ok);
  assertEquals(result.error, { kind: "unreachable", detail: "no connection within 50 ms" });
});

Deno.test("the event connection is retried twice, 100 ms apart, when refused", async () => {
  const peer = new Peer();
  const dials: number[] = [];
  let refusals = 2;
  const dial = (host: string, port: number) => {
    dials.push(performance.now());
    if (dials.length > 1 && refusals-- > 0) {
      return Promise.reject(new Deno.errors.ConnectionRefused("refused"));
    }
    return Deno.connect({ hostname: host, port });
  };
  const [result] = await Promise.all([
    open(peer, { dial, closeSession: false }),
    peer.handshake(),
  ]);
  assert(result.ok);
  assertEquals(dials.length, 4);
  assert(dials[2] - dials[1] >= 95 && dials[3] - dials[2] >= 95, "100 ms between tries");
  await result.value.close();
  peer.close();

  // A third refusal ends it.
  const peer2 = new Peer();
  let count = 0;
  const refusing = (host: string, port: number) =>
    count++ === 0
      ? Deno.connect({ hostname: host, port })
      : Promise.reject(new Deno.errors.ConnectionRefused("refused"));
  const [failed] = await Promise.all([
    open(peer2, { dial: refusing }),
    (async () => {
      const cmd = await peer2.accept();
      await cmd.expect();
      await cmd.send({
        type: "InitCommandAck",
        connectionNumber: 1,
        guid: CAMERA_GUID,
        name: "",
        version: 0x10000,
      });
    })(),
  ]);
  assert(!failed.ok);
  assertEquals(failed.error.kind, "refused");
  assertMatch(failed.error.detail, /^event connection/);
  assertEquals(count, 4);
  peer2.close();
});

Deno.test("a drop mid-data is 'dropped' and tells how many bytes arrived", async () => {
  const peer = new Peer();
  const { session, cmd } = await opened(peer);
  const camera = (async () => {
    const get = await cmd.expectRequest(OPERATION.GetObject);
    await cmd.send({ type: "StartData", transactionId: get.transactionId, totalLength: 1000 });
    await cmd.send(encodeDataHeader("Data", get.transactionId, 600), new Uint8Array(400));
    cmd.close();
  })();
  let received = 0;
  const result = await session.getObject(3, (c) => Promise.resolve(void (received += c.length)));
  await camera;
  assert(!result.ok);
  assertEquals(result.error.kind, "dropped");
  assertEquals(result.error.bytes, 400);
  assertEquals(received, 400);
  assertMatch(result.error.detail, /after 400 of 1000 bytes/);
  assertEquals(await session.closed, result.error);
  await session.close();
  peer.close();
});

Deno.test("a response that is not OK is 'response' with its code; the session goes on", async () => {
  const peer = new Peer();
  const { session, cmd } = await opened(peer);
  const camera = (async () => {
    const info = await cmd.expectRequest(OPERATION.GetObjectInfo);
    await cmd.respond(info.transactionId, RESPONSE.InvalidObjectHandle);
    const busy = await cmd.expectRequest(OPERATION.GetStorageIDs);
    await cmd.respond(busy.transactionId, RESPONSE.DeviceBusy);
    const again = await cmd.expectRequest(OPERATION.GetStorageIDs);
    await cmd.sendData(again.transactionId, encodeUint32Array([1, 2]));
    await cmd.respond(again.transactionId);
  })();
  const info = await session.objectInfo(99);
  assertEquals(info, {
    ok: false,
    error: {
      kind: "response",
      detail: "GetObjectInfo: no such file or folder (InvalidObjectHandle, 0x2009)",
      code: 0x2009,
    },
  });
  const busy = await session.storageIds();
  assert(!busy.ok && busy.error.kind === "busy" && busy.error.code === RESPONSE.DeviceBusy);
  assertEquals(await session.storageIds(), { ok: true, value: [1, 2] });
  await camera;
  const closing = session.close();
  await cmd.respond((await cmd.expectRequest(OPERATION.CloseSession)).transactionId);
  await closing;
  peer.close();
});

Deno.test("silence during a transaction is 'timeout' and closes the session", async () => {
  const peer = new Peer();
  // Long enough for the request to reach the peer before the timeout closes the connection, on a
  // loaded machine too (100 ms was not, once).
  const { session, cmd } = await opened(peer, { timeouts: { ...FAST, readMs: 400 } });
  const request = cmd.expectRequest(OPERATION.GetDeviceInfo);
  const result = await session.deviceInfo();
  await request;
  assert(!result.ok);
  assertEquals(result.error, {
    kind: "timeout",
    detail: "no answer to GetDeviceInfo within 400 ms",
  });
  const next = await session.storageIds();
  assert(!next.ok && next.error.kind === "timeout");
  await session.close();
  peer.close();
});

Deno.test("more data than announced, or a dataset past its bound, is 'protocol'", async () => {
  const peer = new Peer();
  const { session, cmd } = await opened(peer);
  const camera = (async () => {
    const get = await cmd.expectRequest(OPERATION.GetObject);
    await cmd.send({ type: "StartData", transactionId: get.transactionId, totalLength: 10 });
    await cmd.send({
      type: "EndData",
      transactionId: get.transactionId,
      payload: new Uint8Array(11),
    });
  })();
  const result = await session.getObject(1, () => Promise.resolve());
  await camera;
  assert(!result.ok);
  assertEquals(result.error.kind, "protocol");
  assertMatch(result.error.detail, /more data than the 10 bytes/);
  peer.close();

  const peer2 = new Peer();
  const second = await opened(peer2);
  const camera2 = (async () => {
    const di = await second.cmd.expectRequest(OPERATION.GetDeviceInfo);
    await second.cmd.send({
      type: "StartData",
      transactionId: di.transactionId,
      totalLength: 5_000_000,
    });
    await second.cmd.send(encodeDataHeader("EndData", di.transactionId, 5_000_000));
    await second.cmd.send(new Uint8Array(2 * 1024 * 1024)).catch(() => {});
  })();
  const di = await second.session.deviceInfo();
  assert(!di.ok);
  assertEquals(di.error.kind, "protocol");
  assertMatch(di.error.detail, /announced 5000000 bytes, more than 1048576/);
  await camera2;
  await second.session.close();
  peer2.close();
});

Deno.test("a sink that rejects stops the transfer as 'cancelled'; a short one keeps the session", async () => {
  const peer = new Peer();
  const { session, cmd } = await opened(peer, { closeSession: false });
  const camera = (async () => {
    const get = await cmd.expectRequest(OPERATION.GetObject);
    await cmd.sendData(get.transactionId, new Uint8Array(200_000), 4);
    await cmd.respond(get.transactionId);
    const ids = await cmd.expectRequest(OPERATION.GetStorageIDs);
    await cmd.sendData(ids.transactionId, encodeUint32Array([5]));
    await cmd.respond(ids.transactionId);
  })();
  let calls = 0;
  const result = await session.getObject(
    1,
    () => ++calls === 1 ? Promise.resolve() : Promise.reject(new Error("disk full")),
  );
  assert(!result.ok);
  assertEquals(result.error.kind, "cancelled");
  assert((result.error.bytes ?? 0) > 0 && (result.error.bytes ?? 0) < 200_000);
  assertEquals(await session.storageIds(), { ok: true, value: [5] });
  await camera;
  await session.close().then(() => {});
  peer.close();
});

Deno.test("the event connection closing mid-transfer lets the transfer finish, then ends the session", async () => {
  const peer = new Peer();
  const { session, cmd, evt } = await opened(peer);
  const content = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  const camera = (async () => {
    const get = await cmd.expectRequest(OPERATION.GetObject);
    await cmd.send({ type: "StartData", transactionId: get.transactionId, totalLength: 5000 });
    await cmd.send(encodeDataHeader("Data", get.transactionId, 2000), content.subarray(0, 2000));
    evt.close();
    await cmd.send(encodeDataHeader("EndData", get.transactionId, 3000), content.subarray(2000));
    await cmd.respond(get.transactionId);
  })();
  const got: Uint8Array[] = [];
  const result = await session.getObject(1, (c) => Promise.resolve(void got.push(c.slice())));
  await camera;
  assertEquals(result, { ok: true, value: 5000 });
  assertEquals(joinBytes(got), content);
  const ended = await session.closed;
  assertEquals(ended?.kind, "dropped");
  assertMatch(ended!.detail, /waiting for events/);
  const after = await session.storageIds();
  assert(!after.ok && after.error.kind === "dropped");
  await session.close();
  peer.close();
});
