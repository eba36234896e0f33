// Where photos go without --to, on each system.

import { assertEquals } from "../support/assert.ts";
import { defaultImportFolder } from "../../lib/import/default_folder.ts";
import { ok } from "../../lib/util/result.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("defaultImportFolder", async (t) => {
  await t.step("linux: $XDG_PICTURES_DIR/Canon when set", () => {
    assertEquals(
      defaultImportFolder("linux", env({ HOME: "/home/ann", XDG_PICTURES_DIR: "/data/Bilder" })),
      ok("/data/Bilder/Canon"),
    );
  });

  await t.step(
    "linux: a $HOME in XDG_PICTURES_DIR, as user-dirs.dirs writes it, is expanded",
    () => {
      assertEquals(
        defaultImportFolder("linux", env({ HOME: "/home/ann", XDG_PICTURES_DIR: "$HOME/Fotos" })),
        ok("/home/ann/Fotos/Canon"),
      );
    },
  );

  await t.step("linux: ~/Pictures/Canon without it, or when it is empty or relative", () => {
    for (const xdg of [undefined, "", "  ", "Pictures"]) {
      const vars: Record<string, string> = { HOME: "/home/ann" };
      if (xdg !== undefined) vars.XDG_PICTURES_DIR = xdg;
      assertEquals(defaultImportFolder("linux", env(vars)), ok("/home/ann/Pictures/Canon"), xdg);
    }
  });

  await t.step("macOS: ~/Pictures/Canon, XDG ignored", () => {
    assertEquals(
      defaultImportFolder("darwin", env({ HOME: "/Users/ann", XDG_PICTURES_DIR: "/x" })),
      ok("/Users/ann/Pictures/Canon"),
    );
  });

  await t.step("windows: %USERPROFILE%\\Pictures\\Canon", () => {
    assertEquals(
      defaultImportFolder("windows", env({ USERPROFILE: "C:\\Users\\ann", HOME: "/x" })),
      ok("C:\\Users\\ann\\Pictures\\Canon"),
    );
  });

  await t.step("no home: an error naming the variable and --to", () => {
    const linux = defaultImportFolder("linux", env({}));
    assertEquals(linux.ok, false);
    if (!linux.ok) assertEquals(linux.error.startsWith("HOME is not set"), true);
    const windows = defaultImportFolder("windows", env({ HOME: "/x" }));
    assertEquals(
      !windows.ok && windows.error.startsWith("USERPROFILE is not set") &&
        windows.error.includes("--to DIR"),
      true,
    );
  });
});
