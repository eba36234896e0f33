// One camera's link, through the photo sink over fakes (tests/support/sink.ts): the listing at
// once, ObjectAdded and the 30 s re-list, reconnect backoff and its reset, a camera ready again;
// and against the fake PTP/IP camera on 127.0.0.1, the import record it keeps between imports.

import { assert, assertEquals } from "../support/assert.ts";
import { startPtpipCamera } from "../../lab/ptpip_camera.ts";
import { Waiters } from "../../lab/waiters.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { denoFs, type ImportFs } from "../../lib/import/fs.ts";
import { importNew } from "../../lib/import/importer.ts";
import { formatRecord, parseRecord, RECORD_DIR } from "../../lib/import/record.ts";
import { replaceFileChecked } from "../../lib/util/checked_write.ts";
import { systemClock } from "../../lib/util/timers.ts";
import { PhotoSink } from "../../lib/sink/photo_sink.ts";
import { openOnLoopback, testGuid } from "../support/ptpip.ts";
import { backoffDelay } from "../../lib/sink/backoff.ts";
import { rig, until } from "../support/sink.ts";

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

const DATE = "20240501T101500";

Deno.test("a PowerShot: photo after photo through one link reads the record from disk only when another process saved it", async () => {
  await using camera = await startPtpipCamera({
    files: [{
      path: "DCIM/100CANON/IMG_0001.JPG",
      content: { seed: 1, size: 3000 },
      captureDate: DATE,
    }],
  });
  const dest = await Deno.makeTempDir({ prefix: "pch-sink-record-" });
  const recordDir = `${dest}/${RECORD_DIR}/`;
  // The record's reads, through the importer's file system seam.
  let reads = 0;
  const fs: ImportFs = {
    ...denoFs,
    open: (path) => {
      if (path.startsWith(recordDir)) reads++;
      return denoFs.open(path);
    },
  };
  const events: ServeEvent[] = [];
  const waiters = new Waiters();
  let running = 0;
  const sink = new PhotoSink({
    dest,
    open: () =>
      openOnLoopback(camera.port, {
        guid: testGuid(0x40),
        hostName: "link-test",
        closeSession: false,
      }),
    // Counted in flight: a photo is reported before its import saves the record.
    importNew: async (source, options) => {
      running++;
      try {
        return await importNew(source, options);
      } finally {
        running--;
        waiters.wake();
      }
    },
    fs,
    clock: systemClock,
    emit: (e) => {
      events.push(e);
      waiters.wake();
    },
  });
  const imported = () =>
    events.flatMap((e) => e.event === "photo-imported" ? [e.path.split("/").at(-1)] : []);
  const until = (count: number) =>
    waiters.until(
      () => imported().length >= count && running === 0,
      `${count} photos imported`,
      5000,
    );
  const add = (n: number, size = 2000 + n) =>
    camera.addFile({
      path: `DCIM/100CANON/IMG_${String(n).padStart(4, "0")}.JPG`,
      content: { seed: n, size },
      captureDate: DATE,
    });
  try {
    sink.ready({ ip: "127.0.0.1" });
    await until(1);
    for (let n = 2; n <= 11; n++) {
      await add(n);
      await until(n);
    }
    // The first import found no record and saved it; the ten after it kept it in memory.
    assertEquals(reads, 0, "eleven imports, no read of the record they saved");

    // Another process (the import command) saves the record with a photo the sink has not seen.
    const [name] = [...Deno.readDirSync(recordDir)].map((e) => e.name);
    const path = `${recordDir}${name}`;
    const text = await Deno.readTextFile(path);
    const cameraId = JSON.parse(text).cameraId;
    const entries = parseRecord(text, cameraId);
    assert(entries.ok);
    assertEquals(entries.value.length, 11);
    const { captureDate } = entries.value[0];
    entries.value.push({
      name: "IMG_0500.JPG",
      captureDate,
      size: 4000,
      path: "elsewhere/IMG_0500.JPG",
    });
    await replaceFileChecked(path, formatRecord(cameraId, entries.value));

    await add(500, 4000);
    await add(501);
    await until(12);
    assertEquals(imported().at(-1), "IMG_0501.JPG");
    assertEquals(imported().includes("IMG_0500.JPG"), false, "recorded by the other process");
    assertEquals(reads, 1, "read again once it changed");
    await add(502);
    await until(13);
    assertEquals(reads, 1, "its own saves are not read again");
    const saved = parseRecord(await Deno.readTextFile(path), cameraId);
    assert(saved.ok);
    assertEquals(saved.value.length, 14, "the other process's entry kept beside the sink's");
  } finally {
    await sink.stop();
    await Deno.remove(dest, { recursive: true });
  }
});

Deno.test("an import this computer stops (a full disk) keeps the session and is tried again by a re-list 60 s later", async () => {
  let full = true;
  const r = rig({ diskFull: () => full });
  r.cards.set("10.0.0.2", [1]);
  r.sink.ready({ ip: "10.0.0.2" });
  await until(() => r.named("sink-import-failed").length === 1, "the import failed");
  assertEquals(r.named("sink-import-failed")[0], {
    event: "sink-import-failed",
    ip: "10.0.0.2",
    error: "no space left",
    seconds: 60,
  });
  assertEquals(r.sink.entries[0].activity, { kind: "waiting" });
  full = false;
  const session = r.last("10.0.0.2")!;
  const before = session.calls.length;
  await r.advance(59_999);
  assertEquals(session.calls.length, before, "nothing asked before the minute is up");
  await r.advance(1);
  await until(() => r.named("photo-imported").length === 1, "imported by the re-list");
  assertEquals(session.calls.slice(before, before + 2), ["GetStorageIDs", "GetObjectHandles"]);
  assertEquals(r.opens.length, 1, "the same session");
  assertEquals(r.named("sink-lost"), []);
  await r.sink.stop();
  assertEquals(r.clock.pending, 0);
});

Deno.test("a link stopped while its session opens closes that session without serving it", async () => {
  const r = rig();
  r.cards.set("10.0.0.2", [1]);
  r.sink.ready({ ip: "10.0.0.2" });
  await r.sink.stop();
  const session = r.last("10.0.0.2")!;
  assertEquals(session.calls, [], "no GetDeviceInfo on a session opened after the stop");
  assertEquals(await session.closed, undefined, "closed by the link");
  assertEquals(r.named("sink-ended"), [{
    event: "sink-ended",
    ip: "10.0.0.2",
    reason: "the helper stops",
  }]);
  assertEquals(r.named("sink-connected"), []);
});
