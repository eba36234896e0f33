// The photo sink against the fake PTP/IP camera of lab/ptpip_camera.ts on 127.0.0.1, in both modes:
// a PowerShot that announces ObjectAdded, and an EOS body polled with GetEvent and kept awake with
// KeepDeviceOn. Real sessions, the real importer, a temporary DEST. (The link's record between its
// imports is tests/sink/link_test.ts's.)

import { assert, assertEquals } from "../support/assert.ts";
import { contentBytes, startPtpipCamera } from "../../lab/ptpip_camera.ts";
import { openOnLoopback, testGuid } from "../support/ptpip.ts";
import { OPERATION } from "../../lib/ptpip/codes.ts";
import { importNew } from "../../lib/import/importer.ts";
import { denoFs, type ImportFs } from "../../lib/import/fs.ts";
import { after, systemClock, type Timer } from "../../lib/util/timers.ts";
import { Waiters } from "../../lab/waiters.ts";
import type { ServeEvent } from "../../lib/events.ts";
import { PhotoSink } from "../../lib/sink/photo_sink.ts";
import { eosWatch } from "../../lib/sink/eos_body.ts";

const DATE = "20240501T101500";

/** The sink's PTP/IP session with the fake camera on `port`, opened the same way by every test. */
function openSession(port: number) {
  return openOnLoopback(port, { guid: testGuid(0x20), hostName: "sink-test", closeSession: false });
}

/** GetEvent's period here: the production second is the lab test's to measure, not this one's. */
const POLL_MS = 100;

async function sinkFor(port: number, keepAliveMs: number) {
  const dest = await Deno.makeTempDir({ prefix: "pch-sink-" });
  const events: ServeEvent[] = [];
  const waiters = new Waiters();
  const sink = new PhotoSink({
    dest,
    open: () => openSession(port),
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
    // EOS: found by the next GetEvent poll; a PowerShot: ObjectAdded at once. The bound is the photo
    // sink's promise (in DEST within 2 s of the add) past the poll: a loaded machine took 847 ms
    // for a PowerShot's photo here, where it usually takes under 150.
    assert(latencies.every((ms) => ms < (eos ? POLL_MS : 0) + 2000), latencies.join(", "));
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
      open: async () => {
        const opened = await openSession(camera.port);
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
