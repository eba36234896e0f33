// PTP/IP framing: every packet type round-trips; the reader gives the same packets whether the
// bytes come one at a time or in one block, keeps bytes across a timeout, streams a 50 MB payload
// in bounded chunks, and refuses lying lengths before allocating anything.

import { joinBytes } from "../../lib/util/bytes.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  type ByteSource,
  decodePacket,
  encodePacket,
  HEADER_BYTES,
  type Incoming,
  MAX_CONTROL_PACKET,
  type Packet,
  PacketReader,
  READ_CHUNK,
  readHeader,
} from "../../lib/ptpip/packets.ts";
import { PACKET } from "../../lib/ptpip/codes.ts";
import { encodeDataHeader } from "../../lab/ptp_camera_codec.ts";

const guid = Uint8Array.from({ length: 16 }, (_, i) => i * 7);

const samples: Packet[] = [
  { type: "InitCommandRequest", guid, hostName: "ptpip-helper é📷", version: 0x00010000 },
  { type: "InitCommandAck", connectionNumber: 7, guid, name: "Canon EOS 6D", version: 0x00010000 },
  { type: "InitEventRequest", connectionNumber: 7 },
  { type: "InitEventAck" },
  { type: "InitFail", reason: 1 },
  { type: "OperationRequest", dataPhase: 1, code: 0x1002, transactionId: 0, params: [1] },
  {
    type: "OperationRequest",
    dataPhase: 1,
    code: 0x101b,
    transactionId: 0xfffffffe,
    params: [1, 2, 3, 4, 5],
  },
  { type: "OperationResponse", code: 0x2001, transactionId: 3, params: [] },
  { type: "OperationResponse", code: 0x2019, transactionId: 4, params: [9, 8] },
  { type: "Event", code: 0x4002, transactionId: 0xffffffff, params: [0x90000001] },
  { type: "StartData", transactionId: 5, totalLength: 52_428_800 },
  { type: "StartData", transactionId: 5, totalLength: 0xFFFF_FFFF_FFFF_FFFFn },
  { type: "Data", transactionId: 5, payload: new Uint8Array([1, 2, 3]) },
  { type: "EndData", transactionId: 5, payload: new Uint8Array(0) },
  { type: "Cancel", transactionId: 5 },
  { type: "Ping" },
  { type: "Pong" },
];

Deno.test("every packet type round-trips through encodePacket and decodePacket", () => {
  for (const packet of samples) {
    const bytes = encodePacket(packet);
    const { length, type } = readHeader(bytes);
    assertEquals(length, bytes.length);
    assertEquals(type, PACKET[packet.type]);
    assertEquals(decodePacket(type, bytes.subarray(HEADER_BYTES)), { ok: true, value: packet });
  }
});

Deno.test("the wire layout matches libgphoto2's offsets", () => {
  const request = encodePacket({
    type: "OperationRequest",
    dataPhase: 1,
    code: 0x1007,
    transactionId: 2,
    params: [0xffffffff, 0, 0],
  });
  assertEquals(request.length, 30);
  assertEquals([...request.subarray(8, 18)], [1, 0, 0, 0, 0x07, 0x10, 2, 0, 0, 0]);
  const init = encodePacket({ type: "InitCommandRequest", guid, hostName: "ab", version: 0x10000 });
  // guid at 8, name at 24 (a, b, NUL as UTF-16LE), version minor then major.
  assertEquals([...init.subarray(24)], [0x61, 0, 0x62, 0, 0, 0, 0, 0, 1, 0]);
  assertEquals(encodePacket({ type: "StartData", transactionId: 1, totalLength: 5 }).length, 20);
  const dataHeader = encodeDataHeader("Data", 9, 1000);
  assertEquals(readHeader(dataHeader), { length: 1012, type: PACKET.Data });
  assertEquals(dataHeader.length, 12);
});

Deno.test("decodePacket is lenient where safe and refuses short bodies", () => {
  // A name without its NUL: the last four bytes are the version.
  const body = new Uint8Array([...new Uint8Array(4), ...guid, 0x41, 0, 0x42, 0, 0, 0, 1, 0]);
  const ack = decodePacket(PACKET.InitCommandAck, body);
  assert(ack.ok && ack.value.type === "InitCommandAck");
  assertEquals(ack.value.name, "AB");
  assertEquals(ack.value.version, 0x10000);
  // An odd byte and no version at all.
  const odd = decodePacket(PACKET.InitCommandAck, new Uint8Array([...body.subarray(0, 21)]));
  assert(odd.ok && odd.value.type === "InitCommandAck");
  assertEquals(odd.value.name, "");
  // A lone surrogate in the name.
  const lone = new Uint8Array([...body.subarray(0, 20), 0x00, 0xd8, 0, 0, 1, 0, 0, 0]);
  const loneAck = decodePacket(PACKET.InitCommandAck, lone);
  assert(loneAck.ok && loneAck.value.type === "InitCommandAck");
  assertEquals(loneAck.value.name, "\ufffd");
  // Parameters past five are dropped, a trailing partial one ignored.
  const response = decodePacket(PACKET.OperationResponse, new Uint8Array(6 + 4 * 7 + 3));
  assert(response.ok && response.value.type === "OperationResponse");
  assertEquals(response.value.params.length, 5);
  for (const type of [2, 3, 5, 6, 7, 8, 9, 10, 11, 12]) {
    const short = decodePacket(type, new Uint8Array(3));
    assert(!short.ok, `type ${type}`);
    assertMatch(short.error, /needs at least/);
  }
  assert(!decodePacket(99, new Uint8Array(0)).ok);
});

/** A byte source fed by the test: each read takes at most `perRead` bytes of what is queued. */
class FedSource implements ByteSource {
  #queue: Uint8Array[] = [];
  #ended = false;
  #waiting: (() => void) | undefined;
  largestRead = 0;
  reads = 0;
  constructor(readonly perRead = Infinity) {}
  push(bytes: Uint8Array): void {
    if (bytes.length > 0) this.#queue.push(bytes);
    this.#waiting?.();
  }
  end(): void {
    this.#ended = true;
    this.#waiting?.();
  }
  async read(buffer: Uint8Array): Promise<number | null> {
    this.reads++;
    this.largestRead = Math.max(this.largestRead, buffer.length);
    while (this.#queue.length === 0) {
      if (this.#ended) return null;
      await new Promise<void>((resolve) => this.#waiting = resolve);
      this.#waiting = undefined;
    }
    const head = this.#queue[0];
    const n = Math.min(head.length, buffer.length, this.perRead);
    buffer.set(head.subarray(0, n));
    if (n === head.length) this.#queue.shift();
    else this.#queue[0] = head.subarray(n);
    return n;
  }
}

type Seen = Incoming | { type: "payload"; bytes: number[] };

async function readAll(reader: PacketReader): Promise<{ seen: Seen[]; end: string }> {
  const seen: Seen[] = [];
  for (;;) {
    const next = await reader.next(1000);
    if (!next.ok) return { seen, end: next.error.kind };
    seen.push(next.value);
    if (next.value.type === "Data" || next.value.type === "EndData") {
      const bytes: number[] = [];
      while (reader.payloadRemaining > 0) {
        const chunk = await reader.readPayload(5, 1000);
        assert(chunk.ok);
        assert(chunk.value.length <= 5);
        bytes.push(...chunk.value);
      }
      seen.push({ type: "payload", bytes });
    }
  }
}

Deno.test("byte by byte and in one block, the reader yields the same packets", async () => {
  const stream = joinBytes([
    ...samples.map(encodePacket),
    encodeDataHeader("EndData", 77, 12),
    new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  ]);
  const whole = new FedSource();
  whole.push(stream);
  whole.end();
  const single = new FedSource(1);
  single.push(stream);
  single.end();
  const a = await readAll(new PacketReader(whole));
  const b = await readAll(new PacketReader(single));
  assertEquals(a.end, "closed");
  assertEquals(b.end, "closed");
  assertEquals(a.seen, b.seen);
  const kinds = a.seen.map((s) => s.type);
  assertEquals(kinds.filter((k) => k === "payload").length, 3);
  assertEquals(a.seen.at(-1), { type: "payload", bytes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
  assert(single.reads >= stream.length);
});

Deno.test("a payload left unread is skipped by the next call", async () => {
  const source = new FedSource(3);
  source.push(encodePacket({ type: "Data", transactionId: 1, payload: new Uint8Array(40) }));
  source.push(encodePacket({ type: "Ping" }));
  const reader = new PacketReader(source);
  const data = await reader.next(1000);
  assert(data.ok && data.value.type === "Data");
  assertEquals(data.value.payloadLength, 40);
  assertEquals(await reader.next(1000), { ok: true, value: { type: "Ping" } });
});

Deno.test("a timeout loses no byte: the next call finishes the packet", async () => {
  const source = new FedSource();
  const reader = new PacketReader(source);
  const bytes = encodePacket({
    type: "OperationResponse",
    code: 0x2001,
    transactionId: 1,
    params: [],
  });
  source.push(bytes.subarray(0, 5));
  const first = await reader.next(20);
  assertEquals(first, { ok: false, error: { kind: "timeout", detail: "nothing within 20 ms" } });
  const again = reader.next(1000);
  source.push(bytes.subarray(5));
  assertEquals(await again, {
    ok: true,
    value: { type: "OperationResponse", code: 0x2001, transactionId: 1, params: [] },
  });
});

Deno.test("lengths below 8 or over the type's bound are refused before allocation, for good", async () => {
  const cases: [Uint8Array, string, RegExp][] = [
    [new Uint8Array([4, 0, 0, 0, 7, 0, 0, 0]), "malformed", /length of 4/],
    [
      new Uint8Array([0xff, 0xff, 0xff, 0x7f, 7, 0, 0, 0]),
      "too-large",
      /OperationResponse.*2147483647/,
    ],
    [
      new Uint8Array([...u32(MAX_CONTROL_PACKET + 1), 2, 0, 0, 0]),
      "too-large",
      /InitCommandAck packet of 4097/,
    ],
    [new Uint8Array([0xff, 0xff, 0xff, 0xff, 13, 0, 0, 0]), "too-large", /Ping/],
    [new Uint8Array([11, 0, 0, 0, 10, 0, 0, 0]), "malformed", /Data packet of 11/],
    [new Uint8Array([8, 0, 0, 0, 99, 0, 0, 0]), "malformed", /unknown packet type 99/],
  ];
  for (const [bytes, kind, detail] of cases) {
    const source = new FedSource();
    source.push(bytes);
    const reader = new PacketReader(source);
    const result = await reader.next(1000);
    assert(!result.ok);
    assertEquals(result.error.kind, kind);
    assertMatch(result.error.detail, detail);
    assert(source.largestRead <= READ_CHUNK);
    source.push(encodePacket({ type: "Ping" }));
    const later = await reader.next(1000);
    assert(!later.ok && later.error.kind === kind, "the failure sticks");
  }
});

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
}

Deno.test("a body too short for its type is malformed, and the stream stays in step", async () => {
  const source = new FedSource();
  source.push(new Uint8Array([10, 0, 0, 0, 7, 0, 0, 0, 1, 0]));
  source.push(encodePacket({ type: "Pong" }));
  const reader = new PacketReader(source);
  const bad = await reader.next(1000);
  assert(!bad.ok && bad.error.kind === "malformed");
  assertEquals(await reader.next(1000), { ok: true, value: { type: "Pong" } });
});

Deno.test("a closed source mid-packet is 'closed'", async () => {
  const source = new FedSource();
  source.push(encodePacket({ type: "Ping" }).subarray(0, 6));
  source.end();
  const result = await new PacketReader(source).next(1000);
  assertEquals(result, {
    ok: false,
    error: { kind: "closed", detail: "the camera closed the connection" },
  });
});

Deno.test("a source that throws is 'closed' with the error's name only", async () => {
  const source: ByteSource = {
    read: () => Promise.reject(new Deno.errors.ConnectionReset("x\u001b[31m")),
  };
  const result = await new PacketReader(source).next(1000);
  assertEquals(result, {
    ok: false,
    error: { kind: "closed", detail: "the connection failed (ConnectionReset)" },
  });
});

/** A source declaring one 50 MB Data packet and generating its payload on demand. */
class GeneratedData implements ByteSource {
  #header: Uint8Array;
  #left: number;
  largestRead = 0;
  constructor(readonly size: number) {
    this.#header = encodeDataHeader("EndData", 3, size);
    this.#left = size;
  }
  read(buffer: Uint8Array): Promise<number | null> {
    this.largestRead = Math.max(this.largestRead, buffer.length);
    if (this.#header.length > 0) {
      const n = Math.min(this.#header.length, buffer.length);
      buffer.set(this.#header.subarray(0, n));
      this.#header = this.#header.subarray(n);
      return Promise.resolve(n);
    }
    if (this.#left === 0) return Promise.resolve(null);
    const n = Math.min(this.#left, buffer.length);
    const offset = this.size - this.#left;
    for (let i = 0; i < n; i++) buffer[i] = (offset + i) & 0xff;
    this.#left -= n;
    return Promise.resolve(n);
  }
}

Deno.test("a 50 MB payload is read in bounded chunks, never held whole", async () => {
  const size = 50 * 1024 * 1024;
  const source = new GeneratedData(size);
  const reader = new PacketReader(source);
  const head = await reader.next(1000);
  assertEquals(head, {
    ok: true,
    value: { type: "EndData", transactionId: 3, payloadLength: size },
  });
  let total = 0;
  let largest = 0;
  let checksOk = true;
  // Each chunk is a view of the reader's one buffer: no allocation per chunk.
  const buffers = new Set<ArrayBufferLike>();
  while (reader.payloadRemaining > 0) {
    const chunk = await reader.readPayload(256 * 1024, 1000);
    assert(chunk.ok);
    buffers.add(chunk.value.buffer);
    if (chunk.value[0] !== (total & 0xff)) checksOk = false;
    total += chunk.value.length;
    largest = Math.max(largest, chunk.value.length);
  }
  assertEquals(total, size);
  assert(checksOk, "the bytes arrive in order");
  assert(largest <= READ_CHUNK, `chunks at most the read buffer (${largest})`);
  assert(source.largestRead <= READ_CHUNK, `the buffer stayed ${READ_CHUNK} bytes`);
  assertEquals(buffers.size, 1, "every chunk is lent from one buffer");
  assertEquals(await reader.readPayload(10, 10), { ok: true, value: new Uint8Array(0) });
  const end = await reader.next(1000);
  assert(!end.ok && end.error.kind === "closed");
});
