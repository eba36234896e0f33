// The photo sink against the fake PTP/IP camera of lab/ptpip_camera.ts on 127.0.0.1, in both modes:
// a PowerShot that announces ObjectAdded, and an EOS body polled with GetEvent and kept awake with
// KeepDeviceOn. Real sessions, the real importer, a temporary DEST.

import { assert, assertEquals } from "../support/assert.ts";
import { contentBytes, startPtpipCamera } from "../../lab/ptpip_camera.ts";
import { openPtpipSession } from "../../lib/ptpip/session.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { importNew } from "../../lib/import/importer.ts";
import { denoFs, type ImportFs } from "../../lib/import/fs.ts";
import { formatRecord, parseRecord, RECORD_DIR } from "../../lib/import/record.ts";
import { replaceFileChecked } from "../../lib/util/checked_write.ts";
import { after, systemClock, type Timer } from "../../lib/util/timers.ts";
import { Waiters } from "../../lab/waiters.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { PhotoSink } from "../../lib/sink/photo_sink.ts";
import { eosWatch } from "../../lib/sink/eos_body.ts";

const GUID = Uint8Array.from({ length: 16 }, (_, i) => 0x20 + i);
const DATE = "20240501T101500";

/** The sink's PTP/IP session with the fake camera at `ip`:`port`, opened the same way by every test. */
function openSession(ip: string, port: number) {
  return openPtpipSession({
    host: ip,
    port,
    guid: GUID,
    hostName: "sink-test",
    closeSession: false,
    timeouts: { connectMs: 2000, initMs: 2000, readMs: 2000 },
  });
}

/** GetEvent's period here: the production second is the lab test's to measure, not this one's. */
const POLL_MS = 100;

async function sinkFor(port: number, keepAliveMs: number) {
  const dest = await Deno.makeTempDir({ prefix: "pch-sink-" });
  const events: ServeEvent[] = [];
  const waiters = new Waiters();
  const sink = new PhotoSink({
    dest,
    open: (ip) => openSession(ip, port),
    importNew,
    watchFor: eosWatch({ keepAliveMs, pollMs: POLL_MS }),
    clock: systemClock,
    emit: (e) => {
      events.push(e);
      waiters.wake();
    },
  });
  const imported = () => events.filter((e) => e.event === "photo-imported");
  const until = async (count: number) => {
    await waiters.until(() => imported().length >= count, `${count} photos imported`, 5000);
  };
  return {
    dest,
    events,
    sink,
    imported,
    until,
    [Symbol.asyncDispose]: async () => {
      await sink.stop();
      await Deno.remove(dest, { recursive: true });
    },
  };
}

for (const eos of [false, true]) {
  Deno.test(`${eos ? "an EOS body" : "a PowerShot"}: the card, then each photo added, byte-identical`, async () => {
    await using camera = await startPtpipCamera({
      eos,
      files: [{
        path: "DCIM/100CANON/IMG_0001.JPG",
        content: { seed: 1, size: 3000 },
        captureDate: DATE,
      }],
    });
    await using rig = await sinkFor(camera.port, 300);
    rig.sink.ready({ ip: "127.0.0.1" });
    await rig.until(1);
    const latencies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await camera.addFile({
        path: `DCIM/100CANON/IMG_01${i}0.JPG`,
        content: { seed: 10 + i, size: 300_000 + i },
        captureDate: DATE,
      });
      await rig.until(2 + i);
      latencies.push(Math.round(performance.now() - started));
    }
    console.log(`    add -> file: ${latencies.join(", ")} ms`);
    // EOS: found by the next GetEvent poll; a PowerShot: ObjectAdded at once.
    assert(latencies.every((ms) => ms < (eos ? POLL_MS : 0) + 800), latencies.join(", "));
    for (let i = 0; i < 3; i++) {
      const got = await Deno.readFile(`${rig.dest}/2024/2024-05-01/IMG_01${i}0.JPG`);
      const want = contentBytes({ seed: 10 + i, size: 300_000 + i }, 0, 300_000 + i);
      assertEquals(got.length, want.length);
      assert(got.every((b, j) => b === want[j]), "byte-identical");
    }
    const codes = camera.requests.map((r) => r.code);
    if (eos) {
      assert(codes.includes(OPERATION.EosSetRemoteMode) && codes.includes(OPERATION.EosGetEvent));
      // The keep-alive came on its schedule (300 ms here), during the waits.
      await camera.until(
        () => camera.requests.some((r) => r.code === OPERATION.EosKeepDeviceOn),
        2000,
        "KeepDeviceOn",
      );
    } else {
      assertEquals(codes.includes(OPERATION.EosGetEvent), false);
    }
    assertEquals(codes.includes(OPERATION.CloseSession), false, "no CloseSession");
    assertEquals(rig.imported().length, 4, "each photo once");
  });
}

/** Open descriptors of this process, where /proc tells (Linux); undefined elsewhere. */
/**
 * The real file system, counting the files it opened and has not closed. Counted here rather than
 * in /proc/self/fd, which the test files running beside this one in the same process share.
 */
function countingFs(): { fs: ImportFs; open: () => number } {
  let open = 0;
  const counted = <T extends { close(): void }>(file: T): T => {
    open++;
    let closed = false;
    const close = file.close.bind(file);
    return Object.assign(file, {
      close: () => {
        if (!closed) open--;
        closed = true;
        close();
      },
    });
  };
  return {
    fs: {
      ...denoFs,
      create: async (path) => counted(await denoFs.create(path)),
      append: async (path) => counted(await denoFs.append(path)),
      open: async (path) => counted(await denoFs.open(path)),
    },
    open: () => open,
  };
}

for (const eos of [false, true]) {
  Deno.test(`${eos ? "an EOS body" : "a PowerShot"}: photo after photo leaves listeners, timers and files flat`, async () => {
    await using camera = await startPtpipCamera({ eos });
    const dest = await Deno.makeTempDir({ prefix: "pch-sink-flat-" });
    const files = countingFs();
    // The link's timers (its waits, the watch's polls), counted while they are pending.
    let timers = 0;
    const countedAfter = (ms: number, run: () => void): Timer => {
      let pending = true;
      const done = () => {
        if (pending) timers--;
        pending = false;
      };
      timers++;
      const timer = after(ms, () => {
        done();
        run();
      });
      return {
        cancel: () => {
          done();
          timer.cancel();
        },
      };
    };
    let listeners = 0;
    let imported = 0;
    const waiters = new Waiters();
    const sink = new PhotoSink({
      dest,
      fs: files.fs,
      open: async (ip) => {
        const opened = await openSession(ip, camera.port);
        if (!opened.ok) return opened;
        const session = opened.value;
        const subscribe = session.onEvent.bind(session);
        // The session's listeners, counted: one per watch, never one per photo.
        session.onEvent = (listener) => {
          listeners++;
          const off = subscribe(listener);
          let on = true;
          return () => {
            if (on) listeners--;
            on = false;
            off();
          };
        };
        return opened;
      },
      importNew,
      watchFor: eosWatch({ pollMs: 10 }),
      clock: { ...systemClock, after: countedAfter },
      emit: (e) => {
        if (e.event === "photo-imported") imported++;
        waiters.wake();
      },
    });
    try {
      sink.ready({ ip: "127.0.0.1" });
      const add = async (n: number) => {
        await camera.addFile({
          path: `DCIM/100CANON/IMG_${String(1000 + n).padStart(4, "0")}.JPG`,
          content: { seed: n, size: 2000 + n },
          captureDate: DATE,
        });
        await waiters.until(() => imported >= n, `photo ${n} imported`, 5000);
      };
      const counts = () => ({ listeners, timers, files: files.open() });
      for (let n = 1; n <= 10; n++) await add(n);
      const early = counts();
      for (let n = 11; n <= 40; n++) await add(n);
      const late = counts();
      assertEquals(late.listeners, early.listeners, "listeners");
      assert(early.listeners <= 1, `${early.listeners} listeners`);
      // The watch's wait may be armed at either moment: a little slack, not 30.
      assert(late.timers <= early.timers + 2, `timers ${early.timers} -> ${late.timers}`);
      assertEquals(late.files, 0, "files left open");
    } finally {
      await sink.stop();
      await Deno.remove(dest, { recursive: true });
    }
  });
}

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
    open: (ip) => openSession(ip, camera.port),
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
