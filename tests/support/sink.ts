/**
 * The photo sink over fakes, for the tests of the sink, its links and the EOS watch: a fake session
 * per camera, a fake importer and a clock the test moves by hand, so reconnect backoff, re-lists
 * and cameras coming and going run without a network and without waiting.
 *
 * @module
 */

import { err, ok, type Result } from "../../lib/util/result.ts";
import type { ServeEvent } from "../../lib/events.ts";
import type { PtpEvent, SessionFailure } from "../../lib/ptpip/session.ts";
import type { DeviceInfo, ObjectInfo } from "../../lib/ptpip/datasets.ts";
import { EVENT, OPERATION } from "../../lib/ptpip/codes.ts";
import type { CameraObject } from "../../lib/import/source.ts";
import type { Importer, SinkSession } from "../../lib/sink/link.ts";
import { PhotoSink } from "../../lib/sink/photo_sink.ts";
import { eosWatch } from "../../lib/sink/eos_body.ts";
import { encodeEosEvents } from "../../lab/ptp_camera_codec.ts";
import { CANON_VENDOR_EXTENSION } from "../../lib/ptpip/eos.ts";
import { FakeClock } from "./clock.ts";
import { deviceInfo, objectInfo } from "./ptp_datasets.ts";

/** Lets every promise chain started so far run to its next real wait. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** Resolves once `condition` holds, checking after each settle; fails after `tries`. */
export async function until(condition: () => boolean, what: string, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return;
    await settle();
  }
  throw new Error(`never: ${what}`);
}

const DEVICE_INFO: DeviceInfo = deviceInfo({
  operationsSupported: [OPERATION.GetObject, OPERATION.GetPartialObject],
  eventsSupported: [EVENT.ObjectAdded],
  model: "Canon PowerShot SX740 HS",
  deviceVersion: "1",
  serialNumber: "42",
});

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
    const info = objectInfo({
      format: 0x3801,
      compressedSize: 10,
      filename: `IMG_${handle}.JPG`,
      captureDate: "20240501T101500",
    });
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
  /** The records of the next GetEvent answer (an EOS body's); none once taken. */
  eosRecords: Uint8Array[] = [];
  operationData(code: number) {
    this.vendor.push({ code, at: this.clock?.now() ?? 0 });
    const records = this.eosRecords;
    this.eosRecords = [];
    return Promise.resolve(
      this.#gone<{ params: number[]; data: Uint8Array }>() ??
        ok({ params: [], data: encodeEosEvents(records) }),
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

/**
 * A sink over fakes, the watch chosen per body as `serve` does: each open makes a session from
 * `cards` (or fails), every import recorded.
 */
export function rig(
  options: {
    maxLinks?: number;
    refuse?: (ip: string) => boolean;
    eos?: boolean;
    /** When it says so, the importer stops as a full disk would. */
    diskFull?: () => boolean;
  } = {},
) {
  const clock = new FakeClock(0, Date.UTC(2024, 4, 1));
  const events: ServeEvent[] = [];
  const sessions: { ip: string; session: FakeSession }[] = [];
  const opens: { ip: string; at: number }[] = [];
  const imported: { ip: string; handle: number }[] = [];
  const cards = new Map<string, number[]>();
  const { diskFull } = options;
  const importer: Importer = async (source, options) => {
    if (diskFull?.()) {
      return err({ kind: "disk-full", detail: "no space left", summary: emptySummary() });
    }
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
