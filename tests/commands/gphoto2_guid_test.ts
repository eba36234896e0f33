// `gphoto2-guid --write` against the user's settings file as the user left it: a symlink (dotfile
// managers) is written through, bytes that are not UTF-8 are kept, the mode and the owner are the old
// file's, and a change another program makes while the command runs is merged, not lost.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { guidFromDeviceUuid, guidSettingsLine } from "../../lib/gphoto2/guid.ts";
import { type Gphoto2GuidSeams, runGphoto2GuidCommand } from "../../lib/commands/gphoto2_guid.ts";
import { joinBytes } from "../../lib/util/bytes.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { TEST_UUID as UUID } from "../support/uuid.ts";

const derived = guidFromDeviceUuid(UUID);
if (!derived.ok) throw new Error(derived.error);
const LINE = guidSettingsLine(derived.value);
const encoder = new TextEncoder();
const posix = Deno.build.os !== "windows";

async function setUp() {
  const dir = await tempDir("pch-guid-write-");
  const uuidOptions = { uuid: UUID, cwd: dir, randomUuid: () => crypto.randomUUID() };
  const env = { os: "linux", home: dir, exists: () => false };
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const output = { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) };
  /** Runs `gphoto2-guid --write` on the settings file at `settingsPath`. */
  const write = (settingsPath: string, seams?: Gphoto2GuidSeams) =>
    runGphoto2GuidCommand({ write: true, settingsPath }, uuidOptions, env, output, seams);
  return { dir, lines, write };
}

function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  return joinBytes(parts.map((p) => typeof p === "string" ? encoder.encode(p) : p));
}

Deno.test({
  name: "gphoto2-guid --write: a symlinked settings file stays a link and its target gets the line",
  ignore: !posix,
  fn: async () => {
    const t = await setUp();
    const target = `${t.dir}/dotfiles/gphoto-settings`;
    await Deno.mkdir(`${t.dir}/dotfiles`);
    await Deno.mkdir(`${t.dir}/.gphoto`);
    await Deno.writeTextFile(target, "a=b=c\n");
    const link = `${t.dir}/.gphoto/settings`;
    await Deno.symlink("../dotfiles/gphoto-settings", link);
    await t.write(link);
    const info = await Deno.lstat(link);
    assert(info.isSymlink, "the settings path is still a symbolic link");
    assertEquals(await Deno.readLink(link), "../dotfiles/gphoto-settings");
    assertEquals(await Deno.readTextFile(target), `a=b=c\n${LINE}\n`);
    assertMatch(t.lines.err.at(-1)!, /wrote the GUID into .*dotfiles\/gphoto-settings/);
    const leftovers = [
      ...Deno.readDirSync(`${t.dir}/.gphoto`),
      ...Deno.readDirSync(`${t.dir}/dotfiles`),
    ]
      .map((e) => e.name).sort();
    assertEquals(leftovers, ["gphoto-settings", "settings"], "no temporary file is left");
  },
});

Deno.test({
  name: "gphoto2-guid --write: a link to nothing is refused in one line, nothing written",
  ignore: !posix,
  fn: async () => {
    const t = await setUp();
    await Deno.mkdir(`${t.dir}/.gphoto`);
    const link = `${t.dir}/.gphoto/settings`;
    await Deno.symlink("../nowhere/settings", link);
    let message = "";
    await t.write(link)
      .catch((e) => message = e.message);
    assertMatch(message, /symbolic link to \.\.\/nowhere\/settings, which does not exist/);
    assert(!message.includes("\n"), "one line");
    assert((await Deno.lstat(link)).isSymlink);
    assertEquals(await Deno.stat(`${t.dir}/nowhere`).catch(() => undefined), undefined);
  },
});

Deno.test("gphoto2-guid --write: a 0xFF byte in another line is kept byte for byte", async () => {
  const t = await setUp();
  const settings = `${t.dir}/settings`;
  const before = concat("name=key=caf", new Uint8Array([0xe9, 0xff, 0xfe]), "\r\nx=y=z\n");
  await Deno.writeFile(settings, before);
  await t.write(settings);
  assertEquals(await Deno.readFile(settings), concat(before, `${LINE}\n`));
  // A GUID line among them is replaced in place; the bytes around it stay as they were.
  const other = concat("a=b=", new Uint8Array([0xff]), "\nptp2_ip=guid=01:02\r\nc=d=e");
  await Deno.writeFile(settings, other);
  await t.write(settings);
  assertEquals(
    await Deno.readFile(settings),
    concat("a=b=", new Uint8Array([0xff]), `\n${LINE}\nc=d=e\n`),
  );
  assertMatch(t.lines.err.at(-1)!, /replaced 01:02;/);
});

for (const mode of [0o600, 0o664, 0o640]) {
  Deno.test({
    name: `gphoto2-guid --write: mode 0${mode.toString(8)} is kept, whatever the umask`,
    ignore: !posix,
    fn: async () => {
      const t = await setUp();
      const settings = `${t.dir}/settings`;
      await Deno.writeTextFile(settings, "a=b=c\n");
      await Deno.chmod(settings, mode);
      await t.write(settings);
      assertEquals(await Deno.readTextFile(settings), `a=b=c\n${LINE}\n`);
      assertEquals(((await Deno.stat(settings)).mode! & 0o777).toString(8), mode.toString(8));
    },
  });
}

Deno.test({
  name: "gphoto2-guid --write as root for a user's file: the owner is kept",
  ignore: !posix || Deno.uid() !== 0,
  fn: async () => {
    const t = await setUp();
    const settings = `${t.dir}/settings`;
    await Deno.writeTextFile(settings, "a=b=c\n");
    await Deno.chown(settings, 65534, 65534);
    await t.write(settings);
    const info = await Deno.stat(settings);
    assertEquals([info.uid, info.gid], [65534, 65534]);
    assertEquals(await Deno.readTextFile(settings), `a=b=c\n${LINE}\n`);
  },
});

Deno.test("gphoto2-guid --write: a change made while it ran is merged, not lost", async () => {
  const t = await setUp();
  const settings = `${t.dir}/settings`;
  await Deno.writeTextFile(settings, "a=b=c\n");
  let injected = 0;
  await t.write(settings, {
    // Another program (gphoto2 itself) writes the file between our read and our rename, once.
    beforeReplace: async () => {
      if (injected++ === 0) await Deno.writeTextFile(settings, "a=b=c\nother=key=new\n");
    },
  });
  assertEquals(injected, 2, "the seam ran on the first try and on the merge made again");
  assertEquals(await Deno.readTextFile(settings), `a=b=c\nother=key=new\n${LINE}\n`);
});

Deno.test("gphoto2-guid --write: a file that never stops changing is refused, not clobbered", async () => {
  const t = await setUp();
  const settings = `${t.dir}/settings`;
  await Deno.writeTextFile(settings, "a=b=c\n");
  let writes = 0;
  let message = "";
  await t.write(settings, {
    beforeReplace: () => Deno.writeTextFile(settings, `a=b=c\nn=n=${++writes}\n`),
  }).catch((e) => message = e.message);
  assertMatch(message, /kept changing while it was written \(3 tries\); nothing was written/);
  assertEquals(await Deno.readTextFile(settings), `a=b=c\nn=n=${writes}\n`);
  assertEquals([...Deno.readDirSync(t.dir)].map((e) => e.name).sort(), ["settings"]);
});
