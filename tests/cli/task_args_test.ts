// `deno task NAME -- ARGS` passes the `--` on: only a leading one is dropped, and the input stays
// as it was.

import { assertEquals } from "../support/assert.ts";
import { withoutTaskSeparator } from "../../lib/cli/task_args.ts";

Deno.test("a leading -- is dropped, any other kept", () => {
  assertEquals(withoutTaskSeparator(["--", "serve", "--eos"]), ["serve", "--eos"]);
  assertEquals(withoutTaskSeparator(["serve", "--", "--eos"]), ["serve", "--", "--eos"]);
  assertEquals(withoutTaskSeparator(["--", "--"]), ["--"]);
  assertEquals(withoutTaskSeparator([]), []);
});

Deno.test("the result is a new array: the caller's words are not changed", () => {
  const given = ["--", "uuid"];
  const plain = ["uuid"];
  withoutTaskSeparator(given).push("x");
  const copy = withoutTaskSeparator(plain);
  copy.push("x");
  assertEquals(given, ["--", "uuid"]);
  assertEquals(plain, ["uuid"]);
});
