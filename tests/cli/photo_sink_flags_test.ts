// The command line of the photo sink (issue 21): --import-to DIR, --on-photo PROGRAM and its
// --on-photo-arg ARGs, beside --on-camera's "--" without clashing with it.

import { assertEquals, assertMatch } from "../support/assert.ts";
import { parsed, usageError } from "../support/cli.ts";

const serveConfig = (args: string[]) => parsed(args, "serve").config;

Deno.test("--import-to, --on-photo and --on-photo-arg", async (t) => {
  await t.step("off unless asked for: nothing changes", () => {
    const config = serveConfig([]);
    assertEquals(config.importTo, undefined);
    assertEquals(config.onPhoto, undefined);
  });

  await t.step("--import-to DIR alone", () => {
    assertEquals(serveConfig(["--import-to", "/srv/photos"]).importTo, "/srv/photos");
  });

  await t.step("--on-photo PROGRAM gets the photo's path as its one argument", () => {
    const config = serveConfig(["--import-to", "/srv/photos", "--on-photo", "/usr/bin/upload"]);
    assertEquals(config.onPhoto, ["/usr/bin/upload", "{path}"]);
  });

  await t.step("--on-photo-arg replaces the arguments, in order, dashes with =", () => {
    const config = serveConfig([
      "--import-to",
      "/srv/photos",
      "--on-photo",
      "rclone",
      "--on-photo-arg",
      "copy",
      "--on-photo-arg={path}",
      "--on-photo-arg=--fast-list",
      "--on-photo-arg",
      "remote:photos",
    ]);
    assertEquals(config.onPhoto, ["rclone", "copy", "{path}", "--fast-list", "remote:photos"]);
  });

  await t.step("beside --on-camera's --, each keeps its own program", () => {
    const config = serveConfig([
      "--import-to",
      "/srv/photos",
      "--on-photo",
      "notify",
      "--on-camera",
      "--",
      "logger",
      "{ip}",
    ]);
    assertEquals(config.onPhoto, ["notify", "{path}"]);
    assertEquals(config.onCamera, ["logger", "{ip}"]);
  });

  await t.step("refusals, in words", () => {
    assertMatch(usageError(["--on-photo", "x"]), /--on-photo .* only with --import-to DIR/);
    assertMatch(usageError(["--import-to", "/p", "--on-photo-arg", "x"]), /add --on-photo/);
    assertMatch(usageError(["--import-to", " "]), /--import-to needs a folder/);
    assertMatch(usageError(["--import-to", "/p", "--on-photo", ""]), /--on-photo needs a program/);
    assertMatch(usageError(["import", "--import-to", "/p"]), /does not apply to "import"/);
  });
});

Deno.test("doctor --import-to DIR checks the sink's folder; without it, nothing", () => {
  const config = (args: string[]) => parsed(args, "doctor").config;
  assertEquals(config(["doctor", "--import-to", "/srv/photos"]).importTo, "/srv/photos");
  assertEquals(config(["doctor"]).importTo, undefined);
  assertMatch(usageError(["doctor", "--import-to", ""]), /--import-to needs a folder/);
  assertMatch(usageError(["doctor", "--on-photo", "x"]), /does not apply to "doctor"/);
});
