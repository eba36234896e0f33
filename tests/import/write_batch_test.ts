import { assert, assertEquals } from "../support/assert.ts";
import { BatchedWriter, WRITE_BATCH_BYTES } from "../../lib/import/write_batch.ts";
import type { FileWriter } from "../../lib/import/fs.ts";

/** A file in memory that records each write's size; takes at most `most` bytes a write. */
function memoryFile(most = Infinity, failAfter = Infinity) {
  const parts: Uint8Array[] = [];
  const writes: number[] = [];
  const file: FileWriter = {
    write(bytes) {
      if (writes.length >= failAfter) {
        return Promise.reject(new Error("No space left (os error 28)"));
      }
      const n = Math.min(bytes.length, most);
      parts.push(bytes.slice(0, n));
      writes.push(n);
      return Promise.resolve(n);
    },
    sync: () => Promise.resolve(),
    close() {},
  };
  const bytes = () => {
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
    return all;
  };
  return { file, writes, bytes };
}

function pattern(size: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (from + i * 7) & 0xff);
}

Deno.test("BatchedWriter writes whole batches, copies lent chunks, and flush writes the rest", async () => {
  const memory = memoryFile();
  const batch = new BatchedWriter(memory.file);
  const total = 2 * WRITE_BATCH_BYTES + 12_345;
  const expected = pattern(total);
  const lent = new Uint8Array(65_536);
  for (let at = 0; at < total; at += lent.length) {
    const n = Math.min(lent.length, total - at);
    lent.set(expected.subarray(at, at + n));
    await batch.add(lent.subarray(0, n));
    // The caller reuses its buffer at once, as the packet reader does.
    lent.fill(0xEE);
  }
  assertEquals(memory.writes, [WRITE_BATCH_BYTES, WRITE_BATCH_BYTES]);
  assertEquals(batch.pending, 12_345);
  await batch.flush();
  assertEquals(memory.writes, [WRITE_BATCH_BYTES, WRITE_BATCH_BYTES, 12_345]);
  assertEquals(batch.pending, 0);
  await batch.flush();
  assertEquals(memory.writes.length, 3, "an empty flush writes nothing");
  assertEquals(memory.bytes(), expected);
  batch.release();
});

Deno.test("BatchedWriter: a chunk larger than a batch, and short writes, keep every byte in order", async () => {
  const memory = memoryFile(100_000);
  const batch = new BatchedWriter(memory.file);
  const big = pattern(WRITE_BATCH_BYTES * 2 + 5, 3);
  await batch.add(big);
  await batch.flush();
  assertEquals(memory.bytes(), big);
  assert(memory.writes.every((n) => n <= 100_000));
  batch.release();
});

Deno.test("BatchedWriter: a failed write is thrown, and a released writer refuses more", async () => {
  const memory = memoryFile(Infinity, 0);
  const batch = new BatchedWriter(memory.file);
  await batch.add(pattern(10));
  let failed: unknown;
  await batch.add(pattern(WRITE_BATCH_BYTES)).catch((error) => failed = error);
  assert(failed instanceof Error && /os error 28/.test(failed.message), String(failed));
  // The failed batch is not held for a second write: part of it may be on the disk already.
  assertEquals(batch.pending, 0);
  const writes = memory.writes.length;
  await batch.flush();
  assertEquals(memory.writes.length, writes, "a flush after a failed write writes nothing");
  batch.release();
  batch.release();
  let refused: unknown;
  await batch.add(pattern(1)).catch((error) => refused = error);
  assert(refused instanceof Error && /released/.test(refused.message), String(refused));
  // A writer made after a release starts empty, whatever its pooled buffer held.
  const again = memoryFile();
  const next = new BatchedWriter(again.file);
  assertEquals(next.pending, 0);
  await next.add(pattern(3, 9));
  await next.flush();
  assertEquals(again.bytes(), pattern(3, 9));
  next.release();
});
