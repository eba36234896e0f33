// The GUID line against libgphoto2's documented format (camlibs/ptp2/ptpip.c reads `ptp2_ip`/`guid`
// as 47 characters, 16 hex pairs joined by ':'; gphoto2-setting.c stores `id=key=value` lines), the
// settings merge, the settings path, and the command in temp dirs.

import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import {
  gphotoSettingsPath,
  guidAsUuid,
  guidFromDeviceUuid,
  guidSettingsLine,
  mergeGuidSettingBytes,
} from "../../lib/gphoto2/guid.ts";
import { runGphoto2GuidCommand } from "../../lib/commands/gphoto2_guid.ts";
import { tempDir } from "../../lab/temp_dir.ts";

const UUID = "7aa8ae9a-cba8-40f5-961d-41cfe742b240";

function guid(uuid = UUID): Uint8Array {
  const derived = guidFromDeviceUuid(uuid);
  if (!derived.ok) throw new Error(derived.error);
  return derived.value;
}

/** libgphoto2's reading of a value, restated: 47 characters, each pair two hex digits then ':' or end. */
function libgphoto2Accepts(value: string): boolean {
  if (value.length !== 47) return false;
  for (let i = 0; i < 16; i++) {
    const pair = value.slice(3 * i, 3 * i + 2);
    const after = value[3 * i + 2];
    if (!/^[0-9a-fA-F]{2}$/.test(pair) || (after !== ":" && after !== undefined)) return false;
  }
  return true;
}

Deno.test("the GUID line has libgphoto2's format", () => {
  const line = guidSettingsLine(guid());
  assertEquals(line, "ptp2_ip=guid=00:00:00:00:00:00:00:00:00:01:41:cf:e7:42:b2:40");
  const [id, key, value] = [
    line.split("=")[0],
    line.split("=")[1],
    line.split("=").slice(2).join("="),
  ];
  assertEquals([id, key], ["ptp2_ip", "guid"]);
  assert(libgphoto2Accepts(value));
  assertEquals(value, value.toLowerCase());
  // libgphoto2 deletes a settings file with a line of fewer than two '=': ours has exactly two.
  assertEquals(line.split("=").length - 1, 2);
});

Deno.test("the GUID is the 6D's host shape, stable, and never the unpaired FFFFFFFFFFFF", () => {
  assertEquals(guidAsUuid(guid()), "00000000-0000-0000-0001-41cfe742b240");
  assertEquals(guid(), guid(UUID.toUpperCase()));
  assertEquals(
    guidAsUuid(guid("0d9c3b34-6f7a-4c2e-9a51-ffffffffffff")),
    "00000000-0000-0000-0001-fffffffffffe",
  );
  const bad = guidFromDeviceUuid("not-a-uuid");
  assert(!bad.ok);
  assertMatch(bad.error, /is not a UUID/);
});

/** {@linkcode mergeGuidSettingBytes} on text, as the test's files are written. */
function mergeGuidSetting(existing: string, bytes: Uint8Array) {
  const merged = mergeGuidSettingBytes(new TextEncoder().encode(existing), bytes);
  const text = new TextDecoder().decode(merged.bytes);
  return { text, previous: merged.previous, changed: merged.changed };
}

Deno.test("mergeGuidSettingBytes", async (t) => {
  const line = guidSettingsLine(guid());
  await t.step("an empty or missing file gets the one line", () => {
    assertEquals(mergeGuidSetting("", guid()), {
      text: `${line}\n`,
      previous: undefined,
      changed: true,
    });
  });
  await t.step("other lines are kept byte for byte; ours is replaced in place", () => {
    const before =
      "gphoto2=port=ptpip:192.168.1.23\nptp2_ip=guid=aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99\r\n" +
      "libgphoto2=foo=a=b\nptp2_ip=guid=11:11:11:11:11:11:11:11:11:11:11:11:11:11:11:11\n";
    const merged = mergeGuidSetting(before, guid());
    assertEquals(
      merged.text,
      `gphoto2=port=ptpip:192.168.1.23\n${line}\nlibgphoto2=foo=a=b\n`,
    );
    assertEquals(merged.previous, "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99");
  });
  await t.step("a file without a last newline gets one before our line", () => {
    assertEquals(mergeGuidSetting("a=b=c", guid()).text, `a=b=c\n${line}\n`);
  });
  await t.step("merging twice changes nothing", () => {
    const once = mergeGuidSetting("a=b=c\n", guid()).text;
    assertEquals(mergeGuidSetting(once, guid()), {
      text: once,
      previous: line.slice("ptp2_ip=guid=".length),
      changed: false,
    });
  });
});

Deno.test("gphotoSettingsPath follows libgphoto2", () => {
  const none = () => false;
  assertEquals(
    gphotoSettingsPath({ os: "linux", home: "/h", exists: none }),
    "/h/.gphoto/settings",
  );
  const xdg = (p: string) => p === "/x/gphoto/settings";
  assertEquals(
    gphotoSettingsPath({ os: "linux", home: "/h", xdgConfigHome: "/x", exists: xdg }),
    "/x/gphoto/settings",
  );
  const mac = (p: string) => p === "/h/Library/Application Support/gphoto/settings";
  assertEquals(
    gphotoSettingsPath({ os: "darwin", home: "/h", exists: mac }),
    "/h/Library/Application Support/gphoto/settings",
  );
  assertEquals(
    gphotoSettingsPath({
      os: "linux",
      home: "/h",
      exists: (p) => p === "/h/.config/gphoto/settings",
    }),
    "/h/.config/gphoto/settings",
  );
});

Deno.test("gphoto2-guid prints, and with --write merges atomically", async (t) => {
  const dir = await tempDir("pch-gphoto2-");
  const uuidOptions = { uuid: UUID, cwd: dir, randomUuid: () => crypto.randomUUID() };
  const env = { os: "linux", home: dir, exists: () => false };
  const lines: { out: string[]; err: string[] } = { out: [], err: [] };
  const output = { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) };
  const settings = `${dir}/.gphoto/settings`;
  const line = guidSettingsLine(guid());

  await t.step("without --write nothing is written", async () => {
    await runGphoto2GuidCommand({ write: false }, uuidOptions, env, output);
    assertEquals(lines.out, [line]);
    assertMatch(lines.err[0], /Add --write to put it into .*\.gphoto\/settings/);
    assertEquals(await Deno.stat(settings).catch(() => undefined), undefined);
  });

  await t.step("--write creates the file and keeps every other line", async () => {
    await runGphoto2GuidCommand({ write: true }, uuidOptions, env, output);
    assertEquals(await Deno.readTextFile(settings), `${line}\n`);
    await Deno.writeTextFile(settings, `a=b=c\n${line}\nd=e=f\n`, { mode: 0o600 });
    await Deno.chmod(settings, 0o600);
    await runGphoto2GuidCommand({ write: true }, uuidOptions, env, output);
    assertMatch(lines.err.at(-1)!, /already holds this GUID/);
    const other = { ...uuidOptions, uuid: "0d9c3b34-6f7a-4c2e-9a51-3e2b7c8d9e10" };
    await runGphoto2GuidCommand({ write: true, settingsPath: settings }, other, env, output);
    assertEquals(
      await Deno.readTextFile(settings),
      `a=b=c\nptp2_ip=guid=00:00:00:00:00:00:00:00:00:01:3e:2b:7c:8d:9e:10\nd=e=f\n`,
    );
    assertMatch(lines.err.at(-1)!, /replaced 00:00:.*must pair again/);
    if (Deno.build.os !== "windows") assertEquals((await Deno.stat(settings)).mode! & 0o777, 0o600);
    const leftovers = [...Deno.readDirSync(`${dir}/.gphoto`)].map((e) => e.name);
    assertEquals(leftovers, ["settings"]);
  });

  await t.step("a settings path that is a folder is an error and nothing is written", async () => {
    let message = "";
    await runGphoto2GuidCommand({ write: true, settingsPath: dir }, uuidOptions, env, output).catch(
      (e) => message = e.message,
    );
    assertMatch(message, /is not a regular file; nothing was written/);
  });
});
