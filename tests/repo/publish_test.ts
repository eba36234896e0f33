// The JSR package: `deno publish --dry-run` is clean and ships the program only (main.ts, lib/,
// deno.json, README.md, LICENSE): no tests, bench, lab, scripts, workflows or packaging.

import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../support/assert.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

Deno.test("deno publish --dry-run ships only the program, without a warning", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert(out.success, text);
  assert(!/warning/i.test(text), text);
  const root = new URL("../../", import.meta.url).href;
  const files = [...text.matchAll(/^\s+(file:\/\/\S+)/gm)].map((m) => m[1].slice(root.length));
  const outside = files.filter((f) =>
    !["main.ts", "deno.json", "README.md", "LICENSE"].includes(f) && !f.startsWith("lib/")
  );
  assertEquals(outside, []);
  for (
    const needed of ["main.ts", "deno.json", "README.md", "LICENSE", "lib/util/deno_version.ts"]
  ) {
    assert(files.includes(needed), `${needed} is published`);
  }
});
