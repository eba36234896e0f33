// updateFile on a temp folder: the change applied to the current bytes, a symbolic link written
// through, a new file's mode, a change that leaves the file alone, the refusals (a link to nothing,
// a folder, a file too big) as values with the file untouched, and another writer's change kept.
// The gphoto2-guid command's own tests cover the same writes as the user sees them (its lines, the
// old mode and owner, bytes that are not UTF-8).

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { updateFile } from "../../lib/util/update_file.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const posix = Deno.build.os !== "windows";
const OPTIONS = { maxBytes: 1024 };

/** Appends `line` to what the file holds (nothing when it does not exist). */
const append = (line: string) => (current: Uint8Array | undefined) =>
  encoder.encode(`${current ? decoder.decode(current) : ""}${line}\n`);

const names = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("a missing file is made with the new-file mode; an existing one gets the change on its bytes", async () => {
  const dir = await tempDir("pch-update-file-");
  const path = `${dir}/settings`;
  const made = await updateFile(path, append("a=1"), { ...OPTIONS, newFileMode: 0o600 });
  assertEquals(made, { ok: true, value: { target: path, changed: true } });
  if (posix) assertEquals((await Deno.stat(path)).mode! & 0o777, 0o600);
  const seen: (string | undefined)[] = [];
  await updateFile(path, (current) => {
    seen.push(current && decoder.decode(current));
    return append("b=2")(current);
  }, OPTIONS);
  assertEquals(seen, ["a=1\n"]);
  assertEquals(await Deno.readTextFile(path), "a=1\nb=2\n");
  assertEquals(names(dir), ["settings"], "no temporary file is left");
});

Deno.test("a change that returns nothing leaves the file as it was", async () => {
  const dir = await tempDir("pch-update-file-");
  const path = `${dir}/settings`;
  await Deno.writeTextFile(path, "same\n");
  const before = (await Deno.stat(path)).mtime;
  const left = await updateFile(path, () => undefined, OPTIONS);
  assertEquals(left, { ok: true, value: { target: path, changed: false } });
  assertEquals(await Deno.readTextFile(path), "same\n");
  assertEquals((await Deno.stat(path)).mtime, before);
  assertEquals(await updateFile(`${dir}/absent`, () => undefined, OPTIONS), {
    ok: true,
    value: { target: `${dir}/absent`, changed: false },
  });
  assertEquals(names(dir), ["settings"]);
});

Deno.test({
  name: "a symbolic link is written through: it stays a link, its target changes and is reported",
  ignore: !posix,
  fn: async () => {
    const dir = await tempDir("pch-update-file-");
    await Deno.mkdir(`${dir}/dotfiles`);
    await Deno.writeTextFile(`${dir}/dotfiles/real`, "x\n");
    await Deno.symlink("dotfiles/real", `${dir}/link`);
    const result = await updateFile(`${dir}/link`, append("y"), OPTIONS);
    assert(result.ok);
    assertEquals(result.value.target, await Deno.realPath(`${dir}/dotfiles/real`));
    assert((await Deno.lstat(`${dir}/link`)).isSymlink);
    assertEquals(await Deno.readTextFile(`${dir}/dotfiles/real`), "x\ny\n");
  },
});

Deno.test({
  name: "refusals are values and write nothing: a link to nothing, a folder, a file too big",
  ignore: !posix,
  fn: async () => {
    const dir = await tempDir("pch-update-file-");
    await Deno.symlink("nowhere/settings", `${dir}/dangling`);
    await Deno.mkdir(`${dir}/folder`);
    await Deno.writeTextFile(`${dir}/big`, "z".repeat(2000));
    let changes = 0;
    const change = (current: Uint8Array | undefined) => (changes++, append("n")(current));
    const dangling = await updateFile(`${dir}/dangling`, change, OPTIONS);
    assert(!dangling.ok);
    assertMatch(dangling.error, /is a symbolic link to nowhere\/settings, which does not exist/);
    const folder = await updateFile(`${dir}/folder`, change, OPTIONS);
    assert(!folder.ok);
    assertMatch(folder.error, /is not a regular file; nothing was written/);
    const big = await updateFile(`${dir}/big`, change, OPTIONS);
    assert(!big.ok);
    assertMatch(big.error, /is 2000 bytes, more than the 1024 expected; nothing was written/);
    assertEquals(changes, 0, "nothing refused is read into the change");
    assertEquals(names(dir), ["big", "dangling", "folder"]);
    assertEquals(await Deno.stat(`${dir}/nowhere`).catch(() => undefined), undefined);
    assertEquals((await Deno.readTextFile(`${dir}/big`)).length, 2000);
  },
});

Deno.test("another writer's change between read and rename is kept: the change is made again on it", async () => {
  const dir = await tempDir("pch-update-file-");
  const path = `${dir}/settings`;
  await Deno.writeTextFile(path, "a\n");
  let replaces = 0;
  const result = await updateFile(path, append("ours"), {
    ...OPTIONS,
    beforeReplace: async () => {
      if (replaces++ === 0) await Deno.writeTextFile(path, "a\ntheirs\n");
    },
  });
  assert(result.ok && result.value.changed);
  assertEquals(replaces, 2);
  assertEquals(await Deno.readTextFile(path), "a\ntheirs\nours\n");
  assertEquals(names(dir), ["settings"]);
});

Deno.test("a file that keeps changing is left to its writer after the given tries", async () => {
  const dir = await tempDir("pch-update-file-");
  const path = `${dir}/settings`;
  await Deno.writeTextFile(path, "a\n");
  let writes = 0;
  const result = await updateFile(path, append("ours"), {
    ...OPTIONS,
    attempts: 2,
    beforeReplace: () => Deno.writeTextFile(path, `a\nn=${++writes}\n`),
  });
  assert(!result.ok);
  assertMatch(result.error, /kept changing while it was written \(2 tries\); nothing was written/);
  assertEquals(writes, 2);
  assertEquals(await Deno.readTextFile(path), "a\nn=2\n");
  assertEquals(names(dir), ["settings"], "no temporary file is left");
});
