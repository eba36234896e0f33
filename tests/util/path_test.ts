// Paths joined and split as node:path does for the helper's inputs, in POSIX and Windows shapes.

import { assertEquals } from "../support/assert.ts";
import { absolutePath, joinPath, parentDir } from "../../lib/util/path.ts";

Deno.test("joinPath keeps the base's separator, one at each joint", () => {
  assertEquals(
    joinPath("/home/ann", ".config", "ptpip-canon-helper", "uuid"),
    "/home/ann/.config/ptpip-canon-helper/uuid",
  );
  assertEquals(joinPath("/home/ann/", "/.gphoto", "settings"), "/home/ann/.gphoto/settings");
  assertEquals(joinPath("/", "uuid"), "/uuid");
  assertEquals(joinPath("", "uuid"), "uuid");
  assertEquals(joinPath("relative", "a"), "relative/a");
  assertEquals(
    joinPath("C:\\Users\\ann\\AppData\\Roaming", "ptpip-canon-helper", "uuid"),
    "C:\\Users\\ann\\AppData\\Roaming\\ptpip-canon-helper\\uuid",
  );
  assertEquals(joinPath("C:\\", "x"), "C:\\x");
  assertEquals(
    joinPath("/Users/ann", "Library/Application Support", "x"),
    "/Users/ann/Library/Application Support/x",
  );
});

Deno.test("parentDir is the folder a path is in", () => {
  assertEquals(parentDir("/home/ann/.config/uuid"), "/home/ann/.config");
  assertEquals(parentDir("/home/ann/.config/"), "/home/ann");
  assertEquals(parentDir("/uuid"), "/");
  assertEquals(parentDir("/"), "/");
  assertEquals(parentDir("uuid"), ".");
  assertEquals(parentDir("dir/uuid"), "dir");
  assertEquals(parentDir("C:\\Users\\ann\\uuid"), "C:\\Users\\ann");
  assertEquals(parentDir("C:\\uuid"), "C:\\");
});

Deno.test("absolutePath keeps an absolute path and puts a relative one below the working folder", () => {
  const cwd = () => "/home/ann";
  assertEquals(absolutePath("/srv/photos", cwd), "/srv/photos");
  assertEquals(absolutePath("C:\\Photos", () => "D:\\x"), "C:\\Photos");
  assertEquals(absolutePath("\\\\nas\\photos", cwd), "\\\\nas\\photos");
  assertEquals(absolutePath("Pictures/Canon", cwd), "/home/ann/Pictures/Canon");
  assertEquals(absolutePath("Photos", () => "C:\\Users\\ann"), "C:\\Users\\ann\\Photos");
});
