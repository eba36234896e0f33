// The free space where the photo sink writes: `df -P -k` output as GNU, macOS and BusyBox print it,
// read back; the real df on a temp folder; and a df that hangs or talks without end cut off.

import { freeSpace, parseDfOutput } from "../../lib/diagnostics/free_space.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { err } from "../../lib/util/result.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";
import { writeExecutable } from "../support/executable.ts";

Deno.test("parseDfOutput reads POSIX df lines", async (t) => {
  await t.step("GNU coreutils (a Raspberry Pi's SD card)", () => {
    const text = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n" +
      "/dev/mmcblk0p2    29801492 11234567  17324356      40% /\n";
    assertEquals(parseDfOutput(text), {
      ok: true,
      value: { availableBytes: 17324356 * 1024, totalBytes: 29801492 * 1024, mountedOn: "/" },
    });
  });

  await t.step("macOS, a name and a mount point with spaces", () => {
    const text = "Filesystem  1024-blocks      Used Available Capacity  Mounted on\n" +
      "map auto_home          0         0         0   100%    /System/Volumes/Data/home\n" +
      "";
    assertEquals(parseDfOutput(text), {
      ok: true,
      value: { availableBytes: 0, totalBytes: 0, mountedOn: "/System/Volumes/Data/home" },
    });
    const usb = "Filesystem 1024-blocks Used Available Capacity Mounted on\r\n" +
      "/dev/disk4s1 124999680 1024 124998656 1% /Volumes/CANON PHOTOS\r\n";
    const parsed = parseDfOutput(usb);
    assert(parsed.ok);
    assertEquals(parsed.value.mountedOn, "/Volumes/CANON PHOTOS");
  });

  await t.step("BusyBox, a capacity of '-'", () => {
    const text = "Filesystem           1024-blocks    Used Available Capacity Mounted on\n" +
      "nas:/photos            1000000   1000    999000  -  /mnt/nas\n";
    const parsed = parseDfOutput(text);
    assert(parsed.ok);
    assertEquals(parsed.value.availableBytes, 999000 * 1024);
  });

  await t.step("anything else is refused, not guessed", () => {
    for (
      const text of [
        "",
        "Filesystem 512-blocks Used Available Capacity Mounted on\n/dev/x 10 1 9 10% /\n",
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n",
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x ten 1 9 10% /\n",
        "Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x 1 1 1 1% /\n/dev/y 1 1 1 1% /y\n",
        `Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/x ${
          "9".repeat(40)
        } 1 9 10% /\n`,
      ]
    ) {
      assertEquals(parseDfOutput(text).ok, false, JSON.stringify(text));
    }
  });
});

const unix = Deno.build.os !== "windows";

Deno.test({
  name: "freeSpace asks the real df about a temp folder",
  ignore: !unix,
  fn: async () => {
    const dir = await tempDir("pch-space-");
    const answer = await freeSpace(dir);
    assert(answer.ok, JSON.stringify(answer));
    const space = answer.value;
    assert(space.totalBytes > 0 && space.availableBytes <= space.totalBytes, JSON.stringify(space));
    assertMatch(space.mountedOn, /^\//);
  },
});

Deno.test("freeSpace says unknown, and why, instead of failing", async (t) => {
  await t.step("on Windows", async () => {
    assertEquals(await freeSpace("C:\\photos", { os: "windows" }), err("not checked on Windows"));
  });

  await t.step("without df", async () => {
    assertEquals(
      await freeSpace("/", { os: "linux", program: "/nonexistent/df" }),
      err("`/nonexistent/df` is not installed"),
    );
  });

  await t.step({
    name: "df on a folder that is not there: its own words",
    ignore: !unix,
    fn: async () => {
      const answer = await freeSpace("/nonexistent-pch-folder");
      assertMatch(
        answer.ok ? "" : answer.error,
        /^`df` failed \(exit code 1\): .*nonexistent-pch-folder/,
      );
    },
  });

  await t.step({
    name: "a df that hangs is killed at the deadline",
    ignore: !unix,
    fn: async () => {
      const dir = await tempDir("pch-space-");
      const hang = `${dir}/df`;
      await writeExecutable(hang, "#!/bin/sh\nexec sleep 30\n");
      const started = performance.now();
      const answer = await freeSpace("/", { program: hang, timeoutMs: 200 });
      const took = performance.now() - started;
      assertEquals(answer, err(`\`${hang}\` gave no answer within 200 ms`));
      assert(took < 5000, `took ${took} ms`);
    },
  });

  await t.step({
    name: "a df that talks without end is cut off",
    ignore: !unix,
    fn: async () => {
      const dir = await tempDir("pch-space-");
      const chatty = `${dir}/df`;
      await writeExecutable(chatty, "#!/bin/sh\nexec yes\n");
      const answer = await freeSpace("/", { program: chatty, timeoutMs: 5000 });
      assertEquals(answer, err(`\`${chatty}\` said more than 8192 bytes`));
    },
  });
});
