import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { withTempDir } from "../support/temp_dir.ts";
import { err, ok, type Result } from "../../lib/util/result.ts";
import { type ImportEvent, importNew, type ImportOptions } from "../../lib/import/importer.ts";
import { denoFs, type FileWriter, type ImportFs } from "../../lib/import/fs.ts";
import { localDay } from "../../lib/import/layout.ts";
import {
  formatRecord,
  keyDigest,
  objectKey,
  RECORD_DIR,
  RecordCache,
  recordFileName,
} from "../../lib/import/record.ts";
import {
  type CameraObject,
  type ChunkSink,
  FOLDER_FORMAT,
  type ImportSource,
  MAX_OBJECTS,
  type SourceFailure,
} from "../../lib/import/source.ts";

const JPEG = 0x3801;
const DAY = "20240305T142233";
const NOW = new Date(2025, 0, 9, 12, 0, 0).getTime();
const clock = () => NOW;

/** Bytes that tell files apart: `seed` in every byte's pattern. */
function bytesOf(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}

interface FakeObject {
  info: CameraObject;
  /** What the camera actually sends (may differ from `info.size`: a lying camera). */
  bytes: Uint8Array;
  /** The connection drops once this many bytes of the object were sent. */
  dropAt?: number;
}

/** An in-memory camera: lists its objects and streams their bytes in chunks, noting each request. */
class FakeCamera implements ImportSource {
  readonly cameraId = "Canon EOS M50 0123456789";
  readonly fetches: { handle: number; offset: number }[] = [];
  sent = 0;
  #objects: FakeObject[] = [];

  constructor(readonly chunk = 4096) {}

  add(name: string, size: number, options: Partial<CameraObject> & Partial<FakeObject> = {}) {
    const handle = options.handle ?? this.#objects.length + 1;
    const info: CameraObject = {
      handle,
      storageId: 0x00010001,
      format: options.format ?? JPEG,
      name,
      size,
      captureDate: "captureDate" in options ? options.captureDate : DAY,
    };
    const object = { info, bytes: options.bytes ?? bytesOf(size, handle), dropAt: options.dropAt };
    this.#objects.push(object);
    return object;
  }

  list(): Promise<Result<CameraObject[], SourceFailure>> {
    return Promise.resolve(ok(this.#objects.map((o) => ({ ...o.info }))));
  }

  async fetch(
    object: CameraObject,
    offset: number,
    sink: ChunkSink,
  ): Promise<Result<void, SourceFailure>> {
    this.fetches.push({ handle: object.handle, offset });
    const found = this.#objects.find((o) => o.info.handle === object.handle);
    if (!found) return err({ kind: "object", detail: "InvalidObjectHandle" });
    const { bytes, dropAt } = found;
    for (let at = offset; at < bytes.length; at += this.chunk) {
      if (dropAt !== undefined && at >= dropAt) {
        return err({ kind: "connection", detail: "connection reset by peer" });
      }
      const chunk = bytes.subarray(at, Math.min(at + this.chunk, bytes.length));
      try {
        await sink(chunk);
      } catch {
        return err({ kind: "object", detail: "stopped by the receiver" });
      }
      this.sent += chunk.length;
    }
    return ok(undefined);
  }
}

/** A fresh temporary folder, and DEST below it (not made yet: the importer makes it). */
const withDest = (body: (root: string, dest: string) => Promise<void>) =>
  withTempDir((root) => body(root, `${root}/dest`));

/** Every file under `dir` (relative, `/`-separated), symlinks included as files. */
async function filesUnder(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) out.push(...await filesUnder(`${dir}/${entry.name}`, `${path}/`));
    else out.push(path);
  }
  return out.sort();
}

const photos = (files: string[]) => files.filter((f) => !f.startsWith(".ptpip-canon-helper/"));

function run(source: ImportSource, dest: string, extra: Partial<ImportOptions> = {}) {
  const events: ImportEvent[] = [];
  const result = importNew(source, {
    dest,
    clock,
    onProgress: (event) => events.push(event),
    ...extra,
  });
  return result.then((r) => ({ result: r, events }));
}

/** The real file system, counting its calls. */
function countingFs(): { fs: ImportFs; calls: string[] } {
  const calls: string[] = [];
  const fs = Object.fromEntries(
    Object.entries(denoFs).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        calls.push(`${name} ${args[0]}`);
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as ImportFs;
  return { fs, calls };
}

/** The real file system, whose disk fills up after `room` bytes of photo data. */
function fullDiskFs(room: number): ImportFs {
  let left = room;
  const limited = (file: FileWriter): FileWriter => ({
    write: (bytes) => {
      if (left <= 0) return Promise.reject(new Error("No space left on device (os error 28)"));
      const n = Math.min(left, bytes.length);
      left -= n;
      return file.write(bytes.subarray(0, n));
    },
    sync: () => file.sync(),
    close: () => file.close(),
  });
  return {
    ...denoFs,
    create: async (path) => limited(await denoFs.create(path)),
    append: async (path) => limited(await denoFs.append(path)),
  };
}

Deno.test("importNew: DEST/YYYY/YYYY-MM-DD, the import day without a date, a taken name gets -1", async () => {
  await withDest(async (_root, dest) => {
    await Deno.mkdir(`${dest}/2024/2024-03-05`, { recursive: true });
    await Deno.writeTextFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`, "the user's own file");
    const camera = new FakeCamera(1000);
    camera.add("DCIM", 0, { format: FOLDER_FORMAT });
    const one = camera.add("IMG_0001.JPG", 5000);
    const two = camera.add("IMG_0002.JPG", 1234, { captureDate: "00000000T000000" });
    const three = camera.add("IMG_0003.JPG", 0, { captureDate: undefined });

    const { result, events } = await run(camera, dest);
    assert(result.ok, JSON.stringify(result));
    const today = localDay(NOW);
    const todayDir = `${today.year}/${today.year}-${String(today.month).padStart(2, "0")}-${
      String(today.day).padStart(2, "0")
    }`;
    assertEquals(result.value.imported, 3);
    assertEquals(result.value.bytes, 5000 + 1234);
    assertEquals(result.value.alreadyImported, 0);
    assertEquals(result.value.failed, []);
    assertEquals(result.value.files, [
      "2024/2024-03-05/IMG_0001-1.JPG",
      `${todayDir}/IMG_0002.JPG`,
      `${todayDir}/IMG_0003.JPG`,
    ]);
    assertEquals(
      await Deno.readTextFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`),
      "the user's own file",
    );
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001-1.JPG`), one.bytes);
    assertEquals(await Deno.readFile(`${dest}/${todayDir}/IMG_0002.JPG`), two.bytes);
    assertEquals(await Deno.readFile(`${dest}/${todayDir}/IMG_0003.JPG`), three.bytes);
    // No partial file is left; the record is the only other file.
    const all = await filesUnder(dest);
    assertEquals(photos(all).length, 4);
    assertEquals(all.filter((f) => f.includes(".partial")), []);
    assertEquals(all.filter((f) => f.startsWith(".ptpip-canon-helper/")).length, 1);

    assertEquals(events[0], { kind: "listing" });
    assertEquals(events[1], { kind: "listed", objects: 4, toImport: 3 });
    assertEquals(events[2], {
      kind: "file-start",
      name: "IMG_0001.JPG",
      path: "2024/2024-03-05/IMG_0001.JPG",
      size: 5000,
      offset: 0,
      index: 1,
      total: 3,
    });
    const bytes = events.filter((e) => e.kind === "bytes" && e.name === "IMG_0001.JPG");
    assertEquals(bytes.map((e) => e.kind === "bytes" && e.done), [1000, 2000, 3000, 4000, 5000]);
    assert(
      events.some((e) =>
        e.kind === "file-done" && e.path === "2024/2024-03-05/IMG_0001-1.JPG" && e.size === 5000
      ),
    );
  });
});

Deno.test("importNew: a second run over 1,000 recorded objects copies nothing and touches no file per object", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    for (let i = 1; i <= 1000; i++) {
      camera.add(`IMG_${String(i).padStart(4, "0")}.JPG`, 64, {
        captureDate: `202403${String(1 + (i % 28)).padStart(2, "0")}T120000`,
      });
    }
    // The record a first run over them leaves (built directly: 1,000 synced writes take seconds).
    const objects = (await camera.list()) as { ok: true; value: CameraObject[] };
    await Deno.mkdir(`${dest}/${RECORD_DIR}`, { recursive: true });
    await Deno.writeTextFile(
      `${dest}/${RECORD_DIR}/${recordFileName(camera.cameraId)}`,
      formatRecord(
        camera.cameraId,
        objects.value.map((o) => ({
          name: o.name,
          captureDate: o.captureDate ?? "",
          size: o.size,
          path: `x/${o.name}`,
        })),
      ),
    );

    const { fs, calls } = countingFs();
    const start = performance.now();
    const second = await run(camera, dest, { fs, clock: Date.now });
    const ms = performance.now() - start;
    assert(second.result.ok);
    assertEquals(second.result.value.imported, 0);
    assertEquals(second.result.value.alreadyImported, 1000);
    assertEquals(camera.fetches.length, 0, "nothing fetched");
    assertEquals(second.events.filter((e) => e.kind === "skipped").length, 1000);
    // The record read (DEST, the folder, the file, open) and nothing per object.
    assert(calls.length <= 5, calls.join("\n"));
    console.log(`second run over 1,000 recorded objects: ${ms.toFixed(1)} ms`);
    assert(ms < 1000, `the second run took ${ms} ms`);
  });
});

Deno.test("importNew: the record is saved after the first file, then at most once a second, each photo's folder synced before it", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    for (let i = 1; i <= 12; i++) camera.add(`IMG_${String(i).padStart(4, "0")}.JPG`, 100);
    const { fs, calls } = countingFs();
    // Each reading of the clock moves it 40 ms: the 12 files take well over a second.
    let now = NOW;
    const { result } = await run(camera, dest, { fs, clock: () => (now += 40) });
    assert(result.ok);
    assertEquals(result.value.imported, 12);
    const saves = calls.filter((c) => c.startsWith("replaceFile"));
    assert(saves.length >= 2 && saves.length <= 4, `saved ${saves.length} times:\n${saves}`);
    // Every photo's bytes synced before its name; its folder synced before the record names it.
    const writes = calls.filter((c) => /^(link|syncDirectory|replaceFile) /.test(c));
    let linked = 0;
    for (const call of writes) {
      if (call.startsWith("link ")) linked++;
      else if (call.startsWith("syncDirectory ")) linked = 0;
      else {assertEquals(
          linked,
          0,
          `the record was saved before a new name's folder sync:\n${writes.join("\n")}`,
        );}
    }
    assertEquals(linked, 0);
    assertEquals(photos(await filesUnder(dest)).length, 12);
    const again = await run(camera, dest);
    assert(again.result.ok);
    assertEquals(again.result.value.alreadyImported, 12, "every photo is in the record");
  });
});

Deno.test("importNew: with a recordCache, imports one photo at a time read the record once; one written meanwhile by another process is read again and respected", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    camera.add("IMG_0001.JPG", 100);
    // Another process (the import command) left a record.
    assert((await run(camera, dest)).result.ok);
    const { fs, calls } = countingFs();
    const path = `${dest}/${RECORD_DIR}/${recordFileName(camera.cameraId)}`;
    const reads = () => calls.filter((c) => c === `open ${path}`).length;
    const cache = new RecordCache();
    for (let i = 2; i <= 11; i++) {
      camera.add(`IMG_${String(i).padStart(4, "0")}.JPG`, 100 + i);
      const { result } = await run(camera, dest, { fs, recordCache: cache });
      assert(result.ok, JSON.stringify(result));
      assertEquals([result.value.imported, result.value.alreadyImported], [1, i - 1]);
    }
    assertEquals(reads(), 1, "ten imports, one read of the record");

    // Another process imports IMG_0500.JPG from the same camera and saves the record.
    const other = new FakeCamera();
    other.add("IMG_0500.JPG", 5000);
    assert((await run(other, dest)).result.ok);
    const recorded = camera.add("IMG_0500.JPG", 5000);
    camera.add("IMG_0501.JPG", 5001);
    const fetched = camera.fetches.length;
    const { result, events } = await run(camera, dest, { fs, recordCache: cache });
    assert(result.ok, JSON.stringify(result));
    assertEquals(reads(), 2, "the record written by another process is read again");
    assertEquals(result.value.files, ["2024/2024-03-05/IMG_0501.JPG"]);
    assert(
      events.some((e) => e.kind === "skipped" && e.name === "IMG_0500.JPG"),
      "the other process's photo is already imported",
    );
    assertEquals(camera.fetches.slice(fetched).map((f) => f.handle), [recorded.info.handle + 1]);
    assertEquals(
      photos(await filesUnder(dest)).filter((f) => f.includes("IMG_0500")),
      ["2024/2024-03-05/IMG_0500.JPG"],
      "no second copy",
    );

    // Its own save is remembered: the next import does not read it again, and the file holds all.
    camera.add("IMG_0502.JPG", 5002);
    assert((await run(camera, dest, { fs, recordCache: cache })).result.ok);
    assertEquals(reads(), 2);
    const again = await run(camera, dest);
    assert(again.result.ok);
    assertEquals([again.result.value.imported, again.result.value.alreadyImported], [0, 14]);
  });
});

Deno.test("importNew: photos placed after the last save and lost from the record are recognised by their bytes", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    for (let i = 1; i <= 5; i++) camera.add(`IMG_${String(i).padStart(4, "0")}.JPG`, 500);
    // A crash after the first save: only the first photo is recorded, all five are in place.
    let saves = 0;
    const crashing: ImportFs = {
      ...denoFs,
      replaceFile: (path, text) =>
        ++saves === 1 ? denoFs.replaceFile(path, text) : Promise.reject(new Error("crash")),
    };
    const first = await run(camera, dest, { fs: crashing });
    assert(!first.result.ok);
    assertEquals(photos(await filesUnder(dest)).length, 5);
    const again = await run(camera, dest);
    assert(again.result.ok);
    assertEquals(again.result.value.imported, 0);
    assertEquals(again.result.value.alreadyImported, 5);
    assertEquals(
      again.events.filter((e) => e.kind === "skipped" && e.reason === "already-in-destination")
        .length,
      4,
    );
    assertEquals(photos(await filesUnder(dest)).length, 5, "no second copy under another name");
  });
});

Deno.test("importNew: a photo the user deleted or moved is not fetched again", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    camera.add("IMG_0001.JPG", 3000);
    camera.add("IMG_0002.JPG", 3000);
    assert((await run(camera, dest)).result.ok);
    await Deno.remove(`${dest}/2024/2024-03-05/IMG_0001.JPG`);
    await Deno.rename(`${dest}/2024/2024-03-05/IMG_0002.JPG`, `${dest}/moved.JPG`);
    const { result } = await run(camera, dest);
    assert(result.ok);
    assertEquals([result.value.imported, result.value.alreadyImported], [0, 2]);
    assertEquals(camera.fetches.length, 2);
    assertEquals(photos(await filesUnder(dest)), ["moved.JPG"]);
  });
});

Deno.test("importNew: a camera whose counter restarted: the new IMG_0001.JPG is imported beside the old", async () => {
  await withDest(async (_root, dest) => {
    const before = new FakeCamera();
    const old = before.add("IMG_0001.JPG", 3000, { captureDate: "20240305T090000" });
    assert((await run(before, dest)).result.ok);
    // Card formatted, counter reset: same name, same day, another photo.
    const after = new FakeCamera();
    const fresh = after.add("IMG_0001.JPG", 2500, { captureDate: "20240305T170000" });
    const { result } = await run(after, dest);
    assert(result.ok);
    assertEquals(result.value.imported, 1);
    assertEquals(result.value.files, ["2024/2024-03-05/IMG_0001-1.JPG"]);
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`), old.bytes);
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001-1.JPG`), fresh.bytes);
    // And the first camera's photo is still known as imported.
    const again = await run(before, dest);
    assert(again.result.ok);
    assertEquals(again.result.value.alreadyImported, 1);
  });
});

Deno.test("importNew: hostile names land safely inside DEST", async () => {
  await withDest(async (root, dest) => {
    const camera = new FakeCamera();
    const long = `${"x".repeat(300)}.JPG`;
    for (
      const name of ["../../etc/passwd", "CON.JPG", "a\u0000b", long, ".hidden", "", "..", "/abs"]
    ) {
      camera.add(name, 10);
    }
    const { result } = await run(camera, dest);
    assert(result.ok, JSON.stringify(result));
    assertEquals(result.value.imported, 8);
    assertEquals(photos(await filesUnder(dest)), [
      "2024/2024-03-05/_.._etc_passwd",
      "2024/2024-03-05/_CON.JPG",
      "2024/2024-03-05/_abs",
      "2024/2024-03-05/a_b",
      "2024/2024-03-05/hidden",
      "2024/2024-03-05/photo-6",
      "2024/2024-03-05/photo-7",
      `2024/2024-03-05/${"x".repeat(251)}.JPG`,
    ]);
    // Nothing beside DEST.
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["dest"]);
  });
});

Deno.test("importNew: a folder that is a symlink or a file is refused; nothing is written outside DEST", async () => {
  await withDest(async (root, dest) => {
    await Deno.mkdir(`${root}/outside`);
    await Deno.mkdir(`${dest}/2024`, { recursive: true });
    await Deno.symlink(`${root}/outside`, `${dest}/2024/2024-03-05`);
    await Deno.symlink(`${root}/outside`, `${dest}/2023`);
    await Deno.writeTextFile(`${dest}/2024/2024-03-06`, "a file, not a folder");
    const camera = new FakeCamera();
    camera.add("IMG_0001.JPG", 100);
    camera.add("IMG_0002.JPG", 100, { captureDate: "20231231T120000" });
    camera.add("IMG_0003.JPG", 100, { captureDate: "20240306T120000" });
    camera.add("IMG_0004.JPG", 100, { captureDate: "20240307T120000" });
    const { result } = await run(camera, dest);
    assert(result.ok);
    assertEquals(result.value.imported, 1);
    assertEquals(result.value.files, ["2024/2024-03-07/IMG_0004.JPG"]);
    assertEquals(result.value.failed.map((f) => f.name), [
      "IMG_0001.JPG",
      "IMG_0002.JPG",
      "IMG_0003.JPG",
    ]);
    assertMatch(result.value.failed[0].reason, /2024-03-05 is a symbolic link; refusing/);
    assertMatch(result.value.failed[1].reason, /2023 is a symbolic link/);
    assertMatch(result.value.failed[2].reason, /2024-03-06 exists and is not a folder/);
    assertEquals([...Deno.readDirSync(`${root}/outside`)], []);
    // Never fetched: refused before any byte came.
    assertEquals(camera.fetches.map((f) => f.handle), [4]);
  });
});

Deno.test("importNew: a camera that sends more or fewer bytes than it declared leaves no file", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera(1000);
    camera.add("MORE.JPG", 2500, { bytes: bytesOf(100_000, 1) });
    camera.add("FEWER.JPG", 2500, { bytes: bytesOf(2000, 2) });
    camera.add("GOOD.JPG", 2500);
    const { result } = await run(camera, dest);
    assert(result.ok);
    assertEquals(result.value.files, ["2024/2024-03-05/GOOD.JPG"]);
    assertEquals(result.value.failed.map((f) => [f.name, f.reason]), [
      ["MORE.JPG", "the camera sent more than the 2500 bytes it declared"],
      ["FEWER.JPG", "the camera sent 2000 of the 2500 bytes it declared"],
    ]);
    assertEquals(photos(await filesUnder(dest)), ["2024/2024-03-05/GOOD.JPG"]);
    // The over-long transfer was stopped at the chunk that went past the size: 2 + 2 + 3 chunks.
    assertEquals(camera.sent, 2000 + 2000 + 2500);
    // Not recorded: tried again next time.
    const again = await run(camera, dest);
    assert(again.result.ok);
    assertEquals(again.result.value.failed.length, 2);
  });
});

Deno.test("importNew: a drop mid-file leaves no final file; the next run resumes from the partial's size", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera(4096);
    const first = camera.add("IMG_0001.JPG", 10_000);
    const big = camera.add("IMG_0002.CR3", 100_000, { dropAt: 40_000 });
    camera.add("IMG_0003.JPG", 10_000);
    const { result } = await run(camera, dest);
    assert(!result.ok);
    assertEquals(result.error.kind, "source");
    assertMatch(
      result.error.detail,
      /connection reset by peer during IMG_0002\.CR3; its partial file is kept/,
    );
    assertMatch(result.error.detail, /the 1 files imported in this run are complete and recorded/);
    assertEquals(result.error.summary.files, ["2024/2024-03-05/IMG_0001.JPG"]);
    const files = await filesUnder(`${dest}/2024/2024-03-05`);
    assertEquals(files.length, 2);
    assertEquals(files[1], "IMG_0001.JPG");
    assertMatch(files[0], /^\.IMG_0002\.CR3\.[0-9a-f]{16}\.partial$/);
    assertEquals((await Deno.stat(`${dest}/2024/2024-03-05/${files[0]}`)).size, 40_960);

    big.dropAt = undefined;
    camera.fetches.length = 0;
    const resumed = await run(camera, dest);
    assert(resumed.result.ok, JSON.stringify(resumed.result));
    assertEquals(camera.fetches, [{ handle: 2, offset: 40_960 }, { handle: 3, offset: 0 }]);
    assertEquals(resumed.result.value.imported, 2);
    assertEquals(resumed.result.value.alreadyImported, 1);
    assert(resumed.events.some((e) => e.kind === "file-start" && e.offset === 40_960));
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0002.CR3`), big.bytes);
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`), first.bytes);
    assertEquals(photos(await filesUnder(dest)).filter((f) => f.includes(".partial")), []);
  });
});

Deno.test({
  name: "importNew: a partial that is a hard link to a file outside DEST is not appended to",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withDest(async (root, dest) => {
      const camera = new FakeCamera();
      const photo = camera.add("IMG_0001.JPG", 10_000);
      // Whoever may write to the day folder can give the partial's name (it is predictable) to a
      // file of the user's outside DEST: resuming would append the camera's bytes to that file.
      await Deno.writeTextFile(`${root}/victim`, "the user's own file");
      const day = `${dest}/2024/2024-03-05`;
      await Deno.mkdir(day, { recursive: true });
      const digest = await keyDigest(camera.cameraId, objectKey("IMG_0001.JPG", DAY, 10_000));
      await Deno.link(`${root}/victim`, `${day}/.IMG_0001.JPG.${digest}.partial`);
      const { result } = await run(camera, dest);
      assert(result.ok, JSON.stringify(result));
      assertEquals(camera.fetches, [{ handle: 1, offset: 0 }]);
      assertEquals(await Deno.readTextFile(`${root}/victim`), "the user's own file");
      assertEquals((await Deno.stat(`${root}/victim`)).nlink, 1);
      assertEquals(await Deno.readFile(`${day}/IMG_0001.JPG`), photo.bytes);
    });
  },
});

Deno.test("importNew: a full disk stops the import; the complete files stay and are recorded", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera(1000);
    const one = camera.add("IMG_0001.JPG", 3000);
    const two = camera.add("IMG_0002.JPG", 3000);
    camera.add("IMG_0003.JPG", 3000);
    const { result } = await run(camera, dest, { fs: fullDiskFs(4500) });
    assert(!result.ok);
    assertEquals(result.error.kind, "disk-full");
    assertMatch(
      result.error.detail,
      /no space left on the destination while writing IMG_0002\.JPG/,
    );
    assertMatch(result.error.detail, /the 1 files imported in this run are complete and recorded/);
    assertEquals(result.error.summary.imported, 1);
    assertEquals(camera.fetches.map((f) => f.handle), [1, 2], "stopped: IMG_0003 not asked for");
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`), one.bytes);
    const left = await filesUnder(`${dest}/2024/2024-03-05`);
    assertEquals(left.filter((f) => !f.endsWith(".partial")), ["IMG_0001.JPG"]);

    // Space freed: the rest comes, IMG_0002 from where it stopped, IMG_0001 not again.
    camera.fetches.length = 0;
    const after = await run(camera, dest);
    assert(after.result.ok);
    assertEquals(camera.fetches, [{ handle: 2, offset: 1500 }, { handle: 3, offset: 0 }]);
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0002.JPG`), two.bytes);
  });
});

Deno.test("importNew: files placed but not recorded (a crash, a record that cannot be saved) are never duplicated", async () => {
  await withDest(async (_root, dest) => {
    const camera = new FakeCamera();
    camera.add("IMG_0001.JPG", 3000);
    camera.add("IMG_0002.JPG", 3000);
    const noRecord: ImportFs = {
      ...denoFs,
      replaceFile: () => Promise.reject(new Error("Input/output error (os error 5)")),
    };
    const { result } = await run(camera, dest, { fs: noRecord });
    assert(!result.ok);
    assertEquals(result.error.kind, "record");
    assertMatch(result.error.detail, /could not be saved \(Input\/output error/);
    assertEquals(photos(await filesUnder(dest)).length, 1, "stopped after the first file");

    const again = await run(camera, dest);
    assert(again.result.ok);
    assertEquals(again.result.value.imported, 1);
    assertEquals(again.result.value.alreadyImported, 1);
    assert(again.events.some((e) => e.kind === "skipped" && e.reason === "already-in-destination"));
    assertEquals(photos(await filesUnder(dest)), [
      "2024/2024-03-05/IMG_0001.JPG",
      "2024/2024-03-05/IMG_0002.JPG",
    ]);
    const third = await run(camera, dest);
    assert(third.result.ok);
    assertEquals(third.result.value.alreadyImported, 2);
  });
});

Deno.test("importNew: without hard links (FAT, shares) a create-new reservation still never overwrites", async () => {
  await withDest(async (_root, dest) => {
    await Deno.mkdir(`${dest}/2024/2024-03-05`, { recursive: true });
    await Deno.writeTextFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`, "the user's own file");
    const links: string[] = [];
    const noLinks: ImportFs = {
      ...denoFs,
      link: (_from, to) => {
        links.push(to);
        return Promise.reject(
          new Deno.errors.NotSupported("Operation not supported (os error 95)"),
        );
      },
    };
    const camera = new FakeCamera();
    const one = camera.add("IMG_0001.JPG", 3000);
    const two = camera.add("IMG_0002.JPG", 3000);
    const { result } = await run(camera, dest, { fs: noLinks });
    assert(result.ok, JSON.stringify(result));
    assertEquals(result.value.files, [
      "2024/2024-03-05/IMG_0001-1.JPG",
      "2024/2024-03-05/IMG_0002.JPG",
    ]);
    assertEquals(links.length, 1, "link is not tried again once unsupported");
    assertEquals(
      await Deno.readTextFile(`${dest}/2024/2024-03-05/IMG_0001.JPG`),
      "the user's own file",
    );
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0001-1.JPG`), one.bytes);
    assertEquals(await Deno.readFile(`${dest}/2024/2024-03-05/IMG_0002.JPG`), two.bytes);
    assertEquals(photos(await filesUnder(dest)).length, 3);
  });
});

Deno.test("importNew: sizes, counts and a stop are bounded", async (t) => {
  await t.step("a size over 2^53 or below 0 is refused", async () => {
    await withDest(async (_root, dest) => {
      const camera = new FakeCamera();
      camera.add("HUGE.JPG", 2 ** 53, { bytes: new Uint8Array(1) });
      camera.add("NEG.JPG", -1, { bytes: new Uint8Array(1) });
      const { result } = await run(camera, dest);
      assert(result.ok);
      assertEquals(result.value.failed.map((f) => f.name), ["HUGE.JPG", "NEG.JPG"]);
      assertEquals(camera.fetches, []);
    });
  });

  await t.step("a listing of over a million objects is refused", async () => {
    await withDest(async (_root, dest) => {
      const source: ImportSource = {
        cameraId: "x",
        list: () => Promise.resolve(ok(new Array(MAX_OBJECTS + 1))),
        fetch: () => Promise.reject(new Error("not called")),
      };
      const { result } = await run(source, dest);
      assert(!result.ok);
      assertEquals(result.error.kind, "too-many");
    });
  });

  await t.step("an abort keeps the partial file", async () => {
    await withDest(async (_root, dest) => {
      const camera = new FakeCamera(1000);
      camera.add("IMG_0001.JPG", 5000);
      const controller = new AbortController();
      const { result } = await run(camera, dest, {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === "bytes" && e.done === 2000) controller.abort();
        },
      });
      assert(!result.ok);
      assertEquals(result.error.kind, "aborted");
      const left = await filesUnder(`${dest}/2024/2024-03-05`);
      assertEquals(left.length, 1);
      assertMatch(left[0], /\.partial$/);
      assertEquals((await Deno.stat(`${dest}/2024/2024-03-05/${left[0]}`)).size, 2000);
    });
  });

  await t.step("a listing that fails is a source failure", async () => {
    await withDest(async (_root, dest) => {
      const source: ImportSource = {
        cameraId: "x",
        list: () => Promise.resolve(err({ kind: "connection", detail: "gone\u001b[2J" })),
        fetch: () => Promise.reject(new Error("not called")),
      };
      const { result } = await run(source, dest);
      assert(!result.ok);
      assertEquals(result.error.kind, "source");
      assertEquals(result.error.detail, "listing the camera failed: gone[2J");
    });
  });
});
