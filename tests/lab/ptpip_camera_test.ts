// The fake PTP/IP camera itself, on 127.0.0.1 only: its card (handles as PTP filters them, seeded
// bytes the same however they are cut) and the faults the importer's tests rely on, seen through a
// minimal client built on lib/ptpip. The proof that it is a real camera is the gphoto2 test.

import { assert, assertEquals } from "../support/assert.ts";
import {
  ALL,
  contentBytes,
  type PtpipCamera,
  RATE_BURST_MS,
  startPtpipCamera,
} from "../../lab/ptpip_camera.ts";
import { Card, STORAGE_ID } from "../../lab/ptpip_camera_objects.ts";
import { FORMAT, INIT_FAIL, OPERATION, RESPONSE } from "../../lib/ptpip/codes.ts";
import { decodeDeviceInfo, decodeObjectInfo, decodeUint32Array } from "../../lib/ptpip/datasets.ts";
import { type Incoming, PacketReader, PTPIP_VERSION } from "../../lib/ptpip/packets.ts";
import { encodePacket } from "../../lib/ptpip/packets.ts";

const MS = 3000;

/** A bare PTP/IP initiator: what a test needs to drive the fake, nothing more. */
class Client implements AsyncDisposable {
  readonly reader: PacketReader;
  events?: { conn: Deno.Conn; reader: PacketReader };
  /** Payload sizes of the Data/EndData packets of the last data phase. */
  chunks: number[] = [];
  /** Payload bytes received in the last data phase, however it ended. */
  received = 0;
  #tid = 0;

  private constructor(readonly conn: Deno.Conn) {
    this.reader = new PacketReader(conn);
  }

  /** Connects and sends InitCommandRequest; returns the client and the camera's first answer. */
  static async init(camera: PtpipCamera): Promise<{ client: Client; answer: Incoming }> {
    const client = new Client(await Deno.connect({ hostname: "127.0.0.1", port: camera.port }));
    await client.conn.write(encodePacket({
      type: "InitCommandRequest",
      guid: new Uint8Array(16).fill(7),
      hostName: "test",
      version: PTPIP_VERSION,
    }));
    const answer = await client.reader.next(MS);
    if (!answer.ok) throw new Error(answer.error.detail);
    return { client, answer: answer.value };
  }

  /** A client with both connections up and a session open. */
  static async open(camera: PtpipCamera): Promise<Client> {
    const { client, answer } = await Client.init(camera);
    assert(answer.type === "InitCommandAck", `got ${answer.type}`);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: camera.port });
    await conn.write(encodePacket({
      type: "InitEventRequest",
      connectionNumber: answer.connectionNumber,
    }));
    const reader = new PacketReader(conn);
    client.events = { conn, reader };
    assertEquals((await reader.next(MS)).ok && "acked", "acked");
    assertEquals((await client.op(OPERATION.OpenSession, [1])).code, RESPONSE.OK);
    return client;
  }

  /** One operation: its response code and parameters, and its data phase's bytes. */
  async op(code: number, params: number[] = []) {
    const transactionId = this.#tid++;
    await this.conn.write(encodePacket({
      type: "OperationRequest",
      dataPhase: 1,
      code,
      transactionId,
      params,
    }));
    const parts: Uint8Array[] = [];
    this.chunks = [];
    this.received = 0;
    for (;;) {
      const next = await this.reader.next(MS);
      if (!next.ok) throw new Error(`${next.error.kind}: ${next.error.detail}`);
      const packet = next.value;
      if (packet.type === "OperationResponse") {
        const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
        parts.reduce((at, p) => (data.set(p, at), at + p.length), 0);
        return { code: packet.code, params: packet.params, data };
      }
      if (packet.type === "Data" || packet.type === "EndData") {
        this.chunks.push(packet.payloadLength);
        for (;;) {
          const chunk = await this.reader.readPayload(1 << 20, MS);
          if (!chunk.ok) throw new Error(`${chunk.error.kind}: ${chunk.error.detail}`);
          if (chunk.value.length === 0) break;
          // A view of the reader's buffer, valid until its next read: kept as a copy.
          parts.push(chunk.value.slice());
          this.received += chunk.value.length;
        }
      }
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    for (const conn of [this.conn, this.events?.conn]) {
      try {
        conn?.close();
      } catch {
        // closed by the camera
      }
    }
    return Promise.resolve();
  }
}

const JPEG = { seed: 1, size: 100_000 };
const RAW = { seed: 2, size: 250_000 };
const FILES = [
  { path: "DCIM/100CANON/IMG_0001.JPG", content: JPEG },
  { path: "DCIM/100CANON/IMG_0002.CR2", content: RAW, reportedSize: 200_000 },
  { path: "MISC/NOTES.TXT", content: new TextEncoder().encode("hello") },
];

Deno.test("the card answers GetObjectHandles' storage, format and parent filters as PTP says", () => {
  const card = new Card();
  for (const file of FILES) card.add(file);
  // DCIM 1, 100CANON 2, IMG_0001 3, IMG_0002 4, MISC 5, NOTES 6
  assertEquals(card.handles(ALL, 0, 0), [1, 2, 3, 4, 5, 6]);
  assertEquals(card.handles(STORAGE_ID, 0, ALL), [1, 5]);
  assertEquals(card.handles(ALL, 0, 2), [3, 4]);
  assertEquals(card.handles(ALL, FORMAT.Jpeg, 0), [3]);
  assertEquals(card.handles(ALL, FORMAT.Association, ALL), [1, 5]);
  assertEquals(card.handles(0x00020001, 0, 0), "InvalidStorageID");
  assertEquals(card.handles(ALL, 0, 3), "InvalidParentObject");
  assertEquals(card.add({ path: "DCIM/100CANON/IMG_0005.JPG", content: JPEG }).length, 1);
});

Deno.test("seeded content is the same bytes however it is cut", () => {
  const content = { seed: 42, size: 10_007 };
  const whole = contentBytes(content, 0, content.size);
  assertEquals(whole.length, content.size);
  const cuts = [0, 1, 3, 4, 999, 5000, 5001, 10_006, content.size];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const part = contentBytes(content, cuts[i], cuts[i + 1] - cuts[i]);
    assertEquals([...part], [...whole.subarray(cuts[i], cuts[i + 1])]);
  }
  assertEquals(contentBytes(content, content.size, 10).length, 0);
  assert(!contentBytes({ seed: 43, size: 64 }, 0, 64).every((b, i) => b === whole[i]));
});

Deno.test("the fake camera serves a session the way a PowerShot does", async (t) => {
  await using camera = await startPtpipCamera({ files: FILES, dataChunkBytes: 30_000 });
  await using client = await Client.open(camera);

  await t.step("DeviceInfo names Canon and lists the operations it answers", async () => {
    const { code, data } = await client.op(OPERATION.GetDeviceInfo);
    assertEquals(code, RESPONSE.OK);
    const info = decodeDeviceInfo(data);
    assert(info.ok);
    assertEquals(info.value.manufacturer, "Canon Inc.");
    assert(info.value.operationsSupported.includes(OPERATION.GetPartialObject));
  });

  await t.step("handles by folder, and ObjectInfo's size lies where asked", async () => {
    const root = await client.op(OPERATION.GetObjectHandles, [ALL, 0, ALL]);
    assertEquals(decodeUint32Array(root.data), { ok: true, value: [1, 5] });
    const info = decodeObjectInfo((await client.op(OPERATION.GetObjectInfo, [4])).data);
    assert(info.ok);
    assertEquals([info.value.filename, info.value.compressedSize], ["IMG_0002.CR2", 200_000]);
    assertEquals((await client.op(OPERATION.GetObject, [4])).data.length, RAW.size);
    const count = await client.op(OPERATION.GetNumObjects, [ALL, 0, 0]);
    assertEquals(count.params, [6]);
    assertEquals(
      (await client.op(OPERATION.GetObjectInfo, [99])).code,
      RESPONSE.InvalidObjectHandle,
    );
    assertEquals((await client.op(0x9999)).code, RESPONSE.OperationNotSupported);
  });

  await t.step(
    "GetObject streams in Data packets of dataChunkBytes; GetPartialObject cuts",
    async () => {
      const whole = await client.op(OPERATION.GetObject, [3]);
      assertEquals([...whole.data], [...contentBytes(JPEG, 0, JPEG.size)]);
      assertEquals(client.chunks, [30_000, 30_000, 30_000, 10_000]);
      const part = await client.op(OPERATION.GetPartialObject, [3, 99_000, 5000]);
      assertEquals(part.params, [1000]);
      assertEquals([...part.data], [...contentBytes(JPEG, 99_000, 1000)]);
    },
  );

  await t.step("a file added is announced by ObjectAdded on the event connection", async () => {
    const handle = await camera.addFile({ path: "DCIM/100CANON/IMG_0003.JPG", content: JPEG });
    const event = await client.events!.reader.next(MS);
    assert(event.ok && event.value.type === "Event");
    assertEquals([event.value.code, event.value.params], [0x4002, [handle]]);
  });

  await t.step("the camera's Ping is answered and seen", async () => {
    assertEquals(await camera.ping(), 1);
    const ping = await client.events!.reader.next(MS);
    assert(ping.ok && ping.value.type === "Ping");
    await client.events!.conn.write(encodePacket({ type: "Pong" }));
    await camera.until(() => camera.events.some((e) => e.event === "pong"), MS, "the Pong");
  });
});

Deno.test("the fake camera cuts the connection after exactly dropAfterBytes, once", async () => {
  await using camera = await startPtpipCamera({
    files: FILES,
    dataChunkBytes: 40_000,
    drop: { afterBytes: 150_000 },
  });
  {
    await using client = await Client.open(camera);
    assertEquals((await client.op(OPERATION.GetObject, [3])).data.length, JPEG.size);
    const failed = await client.op(OPERATION.GetObject, [4]).catch((error) => error as Error);
    assert(failed instanceof Error && failed.message.startsWith("closed"), String(failed));
    assertEquals(client.received, 50_000);
    assert(client.reader.payloadRemaining > 0, "the Data packet in flight was cut short");
    await camera.until(() => camera.events.some((e) => e.event === "dropped"), MS, "the drop");
    const dropped = camera.events.find((e) => e.event === "dropped");
    assertEquals(dropped, { event: "dropped", connection: 1, objectBytes: 50_000 });
  }
  await using again = await Client.open(camera);
  assertEquals((await again.op(OPERATION.GetObject, [4])).data.length, RAW.size);
});

Deno.test("InitFail on request, and Busy for a second client while oneConnection holds", async () => {
  await using camera = await startPtpipCamera({ initFail: INIT_FAIL.RejectedInitiator });
  {
    const { client, answer } = await Client.init(camera);
    await using _ = client;
    assertEquals(answer, { type: "InitFail", reason: INIT_FAIL.RejectedInitiator });
  }
  camera.configure({ initFail: undefined, oneConnection: true });
  {
    await using first = await Client.open(camera);
    const { client, answer } = await Client.init(camera);
    await using _ = client;
    assertEquals(answer, { type: "InitFail", reason: INIT_FAIL.Busy });
    await first.op(OPERATION.CloseSession);
  }
  await camera.until(
    () => camera.connections.every((c) => !c.open),
    MS,
    "every connection closed",
  );
  await using later = await Client.open(camera);
  assertEquals((await later.op(OPERATION.GetStorageIDs)).code, RESPONSE.OK);
});

Deno.test("drop counting per object cuts each transfer of a big file, `times` times", async () => {
  await using camera = await startPtpipCamera({
    files: FILES,
    drop: { afterBytes: 30_000, counting: "object", times: 2 },
  });
  for (let cut = 0; cut < 2; cut++) {
    await using client = await Client.open(camera);
    // A file under the limit is never cut.
    assertEquals((await client.op(OPERATION.GetObject, [6])).data.length, 5);
    await client.op(OPERATION.GetObject, [3]).catch(() => {});
    assertEquals(client.received, 30_000);
  }
  await using client = await Client.open(camera);
  assertEquals((await client.op(OPERATION.GetObject, [3])).data.length, JPEG.size);
  assertEquals(camera.events.filter((e) => e.event === "dropped").length, 2);
});

Deno.test("bytesPerSecond paces object data at the link's rate, and configure lifts it", async () => {
  // 1 MB at 4 MB/s: 250 ms less the one burst the bucket may hold (RATE_BURST_MS of the rate).
  const BIG = { seed: 3, size: 1_000_000 };
  await using camera = await startPtpipCamera({
    files: [{ path: "DCIM/100CANON/MVI_0001.MP4", content: BIG }],
    bytesPerSecond: 4_000_000,
  });
  await using client = await Client.open(camera);
  const paced = performance.now();
  const slow = await client.op(OPERATION.GetObject, [3]);
  const pacedMs = performance.now() - paced;
  assertEquals(slow.data, contentBytes(BIG, 0, BIG.size));
  const floor = 1000 * (BIG.size - 4_000_000 * RATE_BURST_MS / 1000) / 4_000_000;
  assert(pacedMs >= floor - 5, `1 MB at 4 MB/s in ${pacedMs.toFixed(0)} ms (at least ${floor})`);
  assertEquals(camera.pacedBytes, BIG.size, "every object byte went through the pacing");
  // Datasets are not paced: only object bytes cross the "radio" slowly.
  assertEquals((await client.op(OPERATION.GetObjectHandles, [ALL])).code, RESPONSE.OK);
  assertEquals(camera.pacedBytes, BIG.size, "a listing went through the pacing");
  camera.configure({ bytesPerSecond: 0 });
  assertEquals((await client.op(OPERATION.GetObject, [3])).data.length, BIG.size);
  assertEquals(camera.pacedBytes, BIG.size, "an unpaced transfer went through the pacing");
});
