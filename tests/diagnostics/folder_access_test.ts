// Whether the UUID file could be created: the nearest existing folder is found and tried, and nothing
// is left behind. Root may write anywhere, so a read-only folder is real only for other users; as root
// the refusal is injected.

import { folderAccess } from "../../lib/diagnostics/folder_access.ts";
import { tempDir } from "../../lab/temp_dir.ts";
import { assert, assertEquals, assertMatch } from "../support/assert.ts";

Deno.test("folderAccess finds the nearest existing folder and leaves nothing in it", async () => {
  const home = await tempDir("pch-folder-");
  const tried: string[] = [];
  const access = await folderAccess(`${home}/.config/ptpip-canon-helper/uuid`, async (dir) => {
    tried.push(dir);
    await Promise.resolve();
  });
  assertEquals(access, { folder: home });
  assertEquals(tried, [home]);

  assertEquals(await folderAccess(`${home}/a/b/uuid`), { folder: home });
  assertEquals([...Deno.readDirSync(home)], [], "the real probe removes its file");
});

Deno.test("folderAccess names the folder that refuses, and why", async (t) => {
  const home = await tempDir("pch-folder-");

  await t.step("a refused create (injected: root bypasses permissions)", async () => {
    const access = await folderAccess(`${home}/.config/ptpip-canon-helper/uuid`, () => {
      throw new Deno.errors.PermissionDenied(
        `Permission denied (os error 13): tmpfile '${home}/.ptpip-canon-helper-doctor-x'`,
      );
    });
    assertEquals(access, {
      folder: home,
      problem: { kind: "not-writable", cause: "Permission denied (os error 13)" },
    });
  });

  await t.step("a file where a folder must go fails even for root", async () => {
    await Deno.writeTextFile(`${home}/.config`, "");
    const access = await folderAccess(`${home}/.config/ptpip-canon-helper/uuid`);
    assertEquals(access, { folder: `${home}/.config`, problem: { kind: "not-a-folder" } });
  });

  assert(!(await Deno.stat(`${home}/.config`)).isDirectory);
});

Deno.test({
  name: "folderAccess in a real read-only folder (ignored as root, which writes anywhere)",
  ignore: Deno.uid() === 0,
  async fn() {
    const readOnly = await tempDir("pch-ro-");
    await Deno.chmod(readOnly, 0o555);
    try {
      const access = await folderAccess(`${readOnly}/.config/ptpip-canon-helper/uuid`);
      assertEquals(access.folder, readOnly);
      assertEquals(access.problem?.kind, "not-writable");
      assertMatch(
        access.problem?.kind === "not-writable" ? access.problem.cause : "",
        /^Permission denied/,
      );
    } finally {
      await Deno.chmod(readOnly, 0o755);
    }
  },
});
