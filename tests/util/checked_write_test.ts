// Checked writes: every byte written even when the OS takes fewer, a full disk worded as the importer
// knows it, what was written read back, and a replaced file either whole and new or untouched with
// no temporary file left beside it. On a real temporary directory.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { isNoSpace } from "../../lib/import/fs.ts";
import {
  replaceFileChecked,
  verify,
  writeAll,
  writeVerifiedTemp,
} from "../../lib/util/checked_write.ts";
import { tempDir } from "../../lab/temp_dir.ts";

function writer(accepts: number[]) {
  const written: number[] = [];
  const file = {
    write: (bytes: Uint8Array) => {
      const n = Math.min(accepts.shift() ?? bytes.length, bytes.length);
      written.push(...bytes.subarray(0, n));
      return Promise.resolve(n);
    },
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

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("replaceFileChecked: a new file in a new folder, then replaced, no temporary file left", async () => {
  const dir = await tempDir("pch-checked-");
  const path = `${dir}/a/b/record.json`;
  await replaceFileChecked(path, "first\n");
  assertEquals(await Deno.readTextFile(path), "first\n");
  await replaceFileChecked(path, "second, longer\n", 0o600);
  assertEquals(await Deno.readTextFile(path), "second, longer\n");
  assertEquals(await names(`${dir}/a/b`), ["record.json"]);
  if (Deno.build.os !== "windows") assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
});

Deno.test("replaceFileChecked: a failed rename leaves the target as it was and no temporary file", async () => {
  const dir = await tempDir("pch-checked-");
  const path = `${dir}/taken`;
  await Deno.mkdir(path);
  await Deno.writeTextFile(`${path}/inside`, "kept");
  const failed = await replaceFileChecked(path, "text").then(() => undefined, (e) => e);
  assert(failed instanceof Error, "a file cannot be renamed over a folder");
  assertEquals(await names(dir), ["taken"]);
  assertEquals(await Deno.readTextFile(`${path}/inside`), "kept");
});

Deno.test("writeVerifiedTemp: a synced, checked file beside the target, with its mode", async () => {
  const dir = await tempDir("pch-checked-");
  const bytes = new Uint8Array([0, 255, 10, 13]);
  const temp = await writeVerifiedTemp(`${dir}/photo.jpg`, bytes, 0o600);
  assertMatch(temp, new RegExp(`^${dir}/photo\\.jpg\\.[0-9a-f-]{36}\\.tmp$`));
  assertEquals(await Deno.readFile(temp), bytes);
  if (Deno.build.os !== "windows") assertEquals((await Deno.stat(temp)).mode! & 0o777, 0o600);
  assertEquals(await names(dir), [temp.slice(dir.length + 1)], "the target is not touched");
});

Deno.test("verify: text or bytes that read back different are an error that says how", async () => {
  const dir = await tempDir("pch-checked-");
  await Deno.writeTextFile(`${dir}/f`, "abc");
  await verify(`${dir}/f`, "abc");
  await verify(`${dir}/f`, new Uint8Array([97, 98, 99]));
  const text = await verify(`${dir}/f`, "abcd").then(() => undefined, (e) => e);
  assertEquals(text?.message, "it read back as 3 characters instead of the 4 written");
  const bytes = await verify(`${dir}/f`, new Uint8Array([97, 98, 100])).then(
    () => undefined,
    (e) => e,
  );
  assertEquals(bytes?.message, "it read back as 3 bytes, not the 3 written");
});

Deno.test({
  name:
    "verify: a file swapped for a longer one is read no further than what was written and a byte",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    const dir = await tempDir("pch-checked-");
    // Whoever may write to the folder can swap the temporary file for a link to something endless
    // (/dev/zero) before it is read back; a large sparse file stands for it here.
    const big = await Deno.open(`${dir}/big`, { write: true, create: true });
    await big.truncate(64 << 20);
    big.close();
    await Deno.symlink(`${dir}/big`, `${dir}/f`);
    const failed = await verify(`${dir}/f`, "abc").then(() => undefined, (e) => e);
    assertEquals(failed?.message, "it read back as over the 3 bytes written");
    const bytes = await verify(`${dir}/f`, new Uint8Array(3)).then(() => undefined, (e) => e);
    assertEquals(bytes?.message, "it read back as over the 3 bytes written");
  },
});
