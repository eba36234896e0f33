// A file that is there, one that is not, and a folder, as exists and readTextOrUndefined see them.

import { assertEquals } from "../support/assert.ts";
import { exists, readTextOrUndefined } from "../../lib/util/file_probe.ts";

Deno.test("exists and readTextOrUndefined: present, missing, a folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "file_probe_test_" });
  try {
    const file = `${dir}/a.txt`;
    await Deno.writeTextFile(file, "hello");
    assertEquals(await exists(file), true);
    assertEquals(await readTextOrUndefined(file), "hello");
    assertEquals(await exists(`${dir}/missing`), false);
    assertEquals(await readTextOrUndefined(`${dir}/missing`), undefined);
    assertEquals(await exists(dir), true);
    assertEquals(await readTextOrUndefined(dir), undefined, "a folder has no text");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
