import { assert, assertEquals } from "../support/assert.ts";
import { type FileWriter, isNoSpace, writeAll } from "../../lib/import/fs.ts";

Deno.test("isNoSpace: a full disk or quota however it is worded, nothing else", () => {
  assert(isNoSpace(new Error("No space left on device (os error 28)")));
  assert(isNoSpace(new Error("write failed: No space left on device")));
  assert(isNoSpace(new Error("There is not enough space on the disk. (os error 112)")));
  assert(isNoSpace(new Error("Disk quota exceeded (os error 122)")));
  assert(isNoSpace(Object.assign(new Error("write"), { code: "ENOSPC" })));
  assert(!isNoSpace(new Error("Permission denied (os error 13)")));
  assert(!isNoSpace(new Error("Input/output error (os error 5)")));
  assert(!isNoSpace(new Error("os error 280")));
  assert(!isNoSpace("No space left on device"));
});

function writer(accepts: number[]): { file: FileWriter; written: number[] } {
  const written: number[] = [];
  const file: FileWriter = {
    write: (bytes) => {
      const n = Math.min(accepts.shift() ?? bytes.length, bytes.length);
      written.push(...bytes.subarray(0, n));
      return Promise.resolve(n);
    },
    sync: () => Promise.resolve(),
    close: () => {},
  };
  return { file, written };
}

Deno.test("writeAll: short writes are continued; a write of nothing is a full disk", async () => {
  const short = writer([2, 1]);
  await writeAll(short.file, new Uint8Array([1, 2, 3, 4, 5]));
  assertEquals(short.written, [1, 2, 3, 4, 5]);
  const stuck = writer([2, 0]);
  const error = await writeAll(stuck.file, new Uint8Array([1, 2, 3])).then(
    () => undefined,
    (e) => e,
  );
  assert(isNoSpace(error), String(error));
});
