// Bounded reads: buffers sized to the stat's length, nothing kept past the bound, and a small
// regular file read with its refusals (missing, not a file, too large, more than its stat said) as
// values. loadRecord's tests (tests/import/record_test.ts) cover readBounded through the seam.

import { assert, assertEquals } from "../support/assert.ts";
import { readBounded, readSmallFile } from "../../lib/util/bounded_read.ts";
import { tempDir } from "../../lab/temp_dir.ts";

/** A reader over `bytes`, with the size of every buffer it was handed. */
function reader(bytes: Uint8Array) {
  const sizes: number[] = [];
  let at = 0;
  return {
    sizes,
    read: (buffer: Uint8Array) => {
      sizes.push(buffer.length);
      if (at === bytes.length) return Promise.resolve(null);
      const n = Math.min(buffer.length, bytes.length - at);
      buffer.set(bytes.subarray(at, at + n));
      at += n;
      return Promise.resolve(n);
    },
    close: () => {},
  };
}

Deno.test("readBounded: the expected length and one byte, then one to see the end", async () => {
  const bytes = new Uint8Array(100).fill(7);
  const file = reader(bytes);
  assertEquals(await readBounded(file, 1000, 100), bytes);
  assertEquals(file.sizes, [101, 1]);
});

Deno.test("readBounded: more than its stat said is read whole up to the bound, not past it", async () => {
  const grown = new Uint8Array(300).fill(1);
  assertEquals(await readBounded(reader(grown), 1000, 100), grown);
  const over = reader(new Uint8Array(5000));
  assertEquals(await readBounded(over, 1000, 100), undefined);
  assertEquals(over.sizes.reduce((a, b) => a + b), 1001, "the bound and one byte, no more");
});

Deno.test("readSmallFile: the bytes and stat of a small file; the refusals as values", async () => {
  const dir = await tempDir("pch-bounded-read-");
  await Deno.writeTextFile(`${dir}/small`, "abc");
  const small = await readSmallFile(`${dir}/small`, 3);
  assert(small.ok && small.value);
  assertEquals([small.value.bytes, small.value.info.size], [new Uint8Array([97, 98, 99]), 3]);
  assertEquals(await readSmallFile(`${dir}/missing`, 3), { ok: true, value: undefined });
  assertEquals(await readSmallFile(dir, 3), { ok: false, error: { kind: "not-a-file" } });
  assertEquals(await readSmallFile(`${dir}/small`, 2), {
    ok: false,
    error: { kind: "too-large", bytes: 3 },
  });
});

Deno.test({
  name: "readSmallFile: a file holding more than its stat says (a /proc file) is refused",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    assertEquals(await readSmallFile("/proc/self/smaps", 100), {
      ok: false,
      error: { kind: "grew" },
    });
  },
});
