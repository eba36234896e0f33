import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { denoFs, type ImportFs } from "../../lib/import/fs.ts";
import {
  formatRecord,
  ImportRecord,
  loadRecord,
  MAX_RECORD_BYTES,
  objectKey,
  parseRecord,
  RECORD_DIR,
  RecordCache,
  recordFileName,
} from "../../lib/import/record.ts";
import { withTempDir } from "../support/temp_dir.ts";

const CAMERA = "Canon EOS M50 0123456789";

const entry = (name: string, size = 100) => ({
  name,
  captureDate: "20240305T120000",
  size,
  path: `2024/2024-03-05/${name}`,
});

Deno.test("recordFileName: a safe name per camera, ids that sanitise alike kept apart", () => {
  assertMatch(recordFileName(CAMERA), /^imported-Canon_EOS_M50_0123456789-[0-9a-f]{8}\.json$/);
  assertMatch(recordFileName("../../x\u0000"), /^imported-_x_-[0-9a-f]{8}\.json$/);
  assert(recordFileName("a b") !== recordFileName("a/b"));
});

Deno.test("objectKey: a hostile name cannot pose as another date or size", () => {
  assert(objectKey('a","b', "", 1) !== objectKey("a", 'b","', 1));
  assert(
    objectKey("IMG_0001.JPG", "20240305T120000", 100) !==
      objectKey("IMG_0001.JPG", "20250101T000000", 100),
  );
  assert(objectKey("IMG_0001.JPG", "x", 100) !== objectKey("IMG_0001.JPG", "x", 101));
});

Deno.test("formatRecord and parseRecord round-trip, hostile names included", () => {
  const entries = [entry("IMG_0001.JPG"), entry("../\u0000\ud800\u202e.JPG", 0)];
  assertEquals(parseRecord(formatRecord(CAMERA, entries), CAMERA), { ok: true, value: entries });
  assertEquals(parseRecord(formatRecord("other", entries), CAMERA).ok, false);
  assertEquals(parseRecord("{", CAMERA).ok, false);
  assertEquals(parseRecord("[]", CAMERA).ok, false);
  const badSize = formatRecord(CAMERA, [entry("a", 1)]).replace(",1,", ",-1,");
  assertMatch(String((parseRecord(badSize, CAMERA) as { error: string }).error), /entry 1/);
});

Deno.test("loadRecord: none yet is empty; saved, it reads back", async () => {
  await withTempDir(async (dest) => {
    const empty = await loadRecord(denoFs, dest, CAMERA, 1);
    assert(empty.ok);
    assertEquals(empty.value.size, 0);
    // Nothing is created by reading.
    assertEquals([...Deno.readDirSync(dest)], []);
    empty.value.add(entry("IMG_0001.JPG"));
    assertEquals((await empty.value.save(denoFs)).ok, true);
    const again = await loadRecord(denoFs, dest, CAMERA, 2);
    assert(again.ok);
    assert(again.value.has(objectKey("IMG_0001.JPG", "20240305T120000", 100)));
    assert(!again.value.has(objectKey("IMG_0001.JPG", "20240305T120000", 101)));
    // No temporary file is left beside it.
    assertEquals([...Deno.readDirSync(`${dest}/${RECORD_DIR}`)].map((e) => e.name), [
      recordFileName(CAMERA),
    ]);
  });
});

Deno.test("loadRecord: a corrupt record is kept aside, reported, never overwritten", async () => {
  await withTempDir(async (dest) => {
    await Deno.mkdir(`${dest}/${RECORD_DIR}`);
    const path = `${dest}/${RECORD_DIR}/${recordFileName(CAMERA)}`;
    await Deno.writeTextFile(
      path,
      '{"format": "ptpip-canon-helper import record", "version": 1, "cam',
    );
    const loaded = await loadRecord(denoFs, dest, CAMERA, 1234);
    assert(!loaded.ok);
    assertEquals(loaded.error.kind, "corrupt");
    assert(loaded.error.kind === "corrupt");
    assertEquals(loaded.error.keptAs, `${path}.corrupt-1234`);
    assertMatch(loaded.error.detail, /unreadable: it is not JSON/);
    assertMatch(await Deno.readTextFile(`${path}.corrupt-1234`), /"cam$/);
    // A second corrupt record at the same instant does not replace the first copy.
    await Deno.writeFile(path, new Uint8Array([0xff, 0xfe]));
    const second = await loadRecord(denoFs, dest, CAMERA, 1234);
    assert(!second.ok && second.error.kind === "corrupt");
    assertEquals(second.error.keptAs, `${path}.corrupt-1234-1`);
    assertMatch(await Deno.readTextFile(`${path}.corrupt-1234`), /"cam$/);
  });
});

Deno.test("loadRecord: a record over the bound is refused and left alone", async () => {
  await withTempDir(async (dest) => {
    await Deno.mkdir(`${dest}/${RECORD_DIR}`);
    const path = `${dest}/${RECORD_DIR}/${recordFileName(CAMERA)}`;
    const file = await Deno.open(path, { write: true, create: true });
    await file.truncate(MAX_RECORD_BYTES + 1); // sparse: no real 256 MB written
    file.close();
    const loaded = await loadRecord(denoFs, dest, CAMERA, 1);
    assert(!loaded.ok);
    assertEquals(loaded.error.kind, "too-large");
    assertEquals((await Deno.stat(path)).size, MAX_RECORD_BYTES + 1);
  });
});

Deno.test("loadRecord: a symlinked record folder is not trusted", async () => {
  await withTempDir(async (dest) => {
    await Deno.mkdir(`${dest}/elsewhere`);
    await Deno.symlink(`${dest}/elsewhere`, `${dest}/${RECORD_DIR}`);
    const loaded = await loadRecord(denoFs, dest, CAMERA, 1);
    assert(!loaded.ok);
    assertEquals(loaded.error.kind, "unsafe");
    const record = new ImportRecord(`${dest}/${RECORD_DIR}/x.json`, CAMERA, []);
    record.add(entry("a"));
    const saved = await record.save(denoFs);
    assert(!saved.ok);
    assertMatch(saved.error, /symbolic link/);
    assertEquals([...Deno.readDirSync(`${dest}/elsewhere`)], []);
  });
});

/** denoFs, with the size of every buffer a read was handed. */
function readSizes(): { fs: ImportFs; sizes: number[] } {
  const sizes: number[] = [];
  return {
    sizes,
    fs: {
      ...denoFs,
      open: async (path) => {
        const file = await denoFs.open(path);
        return {
          read: (buffer) => {
            sizes.push(buffer.length);
            return file.read(buffer);
          },
          close: () => file.close(),
        };
      },
    },
  };
}

Deno.test("loadRecord: reads the record in buffers sized to it, not 1 MiB a load", async () => {
  await withTempDir(async (dest) => {
    const record = new ImportRecord(
      `${dest}/${RECORD_DIR}/${recordFileName(CAMERA)}`,
      CAMERA,
      [],
    );
    for (let i = 0; i < 50; i++) record.add(entry(`IMG_${1000 + i}.JPG`));
    assert((await record.save(denoFs)).ok);
    const size = (await Deno.stat(record.path)).size;
    const { fs, sizes } = readSizes();
    const loaded = await loadRecord(fs, dest, CAMERA, 1);
    assert(loaded.ok);
    assertEquals(loaded.value.size, 50);
    // The sink loads it once per import: 2 MiB of zeroed buffers each time was what RSS kept.
    assertEquals(sizes, [size + 1, 1]);
  });
});

Deno.test("loadRecord: a record that grew after its stat is still read whole", async () => {
  await withTempDir(async (dest) => {
    const path = `${dest}/${RECORD_DIR}/${recordFileName(CAMERA)}`;
    const small = new ImportRecord(path, CAMERA, []);
    small.add(entry("IMG_0001.JPG"));
    assert((await small.save(denoFs)).ok);
    const big = new ImportRecord(path, CAMERA, []);
    for (let i = 0; i < 2000; i++) big.add(entry(`IMG_${10_000 + i}.JPG`));
    const { fs } = readSizes();
    // The stat sees the small record; the bytes read are the big one's.
    const grown: ImportFs = {
      ...fs,
      open: async (p) => {
        assert((await big.save(denoFs)).ok);
        return fs.open(p);
      },
    };
    const loaded = await loadRecord(grown, dest, CAMERA, 1);
    assert(loaded.ok);
    assertEquals(loaded.value.size, 2000);
  });
});

/** denoFs, counting the opens of `path`. */
function countingOpens(path: string): { fs: ImportFs; opens: () => number } {
  let opens = 0;
  return {
    opens: () => opens,
    fs: {
      ...denoFs,
      open: (p) => {
        if (p === path) opens++;
        return denoFs.open(p);
      },
    },
  };
}

Deno.test("loadRecord with a RecordCache: reused while unchanged; read again after a failed save or another writer's save", async () => {
  await withTempDir(async (dest) => {
    const path = `${dest}/${RECORD_DIR}/${recordFileName(CAMERA)}`;
    const first = new ImportRecord(path, CAMERA, []);
    first.add(entry("IMG_0001.JPG"));
    assert((await first.save(denoFs)).ok);
    const { fs, opens } = countingOpens(path);
    const cache = new RecordCache();
    const load = async () => {
      const loaded = await loadRecord(fs, dest, CAMERA, 1, cache);
      assert(loaded.ok, JSON.stringify(loaded));
      return loaded.value;
    };
    const record = await load();
    record.add(entry("IMG_0002.JPG"));
    assert((await record.save(fs)).ok);
    assertEquals([await load() === record, opens()], [true, 1], "its own save is not read again");

    // A save that failed leaves the record's version unknown: the file is read again.
    record.add(entry("IMG_0003.JPG"));
    const failing: ImportFs = { ...fs, replaceFile: () => Promise.reject(new Error("EIO")) };
    assert(!(await record.save(failing)).ok);
    const reread = await load();
    assertEquals([reread === record, opens(), reread.size], [false, 2, 2]);

    // Another writer's record replaces ours between our rename and our stat: not taken for ours.
    const theirs = new ImportRecord(path, CAMERA, []);
    for (const name of ["IMG_0001.JPG", "IMG_0002.JPG", "IMG_0900.JPG", "IMG_0901.JPG"]) {
      theirs.add(entry(name));
    }
    reread.add(entry("IMG_0004.JPG"));
    const raced: ImportFs = {
      ...fs,
      replaceFile: async (p, text) => {
        await denoFs.replaceFile(p, text);
        assert((await theirs.save(denoFs)).ok);
      },
    };
    assert((await reread.save(raced)).ok);
    const after = await load();
    assertEquals(opens(), 3);
    assert(after.has(objectKey("IMG_0900.JPG", "20240305T120000", 100)), "their entries");
  });
});
