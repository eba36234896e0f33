// The bounded runner behind doctor's df and ss: what a program said and its exit, and each way a run
// fails worded with the program's name. free_space_test drives its deadline and output bound.

import { runBounded } from "../../lib/diagnostics/run_bounded.ts";
import { err } from "../../lib/util/result.ts";
import { assertEquals } from "../support/assert.ts";

const unix = Deno.build.os !== "windows";

Deno.test({
  name: "runBounded gives the exit and both streams, and names the program in failures",
  ignore: !unix,
  fn: async () => {
    const limits = { timeoutMs: 5000, maxBytes: 64 };
    assertEquals(
      await runBounded("/bin/sh", { args: ["-c", "echo out; echo err >&2; exit 3"], ...limits }),
      { ok: true, value: { success: false, code: 3, stdout: "out\n", stderr: "err\n" } },
    );
    const chatty = await runBounded("/bin/sh", { args: ["-c", "yes >&2; echo out"], ...limits });
    assertEquals(chatty.ok && chatty.value.stderr, "", "too much on stderr is dropped");
    assertEquals(
      await runBounded("/nonexistent/ss", { args: [], ...limits, name: "`ss` (iproute2)" }),
      err("`ss` (iproute2) is not installed"),
    );
  },
});
