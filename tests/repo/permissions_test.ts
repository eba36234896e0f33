// `deno task start` runs with exactly the flags the binaries are compiled with, including --allow-run
// for --on-camera; the integration tests use the same list, so a missing permission fails a test.

import { LOCK_FLAGS, PERMISSION_FLAGS, RUNTIME_FLAGS } from "../../scripts/permissions.ts";
import { assert, assertEquals } from "../support/assert.ts";

Deno.test("deno task start has exactly the release runtime flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  const argv = (config.tasks.start as string).split(/\s+/);
  assertEquals(argv.slice(0, 2), ["deno", "run"]);
  assertEquals(argv.at(-1), "main.ts");
  assertEquals(argv.slice(2, -1), [...LOCK_FLAGS, ...RUNTIME_FLAGS]);
});

Deno.test("running the --on-camera program is permitted, reading the environment stays narrow", () => {
  assert(PERMISSION_FLAGS.includes("--allow-run"));
  assert(
    !(PERMISSION_FLAGS as readonly string[]).includes("--allow-env"),
    "no blanket --allow-env",
  );
});

Deno.test("the README's deno run command is the release flag list", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const command = ["deno run", ...LOCK_FLAGS, ...RUNTIME_FLAGS, "main.ts"].join(" ");
  assert(readme.includes(command), `README shows: ${command}`);
});

Deno.test("every deno run and deno install line of the README grants the release flag list", async () => {
  // A flag missing from one copy fails on a user's second start (the uid check of the UUID file).
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  const lines = readme.split("\n").filter((l) => /^deno (run|install) .*--allow-net/.test(l));
  assert(lines.length >= 3, "the README shows how to run and install with Deno");
  for (const line of lines) {
    assert(line.includes(RUNTIME_FLAGS.join(" ")), `README line lacks the release flags: ${line}`);
  }
});
