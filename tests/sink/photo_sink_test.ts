// The photo sink's scheduler with fakes: a fake session per camera, a fake importer and a clock the
// test moves by hand, so reconnect backoff, re-lists and cameras coming and going run without a
// network and without waiting.

import { assert, assertEquals } from "../support/assert.ts";
import { err, ok, type Result } from "../../lib/util/result.ts";
import type { ServeEvent } from "../../lib/events.ts";
import type { PtpEvent, SessionFailure } from "../../lib/ptpip/session.ts";
import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";
import { EVENT, OPERATION } from "../../lib/ptpip/codes.ts";
import type { CameraObject } from "../../lib/import/source.ts";
import type { Importer, SinkSession } from "../../lib/sink/link.ts";
import { PhotoSink } from "../../lib/sink/photo_sink.ts";
import { backoffDelay } from "../../lib/sink/backoff.ts";
import { eosWatch } from "../../lib/sink/eos_body.ts";
import { encodeEosEvents } from "../../lib/ptpip/eos_events.ts";
import { CANON_VENDOR_EXTENSION } from "../../lib/ptpip/eos.ts";
import { FakeClock } from "../support/clock.ts";

/** Lets every promise chain started so far run to its next real wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** Resolves once `condition` holds, checking after each settle; fails after `tries`. */
async function until(condition: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await settle();
  }
  throw new Error(`never: ${what}`);
}

const DEVICE_INFO: DeviceInfo = {
  standardVersion: 100,
  vendorExtensionId: 0xb,
  vendorExtensionVersion: 100,
  vendorExtensionDesc: "",
  functionalMode: 0,
  operationsSupported: [OPERATION.GetObject, OPERATION.GetPartialObject],
  eventsSupported: [EVENT.ObjectAdded],
  devicePropertiesSupported: [],
  captureFormats: [],
  imageFormats: [],
  manufacturer: "Canon Inc.",
  model: "Canon PowerShot SX740 HS",
  deviceVersion: "1",
  serialNumber: "42",
};

const EOS_INFO: DeviceInfo = {
  ...DEVICE_INFO,
  vendorExtensionId: CANON_VENDOR_EXTENSION,
  model: "Canon EOS 6D",
  operationsSupported: [
    ...DEVICE_INFO.operationsSupported,
    OPERATION.EosSetRemoteMode,
    OPERATION.EosSetEventMode,
    OPERATION.EosGetEvent,
    OPERATION.EosKeepDeviceOn,
  ],
};

/** A session with a card of `handles`; the test adds photos, sends events and drops it. */
class FakeSession implements SinkSession {
  readonly closed: Promise<SessionFailure | undefined>;
  #close!: (failure: SessionFailure | undefined) => void;
  #failure?: SessionFailure;
  readonly listeners = new Set<(event: PtpEvent) => void>();
  readonly calls: string[] = [];
  constructor(readonly handles: number[]) {
    this.closed = new Promise((resolve) => this.#close = resolve);
  }
  #gone<T>(): Result<T, SessionFailure> | undefined {
    return this.#failure ? err(this.#failure) : undefined;
  }
  info: DeviceInfo = DEVICE_INFO;
  deviceInfo() {
    this.calls.push("GetDeviceInfo");
    return Promise.resolve(this.#gone<DeviceInfo>() ?? ok(this.info));
  }
  storageIds() {
    this.calls.push("GetStorageIDs");
    return Promise.resolve(this.#gone<number[]>() ?? ok([0x00010001]));
  }
  objectHandles() {
    this.calls.push("GetObjectHandles");
    return Promise.resolve(this.#gone<number[]>() ?? ok([...this.handles]));
  }
  objectInfo(handle: number) {
    this.calls.push(`GetObjectInfo ${handle}`);
    const info = {
      storageId: 0x00010001,
      format: 0x3801,
      compressedSize: 10,
      filename: `IMG_${handle}.JPG`,
      captureDate: "20240501T101500",
    } as ObjectInfo;
    return Promise.resolve(this.#gone<ObjectInfo>() ?? ok(info));
  }
  getObject(handle: number, sink: (c: Uint8Array) => Promise<void>) {
    this.calls.push(`GetObject ${handle}`);
    return (async () => {
      const gone = this.#gone<number>();
      if (gone) return gone;
      await sink(new Uint8Array(10));
      return ok(10);
    })();
  }
  getPartialObject(handle: number, _o: number, _m: number, sink: (c: Uint8Array) => Promise<void>) {
    return this.getObject(handle, sink);
  }
  /** Vendor operations seen: code and the clock's time. */
  readonly vendor: { code: number; at: number }[] = [];
  clock?: FakeClock;
  operation(code: number) {
    this.vendor.push({ code, at: this.clock?.now() ?? 0 });
    return Promise.resolve(
      this.#gone<{ code: number; params: number[]; bytes: number }>() ??
        ok({ code: 0x2001, params: [], bytes: 0 }),
    );
  }
  operationData(code: number) {
    this.vendor.push({ code, at: this.clock?.now() ?? 0 });
    return Promise.resolve(
      this.#gone<{ params: number[]; data: Uint8Array }>() ??
        ok({ params: [], data: encodeEosEvents([]) }),
    );
  }
  onEvent(listener: (event: PtpEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
  close() {
    this.#failure ??= { kind: "dropped", detail: "closed" };
    this.#close(undefined);
    return Promise.resolve();
  }
  /** The camera cut the connection. */
  drop() {
    this.#failure = { kind: "dropped", detail: "the camera closed the connection" };
    this.#close(this.#failure);
  }
  /** The camera took a photo and says so. */
  add(handle: number, announce = true) {
    this.handles.push(handle);
    if (announce) {
      for (const l of this.listeners) {
        l({ code: EVENT.ObjectAdded, transactionId: 0xffffffff, params: [handle] });
      }
    }
  }
}

/** A sink over fakes: each open makes a session from `cards` (or fails), every import recorded. */
function rig(
  options: { maxLinks?: number; refuse?: (ip: string) => boolean; eos?: boolean } = {},
) {
  const clock = new FakeClock(0, Date.UTC(2024, 4, 1));
  const events: ServeEvent[] = [];
  const sessions: { ip: string; session: FakeSession }[] = [];
  const opens: { ip: string; at: number }[] = [];
  const imported: { ip: string; handle: number }[] = [];
  const cards = new Map<string, number[]>();
  const importer: Importer = async (source, options) => {
    const listed = await source.list();
    if (!listed.ok) {
      return err({ kind: "source", detail: listed.error.detail, summary: emptySummary() });
    }
    for (const object of listed.value as CameraObject[]) {
      const fetched = await source.fetch(object, 0, () => Promise.resolve());
      if (!fetched.ok) {
        return err({ kind: "source", detail: fetched.error.detail, summary: emptySummary() });
      }
      imported.push({ ip: source.cameraId, handle: object.handle });
      options.onProgress?.({
        kind: "file-done",
        name: object.name,
        path: `2024/2024-05-01/${object.name}`,
        size: object.size,
      });
    }
    return ok(emptySummary());
  };
  const sink = new PhotoSink({
    dest: "/photos",
    open: (ip) => {
      opens.push({ ip, at: clock.now() });
      if (options.refuse?.(ip)) {
        return Promise.resolve(err({ kind: "refused", detail: "connection refused" }));
      }
      const session = new FakeSession(cards.get(ip) ?? []);
      session.clock = clock;
      if (options.eos) session.info = EOS_INFO;
      sessions.push({ ip, session });
      return Promise.resolve(ok(session));
    },
    importNew: importer,
    clock,
    emit: (e) => events.push(e),
    maxLinks: options.maxLinks,
    watchFor: eosWatch(),
  });
  const named = (name: string) => events.filter((e) => e.event === name);
  const last = (ip: string) => sessions.filter((s) => s.ip === ip).at(-1)?.session;
  /** Moves the clock on, letting each due call's work settle. */
  const advance = (ms: number) => clock.advanceSettling(ms, settle);
  return { clock, advance, events, sessions, opens, imported, cards, sink, named, last };
}

function emptySummary() {
  return { imported: 0, bytes: 0, ms: 0, alreadyImported: 0, failed: [], files: [] };
}

Deno.test("a ready camera is listed at once, its card imported, then each photo it announces", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1, 2]);
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.named("photo-imported").length === 2, "the card imported");
  const session = r.last("10.0.0.2")!;
  // DeviceInfo, then the listing at once: a PowerShot keeps a connection that lists early.
  assertEquals(session.calls.slice(0, 3), ["GetDeviceInfo", "GetStorageIDs", "GetObjectHandles"]);
  assertEquals(r.named("sink-connected").length, 1);
  assertEquals(r.sink.entries[0].activity, { kind: "waiting" });

  const before = session.calls.length;
  session.add(3);
  await until(() => r.named("photo-imported").length === 3, "the announced photo imported");
  // Only the new photo is described and fetched: no GetObjectHandles, no re-description.
  assertEquals(session.calls.slice(before), ["GetObjectInfo 3", "GetObject 3"]);
  const line = r.named("photo-imported")[2];
  assertEquals(line, {
    event: "photo-imported",
    camera: "10.0.0.2",
    path: "2024/2024-05-01/IMG_3.JPG",
    bytes: 10,
    ms: 0,
    size: "10 B",
  });
  await r.sink.stop();
  assertEquals(r.named("sink-ended").at(-1), {
    event: "sink-ended",
    ip: "10.0.0.2",
    reason: "the helper stops",
  });
  assertEquals(r.clock.pending, 0, "no timer left behind");
});

Deno.test("a body that announces nothing is re-listed every 30 s, only new handles described", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.named("photo-imported").length === 1, "the card imported");
  const session = r.last("10.0.0.2")!;
  session.add(2, false);
  await r.advance(29_999);
  assertEquals(r.named("photo-imported").length, 1, "not before the re-list");
  const before = session.calls.length;
  await r.advance(1);
  await until(() => r.named("photo-imported").length === 2, "the re-list found it");
  assertEquals(session.calls.slice(before), [
    "GetStorageIDs",
    "GetObjectHandles",
    "GetObjectInfo 2",
    "GetObject 2",
  ]);
  // And again 30 s later, finding nothing new: the handles only.
  const after = session.calls.length;
  await r.advance(30_000);
  await until(() => session.calls.length > after, "the next re-list");
  assertEquals(session.calls.slice(after), ["GetStorageIDs", "GetObjectHandles"]);
  await r.sink.stop();
});

Deno.test("a refused camera is tried again after 1, 2, 4… s up to 30 s; a session that worked resets it", async () => {
  let refusing = true;
  const r = rig({ refuse: () => refusing });
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.opens.length === 1, "the first attempt");
  for (let i = 1; i <= 7; i++) {
    await until(() => r.clock.pending === 1, "the backoff's timer");
    await r.advance(backoffDelay(i - 1));
    await until(() => r.opens.length === i + 1, `attempt ${i + 1}`);
  }
  const gaps = r.opens.slice(1).map((o, i) => o.at - r.opens[i].at);
  assertEquals(gaps, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assertEquals(
    r.named("sink-lost").map((e) => (e as { seconds: number }).seconds),
    [1, 2, 4, 8, 16, 30, 30, 30],
  );
  // It connects, lists, then the camera drops it: the next try comes after 1 s again.
  refusing = false;
  await r.advance(30_000);
  await until(() => r.named("sink-connected").length === 1, "connected");
  await until(() => r.sink.entries[0]?.activity.kind === "waiting", "waiting for photos");
  const opened = r.opens.length;
  r.last("10.0.0.2")!.drop();
  await until(() => r.clock.pending === 1 && r.named("sink-lost").length === 9, "lost");
  assertEquals(r.sink.entries[0].activity, { kind: "retrying", seconds: 1 });
  await r.advance(999);
  assertEquals(r.opens.length, opened);
  await r.advance(1);
  await until(() => r.opens.length === opened + 1, "reconnected after 1 s");
  await r.sink.stop();
  assertEquals(r.clock.pending, 0);
});

Deno.test("a byebye ends the session at once; a camera only unheard keeps its session but is not reconnected", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.cards.set("10.0.0.3", [7]);
  r.sink.ready({ ip: "10.0.0.2" });
  r.sink.ready({ ip: "10.0.0.3" });
  await until(() => r.named("photo-imported").length === 2, "both imported");
  assertEquals(r.sink.linked, 2, "two cameras at once, each its own session");

  let closed = false;
  r.last("10.0.0.2")!.closed.then(() => closed = true);
  r.sink.gone("10.0.0.2", "byebye");
  await until(() => closed && r.sink.linked === 1, "the byebye closed its session");
  assertEquals(r.named("sink-ended")[0], {
    event: "sink-ended",
    ip: "10.0.0.2",
    reason: "it left (ssdp:byebye)",
  });

  // Expired: the session is proof of presence, so it goes on and still imports.
  const other = r.last("10.0.0.3")!;
  r.sink.gone("10.0.0.3", "expired");
  other.add(8);
  await until(() => r.named("photo-imported").length === 3, "still imports");
  const opens = r.opens.length;
  other.drop();
  await until(() => r.sink.linked === 0, "given up");
  assertEquals(r.opens.length, opens, "no reconnect for a camera no longer present");
  assertEquals((r.named("sink-ended")[1] as { reason: string }).reason.startsWith("it left"), true);
  assertEquals(r.clock.pending, 0);

  // It comes back: a new link, a new session, what is new imported.
  r.cards.set("10.0.0.3", [7, 8, 9]);
  r.sink.ready({ ip: "10.0.0.3" });
  await until(() => r.named("photo-imported").length === 6, "the card listed again");
  assertEquals(r.sink.linked, 1);
  await r.sink.stop();
});

Deno.test("at most maxLinks cameras are linked at once; the next waits its turn, then is linked", async () => {
  const r = rig({ maxLinks: 2 });
  for (const ip of ["10.0.0.2", "10.0.0.3", "10.0.0.4"]) {
    r.cards.set(ip, [1]);
    r.sink.ready({ ip });
  }
  await until(() => r.named("photo-imported").length === 2, "two imported");
  assertEquals(r.sink.linked, 2);
  assertEquals(r.opens.map((o) => o.ip), ["10.0.0.2", "10.0.0.3"]);
  assertEquals(r.sink.entries.map((e) => e.activity.kind), ["waiting", "waiting", "queued"]);
  r.sink.gone("10.0.0.2", "byebye");
  await until(() => r.named("photo-imported").length === 3, "the third linked");
  assertEquals(r.opens.map((o) => o.ip), ["10.0.0.2", "10.0.0.3", "10.0.0.4"]);
  // A waiting camera that leaves is simply forgotten.
  r.sink.ready({ ip: "10.0.0.5" });
  r.sink.gone("10.0.0.5", "byebye");
  assertEquals(r.sink.entries.map((e) => e.ip), ["10.0.0.3", "10.0.0.4"]);
  await r.sink.stop();
  assert(r.named("sink-ended").length === 3);
});

Deno.test("ready again while the session drops: it reconnects now, without waiting out the backoff", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.named("photo-imported").length === 1, "imported");
  r.last("10.0.0.2")!.drop();
  await until(() => r.named("sink-lost").length === 1 && r.clock.pending === 1, "lost");
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.opens.length === 2, "reconnected at once");
  await r.sink.stop();
});

Deno.test("an EOS body: GetEvent every second, KeepDeviceOn every 60 s, through 10 minutes of silence", async () => {
  const r = rig({ eos: true });
  r.sink.ready({ ip: "10.0.0.6" });
  await until(() => r.sink.entries[0]?.activity.kind === "waiting", "waiting for photos");
  const session = r.last("10.0.0.6")!;
  const at = (code: number) => session.vendor.filter((v) => v.code === code).map((v) => v.at);
  assertEquals(at(OPERATION.EosSetRemoteMode), [0]);
  assertEquals(at(OPERATION.EosSetEventMode), [0]);
  const drained = at(OPERATION.EosGetEvent).length;
  for (let s = 0; s < 600; s++) await r.advance(1000);
  assertEquals(
    at(OPERATION.EosKeepDeviceOn),
    Array.from({ length: 10 }, (_, i) => (i + 1) * 60_000),
    "KeepDeviceOn on its schedule",
  );
  const polls = at(OPERATION.EosGetEvent).slice(drained);
  assertEquals(polls.length, 600, "a GetEvent a second");
  assertEquals(polls.slice(0, 3), [1000, 2000, 3000]);
  assertEquals(r.named("sink-lost"), [], "the session was kept");
  assertEquals(r.opens.length, 1);
  await r.sink.stop();
  assertEquals(r.clock.pending, 0);
});
