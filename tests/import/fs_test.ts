import { assert } from "../support/assert.ts";
import { isNoSpace } from "../../lib/import/fs.ts";

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
